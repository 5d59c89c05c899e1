#!/usr/bin/env bash
# Lints the OpenAPI document of a started Remit with Spectral's spectral:oas ruleset (.spectral.yaml) and fails on any
# finding, of any severity. Needs the Release build (dotnet build Remit.slnx -c Release) and npm; Spectral is installed
# from the npm registry into a cache folder once per version. scripts/test.sh runs it; it also runs alone:
#   bash scripts/openapi-lint.sh
set -euo pipefail

SPECTRAL_VERSION=6.16.3
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
DLL="$ROOT/src/Remit/bin/Release/net10.0/remit.dll"
CACHE="${REMIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/remit}/spectral-$SPECTRAL_VERSION"
SPECTRAL="$CACHE/node_modules/.bin/spectral"

fail() { printf 'openapi-lint.sh: FAILED: %s\n' "$*" >&2; exit 1; }

[[ -f "$DLL" ]] || fail "$DLL is missing: build first (dotnet build Remit.slnx -c Release)"
if [[ ! -x "$SPECTRAL" ]]; then
    command -v npm >/dev/null || fail "npm is missing (Debian packages nodejs npm)"
    echo "Installing @stoplight/spectral-cli@$SPECTRAL_VERSION into $CACHE"
    mkdir -p "$CACHE"
    npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error "@stoplight/spectral-cli@$SPECTRAL_VERSION" >"$CACHE.log" 2>&1 \
        || { tail -n 30 "$CACHE.log" >&2; fail "npm install @stoplight/spectral-cli@$SPECTRAL_VERSION"; }
fi

work="$(mktemp -d)"
pid=""
cleanup() {
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=$((20000 + RANDOM % 20000))
while port_in_use "$port"; do port=$((port + 1)); done

# A throwaway database and key in a folder of its own: the document depends only on the code.
(
    cd "$work"
    exec env ConnectionStrings__Remit="Data Source=$work/remit.db" Remit__Demo__Seed=false \
        Remit__Encryption__Keys__lint="$(head -c 32 /dev/urandom | base64)" Remit__Encryption__ActiveKeyId=lint \
        dotnet "$DLL" --urls "http://127.0.0.1:$port"
) >"$work/remit.log" 2>&1 &
pid=$!

for _ in $(seq 120); do
    if curl -sf "http://127.0.0.1:$port/openapi/v1.json" -o "$work/openapi.json"; then break; fi
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$work/remit.log" >&2; fail "Remit did not start"; }
    sleep 0.5
done
[[ -s "$work/openapi.json" ]] || { tail -n 30 "$work/remit.log" >&2; fail "no /openapi/v1.json within 60 s"; }

"$SPECTRAL" lint --ruleset "$ROOT/.spectral.yaml" --fail-severity hint --format text "$work/openapi.json" \
    || fail "Spectral found problems in /openapi/v1.json (above)"
echo "Spectral (spectral:oas): no findings in /openapi/v1.json"

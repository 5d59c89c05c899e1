#!/usr/bin/env bash
# Runs every test: installs what the tests need from Debian (only what is missing), starts a
# throwaway PostgreSQL, builds once, then runs tests/Remit.Tests against SQLite and against
# PostgreSQL. Ends with "Tests: N passed, N failed, N skipped" and a non-zero exit on any failure,
# on a run that produced no results or ran nothing, and on any skip when CI=true.
set -euo pipefail

# Debian packages the tests need; add to this list. Installed only when missing.
#   postgresql + postgresql-contrib: the server (pg_trgm is in it); chromium: Playwright tests;
#   fontconfig + fonts: PDF text through Skia and the browser (droid-fallback covers Chinese and
#   Japanese, nanum covers Korean Hangul); poppler-utils: pdftoppm; curl: fetches the OpenAPI document to lint;
#   redis-server: the rate limits shared by two Remit processes (tests/Remit.Tests/Hosting/ScaleOutTests).
DEB_PACKAGES="postgresql postgresql-contrib chromium fontconfig fonts-dejavu-core fonts-dejavu-extra fonts-droid-fallback poppler-utils fonts-nanum curl redis-server"

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
SOLUTION="Remit.slnx"
TEST_PROJECT="tests/Remit.Tests/Remit.Tests.csproj"
OUT="$ROOT/test-output"
CHROMIUM="/usr/bin/chromium"
# A single test that runs this long is a hang: its test host is killed and the test fails.
HANG_TIMEOUT="${REMIT_TEST_HANG_TIMEOUT:-5m}"
# minimal prints failures in full and a summary; normal also lists every passing test.
CONSOLE_VERBOSITY="${REMIT_TEST_VERBOSITY:-minimal}"
BUDGET_SECONDS=900

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# One build per run: MSBuild worker nodes left waiting for a next build only hold memory.
export MSBUILDDISABLENODEREUSE=1
export REMIT_TEST_CHROMIUM="$CHROMIUM"

is_ci() { [[ "${CI:-}" =~ ^([Tt][Rr][Uu][Ee]|1|yes)$ ]]; }
step() { printf '\n==> [%3ds] %s\n' "$SECONDS" "$*"; }
die() { printf '\ntest.sh: FAILED: %s\n' "$*" >&2; exit 1; }

mkdir -p "$OUT"

install_packages() {
    local missing=() pkg
    for pkg in $DEB_PACKAGES; do
        [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)" == ii* ]] || missing+=("$pkg")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "Debian packages already installed: $DEB_PACKAGES"
        return
    fi

    local sudo=()
    if [[ $EUID -ne 0 ]]; then
        command -v sudo >/dev/null || die "not root and no sudo: cannot install ${missing[*]}"
        sudo=(sudo)
    fi
    local log="$OUT/apt.log"
    echo "Installing missing Debian packages: ${missing[*]} (log: $log)"
    if ! "${sudo[@]}" apt-get update >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "apt-get update failed"
    fi
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            "${missing[@]}" >>"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "apt-get install ${missing[*]} failed"
    fi
    for pkg in "${missing[@]}"; do
        [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)" == ii* ]] \
            || die "package $pkg is still not installed after apt-get install (see $log)"
    done
}

check_tools() {
    [[ -x "$CHROMIUM" ]] || die "$CHROMIUM is missing (Debian package chromium)"
    command -v pdftoppm >/dev/null || die "pdftoppm is missing (Debian package poppler-utils)"
    command -v fc-match >/dev/null || die "fc-match is missing (Debian package fontconfig)"

    # Fail here, with Chromium's own words, rather than in the first browser test.
    local profile html
    profile="$(mktemp -d)"
    html="$(timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --no-first-run --disable-background-networking --user-data-dir="$profile" \
        --dump-dom 'data:text/html,<p>ok</p>' 2>"$profile.log" || true)"
    if [[ "$html" != *"<p>ok</p>"* ]]; then
        cat "$profile.log" >&2
        rm -rf "$profile" "$profile.log"
        die "Chromium ($CHROMIUM) cannot start headless; browser tests cannot run"
    fi
    rm -rf "$profile" "$profile.log"
    echo "Chromium: $("$CHROMIUM" --version 2>/dev/null)"
}

# shellcheck source=scripts/pg.sh
source "$ROOT/scripts/pg.sh"
# shellcheck source=scripts/redis.sh
source "$ROOT/scripts/redis.sh"
trap 'pg_stop; redis_stop' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Spectral (scripts/openapi-lint.sh) comes from npm: Debian's nodejs and npm when there is no npm at all.
command -v npm >/dev/null || DEB_PACKAGES+=" nodejs npm"

step "Debian packages"
install_packages
check_tools

step "PostgreSQL"
pg_start || die "PostgreSQL could not start; the Postgres tests are never skipped"
PG_CONNECTION="$REMIT_TEST_PG"
unset REMIT_TEST_PG

# Both runs use it: two Remit processes share their rate limits through it (never skipped either).
step "Redis"
redis_start || die "Redis could not start; the scale-out test is never skipped"

step "dotnet build $SOLUTION -c Release"
dotnet build "$SOLUTION" -c Release -nologo || die "build failed (warnings are errors)"

# Once per run, from the build above: the hosting tests start this published build from an unrelated folder
# (tests/Remit.Tests/Hosting). Without REMIT_TEST_PUBLISHED they publish it themselves.
step "dotnet publish src/Remit"
PUBLISHED="$OUT/publish"
rm -rf "$PUBLISHED"
dotnet publish src/Remit/Remit.csproj -c Release --no-build -nologo -o "$PUBLISHED" || die "publish failed"
export REMIT_TEST_PUBLISHED="$PUBLISHED"

# Beside the SQLite tests, so it adds little to the run's time; its result is judged with the tests'.
step "OpenAPI document lint (Spectral), in the background: $OUT/openapi-lint.log"
bash "$ROOT/scripts/openapi-lint.sh" >"$OUT/openapi-lint.log" 2>&1 &
LINT_PID=$!

declare -A RC PIDS
# $1: provider name, which also names the TRX file and results folder. Extra args: env assignments.
# Runs in the background (both providers at once: much of a test's time is spent waiting on a database, a browser
# or a child process, so two runs fill each other's gaps); its console output goes to <provider>/console.log and
# its exit code to <provider>/exit-code, both shown once it ends.
run_tests() {
    local provider=$1 name dir
    shift
    name="${provider,,}"
    dir="$OUT/$name"
    rm -rf "$dir"
    mkdir -p "$dir"
    (
        rc=0
        env REMIT_TEST_PROVIDER="$provider" REMIT_TEST_LOG_DIR="$dir" "$@" \
            dotnet test "$TEST_PROJECT" --no-build -c Release -nologo \
                --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=$CONSOLE_VERBOSITY" \
                --results-directory "$dir" \
                --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none \
            >"$dir/console.log" 2>&1 || rc=$?
        echo "$rc" >"$dir/exit-code"
    ) &
    PIDS[$provider]=$!
}

finish_tests() {
    local provider=$1 name
    name="${provider,,}"
    step "Tests against $provider (output: ${OUT#"$ROOT"/}/$name/console.log)"
    cat "$OUT/$name/console.log"
    RC[$provider]="$(cat "$OUT/$name/exit-code" 2>/dev/null || echo 1)"
}

# Every app log line of a provider's run is in test-output/<provider>/app.log, every secret the tests used in
# secrets.tsv beside it; scripts/log-secrets.sh fails when one is in the log (naming its kind), or when the log
# shows no money-moving step (so it cannot pass on an empty log). It is first tried on fixtures, so a check that
# could never fail is caught.
check_log_secrets_self() {
    local dir rc=0
    dir="$(mktemp -d)"
    printf 'API token	remit_fixture_token_123
' >"$dir/secrets.tsv"
    printf 'x Remit.Payouts[1001]: Payout 1 created
x Remit.Batches[2001]: Batch 1 created
' >"$dir/clean.log"
    { cat "$dir/clean.log"; echo 'x Remit.Payouts[1002]: token remit_fixture_token_123'; } >"$dir/leaky.log"
    bash "$ROOT/scripts/log-secrets.sh" "$dir/clean.log" "$dir/secrets.tsv" >/dev/null || rc=1
    bash "$ROOT/scripts/log-secrets.sh" "$dir/leaky.log" "$dir/secrets.tsv" 2>/dev/null && rc=1
    bash "$ROOT/scripts/log-secrets.sh" /dev/null "$dir/secrets.tsv" 2>/dev/null && rc=1
    rm -rf "$dir"
    return $rc
}

step "Tests against SQLite and PostgreSQL, side by side"
run_tests Sqlite
run_tests Postgres REMIT_TEST_PG="$PG_CONNECTION"
wait "${PIDS[Sqlite]}" "${PIDS[Postgres]}" || true
finish_tests Sqlite
finish_tests Postgres

step "Secrets in the app logs"
declare -A LOGRC
check_log_secrets_self || die "scripts/log-secrets.sh passed a log holding a secret, or failed a clean one"
for provider in Sqlite Postgres; do
    name="${provider,,}"
    LOGRC[$provider]=0
    bash "$ROOT/scripts/log-secrets.sh" "$OUT/$name/app.log" "$OUT/$name/secrets.tsv" || LOGRC[$provider]=$?
done

# The TRX <Counters> element. VSTest counts a skipped test in total but not in executed (and, in
# the versions used here, not in notExecuted either), so skipped = total - executed. Error,
# timeout and aborted are failures too.
trx_attr() { sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p" <<<"$2" | head -1; }

step "Results"
problems=()
if wait "$LINT_PID"; then
    tail -n 1 "$OUT/openapi-lint.log"
else
    cat "$OUT/openapi-lint.log"
    problems+=("OpenAPI lint: Spectral found problems in /openapi/v1.json, or could not run (see above)")
fi
sum_passed=0 sum_failed=0 sum_skipped=0
for provider in Sqlite Postgres; do
    name="${provider,,}"
    trx="$OUT/$name/$name.trx"
    if [[ ! -s "$trx" ]]; then
        problems+=("$provider: no TRX file at ${trx#"$ROOT"/} (dotnet test exited ${RC[$provider]})")
        printf '  %-8s no results\n' "$provider"
        continue
    fi
    counters="$(tr '\n' ' ' <"$trx" | grep -o '<Counters[[:space:]][^>]*>' | head -1 || true)"
    if [[ -z "$counters" ]]; then
        problems+=("$provider: ${trx#"$ROOT"/} has no <Counters> element")
        continue
    fi
    total=$(trx_attr total "$counters")
    executed=$(trx_attr executed "$counters")
    passed=$(trx_attr passed "$counters")
    failed=0
    for attr in failed error timeout aborted; do
        failed=$((failed + $(trx_attr "$attr" "$counters" || true) + 0))
    done
    total=${total:-0} executed=${executed:-0} passed=${passed:-0}
    skipped=$((total - executed))
    printf '  %-8s passed %d, failed %d, skipped %d, of %d (%s)\n' \
        "$provider" "$passed" "$failed" "$skipped" "$total" "${trx#"$ROOT"/}"

    sum_passed=$((sum_passed + passed))
    sum_failed=$((sum_failed + failed))
    sum_skipped=$((sum_skipped + skipped))
    ((failed == 0)) || problems+=("$provider: $failed test(s) failed")
    ((executed > 0)) || problems+=("$provider: no test ran")
    if ((skipped > 0)) && is_ci; then
        problems+=("$provider: $skipped test(s) skipped, and CI never skips")
    fi
    if ((passed + failed != executed)); then
        problems+=("$provider: $((executed - passed - failed)) of $executed test(s) ended neither passed nor failed (see the TRX)")
    fi
    if ((LOGRC[$provider] != 0)); then
        problems+=("$provider: the app log check failed (scripts/log-secrets.sh, above)")
    fi
    if ((RC[$provider] != 0)) && ((failed == 0)); then
        problems+=("$provider: dotnet test exited ${RC[$provider]} (test host crash or hang? see the output above)")
    fi
done

elapsed=$SECONDS
if ((elapsed > BUDGET_SECONDS)); then
    echo "  Warning: took ${elapsed}s, over the ${BUDGET_SECONDS}s budget"
else
    echo "  Took ${elapsed}s"
fi
for problem in "${problems[@]}"; do
    echo "test.sh: FAILED: $problem" >&2
done
echo "Tests: $sum_passed passed, $sum_failed failed, $sum_skipped skipped"
[[ ${#problems[@]} -eq 0 ]]

#!/usr/bin/env bash
# Checks a test run's app log for the secrets its tests used.
#   bash scripts/log-secrets.sh APP_LOG SECRETS_TSV
# SECRETS_TSV has one "kind<TAB>value" line per secret (tests/Remit.Tests/Infrastructure/TestLog.cs writes it).
# Exit 0: the log holds money-moving lines and none of the secrets. Exit 1: a secret is in the log (the kinds are
# named, never the values). Exit 2: nothing to judge (no log, an empty log, no money-moving line, no secrets), so
# the check can never pass by having looked at nothing.
set -euo pipefail

log=${1:?usage: log-secrets.sh APP_LOG SECRETS_TSV}
secrets=${2:?usage: log-secrets.sh APP_LOG SECRETS_TSV}
# Values shorter than this would match unrelated text; TestLog records none (MinSecretLength).
min_length=6

[[ -s "$log" ]] || { echo "log-secrets: $log is missing or empty: the app logged nothing" >&2; exit 2; }
[[ -s "$secrets" ]] || { echo "log-secrets: $secrets is missing or empty: no secret was recorded" >&2; exit 2; }
# A payout made and a batch made: the money-moving steps were logged at all.
for category in 'Remit.Payouts[1001]' 'Remit.Batches[2001]'; do
    grep -qF -- "$category" "$log" || { echo "log-secrets: $log has no $category line: money-moving steps were not logged" >&2; exit 2; }
done

patterns="$(mktemp)"
trap 'rm -f "$patterns"' EXIT
awk -F '\t' -v min="$min_length" 'length($2) >= min { print $2 }' "$secrets" | sort -u >"$patterns"
[[ -s "$patterns" ]] || { echo "log-secrets: $secrets holds no secret of $min_length characters or more" >&2; exit 2; }

# One pass over the log for all the values at once; then the kinds of the values found.
found="$(grep -oFf "$patterns" "$log" | sort -u || true)"
if [[ -z "$found" ]]; then
    printf 'log-secrets: %s: %d log lines, none of %d recorded secrets\n' "$log" "$(wc -l <"$log")" "$(wc -l <"$patterns")"
    exit 0
fi
kinds="$(awk -F '\t' 'NR == FNR { leaked[$0] = 1; next } ($2 in leaked) { print $1 }' <(printf '%s\n' "$found") "$secrets" \
    | sort | uniq -c | awk '{ count = $1; $1 = ""; sub(/^ /, ""); printf "%s%s (%d)", sep, $0, count; sep = ", " }')"
echo "log-secrets: FAILED: $log contains secrets: $kinds" >&2
exit 1

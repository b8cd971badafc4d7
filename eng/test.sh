#!/usr/bin/env bash
# Runs every test project and ends with one line: "N passed, N failed, N skipped".
# Exits non-zero if a test failed or if no test ran. Extra arguments go to `dotnet test`
# (e.g. eng/test.sh --filter "FullyQualifiedName~Config").
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/.test-results"
rm -rf "$results"

dotnet test "$root/KafkaDemos.sln" --nologo --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@"
status=$?

# Sum the counters of every TRX file. xunit v3 counts a skipped test in "total" but not in
# "executed" (nor in "notExecuted"), so skipped = total - executed.
read -r total passed failed skipped < <(
  cat "$results"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' | awk '
    function attr(name,   m) { if (match($0, name "=\"[0-9]+\"")) { m = substr($0, RSTART, RLENGTH); gsub(/[^0-9]/, "", m); return m + 0 } return 0 }
    { t += attr("total"); p += attr("passed"); f += attr("failed") + attr("error") + attr("timeout") + attr("aborted"); s += attr("total") - attr("executed") }
    END { printf "%d %d %d %d\n", t, p, f, s }')
echo
# Each failed test again, with its message, so the end of the log says what failed.
cat "$results"/*.trx 2>/dev/null | awk -f "$root/eng/trx-failures.awk"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$total" -eq 0 ]; then echo "eng/test.sh: no test ran" >&2; exit 1; fi
if [ "$failed" -gt 0 ] || [ "$status" -ne 0 ]; then exit 1; fi
exit 0

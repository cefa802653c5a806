#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test: the lit tests and, through
# lit's GoogleTest format, every unit test. Ends with one line "N passed, M failed".
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${LOWBIT_BUILD_DIR:-$root/build}"

bash "$root/scripts/install-deps.sh" || exit 1
bash "$root/scripts/build.sh" || { echo "0 passed, 1 failed"; exit 1; }
ninja -C "$build" mlir-doc >/dev/null || { echo "0 passed, 1 failed"; exit 1; }

log="$(mktemp)"
/usr/lib/llvm-22/bin/lit -sv "$build/test" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# lit aligns the colons of its summary ("  Passed : 761" next to "  Skipped:   1").
count() { sed -n "s/^ *$1 *: *\([0-9]*\).*/\1/p" "$log" | tail -n 1; }
passed=$(count Passed); failed=$(count Failed); unresolved=$(count Unresolved)
timedout=$(count "Timed Out")
passed=${passed:-0}
failed=$(( ${failed:-0} + ${unresolved:-0} + ${timedout:-0} ))
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]

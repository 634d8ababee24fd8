#!/bin/sh
# Run each libFuzzer binary given as an argument for a bounded time.
#
#   test/fuzz/run.sh build/fuzz/fuzz_advert [build/fuzz/fuzz_conf ...]
#
# FUZZ_SECONDS   time per fuzzer (default 30), passed as -max_total_time
# FUZZ_DIR       where corpora, crash artifacts and logs go (default build):
#                $FUZZ_DIR/fuzz-corpus/NAME grows across runs,
#                $FUZZ_DIR/fuzz-artifacts/NAME-crash-* on failure,
#                $FUZZ_DIR/fuzz-logs/NAME.log the fuzzer's output.
# test/fuzz/seeds/NAME, when it exists, is read as an extra seed corpus.
#
# Ends with "fuzz: N passed, N failed"; exit status 1 if any fuzzer failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
secs=${FUZZ_SECONDS:-30}
dir=${FUZZ_DIR:-build}
# UBSan only reports by default; make it fatal so libFuzzer records a crash.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1}"

case $secs in
''|*[!0-9]*) echo "run.sh: FUZZ_SECONDS must be a whole number of seconds" >&2; exit 2 ;;
esac
if [ $# -eq 0 ]; then
	echo "usage: $0 FUZZER..." >&2
	exit 2
fi

# fuzz_one BIN CORPUS [SEEDS]: the writable corpus first, seeds read only.
# The outer timeout is a backstop in case the fuzzer ignores its own time
# limit (a hang inside one input).
fuzz_one() {
	bin=$1
	shift
	timeout -k 10 $((secs + 60)) "$bin" -max_total_time="$secs" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$arts/$name-" "$@"
}

passed=0
failed=0
for bin in "$@"; do
	name=$(basename "$bin")
	corpus=$dir/fuzz-corpus/$name
	arts=$dir/fuzz-artifacts
	log=$dir/fuzz-logs/$name.log
	mkdir -p "$corpus" "$arts" "$(dirname "$log")"
	if [ ! -x "$bin" ]; then
		echo "$name: FAILED (not an executable: $bin)"
		failed=$((failed + 1))
		continue
	fi
	# test/fuzz/seeds/NAME.dict, when it exists, is a libFuzzer dictionary.
	dict=
	[ -f "$here/seeds/$name.dict" ] && dict=-dict=$here/seeds/$name.dict
	if [ -d "$here/seeds/$name" ]; then
		fuzz_one "$bin" $dict "$corpus" "$here/seeds/$name" >"$log" 2>&1
	else
		fuzz_one "$bin" $dict "$corpus" >"$log" 2>&1
	fi
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -n 1)
	units=$(find "$corpus" -type f | wc -l)
	if [ $rc -eq 0 ]; then
		echo "$name: ok, ${runs:-? runs}, corpus $units"
		passed=$((passed + 1))
	else
		echo "$name: FAILED (exit $rc), see $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)|Test unit written to' "$log" | head -n 5 | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]

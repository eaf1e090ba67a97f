#!/bin/bash
# fuzz.t -- the libFuzzer targets of tests/fuzz/ (built by make fuzz-bins
# into build/fuzz/), as TAP. For each target: the inputs kept under
# regressions/<name>/ (each once a crash) are replayed and must pass, then
# the target fuzzes for FUZZ_SECONDS (default 30; make fuzz gives 60) from
# its seeds in corpus/<name>/ and the corpus it grew before in
# build/fuzz/corpus/<name>/, with its dictionary. One ok per target, with
# libFuzzer's count of executions ("Done N runs"); a crash, a leak, a
# timeout or any sanitizer report fails it, and the input that did it is
# left in build/fuzz/artifacts/. Targets run one after another, each from
# an empty directory: fuzz_cli must find no ./defaults.json, and no file
# its --defaults could name.
. "$(dirname "$0")/../e2e/lib.sh"
FUZZ_DIR=$ROOT/tests/fuzz
FUZZ_BUILD=${FUZZ_BUILD:-$ROOT/build/fuzz}
SECS=${FUZZ_SECONDS:-30}
NAMES="cli defaults schedule scenario summary"

if ! ls "$FUZZ_BUILD"/fuzz_* >/dev/null 2>&1; then
    echo "1..0 # SKIP no fuzz targets in $FUZZ_BUILD (make fuzz-bins)"
    exit 0
fi
mkdir -p "$FUZZ_BUILD/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

report() { # report LOG: the lines that say what went wrong
    grep -E -m8 'ERROR|SUMMARY|runtime error|Test unit written|deadly signal|timeout' "$1" | diag "$(cat)"
}

replay() { # replay NAME BIN: every input of regressions/NAME runs clean
    local dir=$FUZZ_DIR/regressions/$1 files
    files=$(find "$dir" -type f 2>/dev/null | sort)
    [ -n "$files" ] || return 0
    # shellcheck disable=SC2086 # one argument per file; the names have no blanks
    timeout -k 5 120 "$2" $files </dev/null >"replay.$1.log" 2>&1
    local rc=$?
    ok $rc "fuzz_$1: $(echo "$files" | wc -l) regression inputs replay clean"
    [ "$rc" = 0 ] || report "replay.$1.log"
}

fuzz() { # fuzz NAME BIN: FUZZ_SECONDS of fuzzing, no finding
    local corpus=$FUZZ_BUILD/corpus/$1 dict=() runs rc
    mkdir -p "$corpus"
    [ -f "$FUZZ_DIR/$1.dict" ] && dict=("-dict=$FUZZ_DIR/$1.dict")
    mkdir "empty.$1"
    (cd "empty.$1" && timeout -k 5 $((SECS + 120)) "$2" -max_total_time="$SECS" -timeout=10 \
        -rss_limit_mb=2048 "${dict[@]}" -artifact_prefix="$FUZZ_BUILD/artifacts/$1-" \
        "$corpus" "$FUZZ_DIR/corpus/$1" </dev/null >"../fuzz.$1.log" 2>&1)
    rc=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "fuzz.$1.log")
    if [ "$rc" = 0 ] && [ -n "$runs" ] && ! grep -Eq 'Sanitizer|runtime error' "fuzz.$1.log"; then
        ok 0 "fuzz_$1: $runs runs in ${SECS} s, no crash, leak or sanitizer report"
    else
        ok 1 "fuzz_$1: ${SECS} s of fuzzing with no finding (exit $rc)"
        report "fuzz.$1.log"
    fi
}

for name in $NAMES; do
    bin=$FUZZ_BUILD/fuzz_$name
    if [ ! -x "$bin" ]; then
        ok 1 "fuzz_$name is built (make fuzz-bins)"
        continue
    fi
    replay "$name" "$bin"
    fuzz "$name" "$bin"
done

done_testing

#!/usr/bin/env bash
# Runs each libFuzzer target (built by fuzz/build.sh) for SECONDS from its committed seed corpus
# (fuzz/corpus/<target>, never written) and a working corpus (.build/fuzz/corpus/<target>, which keeps
# what it finds between runs), then prints its executions per second and in total. A crash, a trap,
# a leak or an input slower than 10 s fails the run; the input is left in .build/fuzz/artifacts/ (it
# belongs in a regression test). Usage: fuzz/run.sh SECONDS [target ...] (all when none).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=$1
shift
targets=${*:-safetensors npy npz numeric_json log_reader key_pattern}
failed=0
mkdir -p .build/fuzz/artifacts
for t in $targets; do
    mkdir -p ".build/fuzz/corpus/$t"
    log=".build/fuzz/$t.log"
    if ".build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix=".build/fuzz/artifacts/$t-" ".build/fuzz/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
        status=ok
    else
        status=FAILED
        failed=1
        grep -v '^#' "$log" | tail -40
    fi
    runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
    rate=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$log")
    echo "fuzz $t: $status, ${runs:-?} executions in ${seconds} s (${rate:-?} exec/s); log $log"
done
exit $failed

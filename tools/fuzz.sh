#!/bin/sh
# Run libFuzzer targets and print TAP.
#   tools/fuzz.sh SECONDS CORPUS_ROOT fuzzer...
#   FUZZ_RUNS=N tools/fuzz.sh 0 CORPUS_ROOT fuzzer...   N executions each instead
# Each fuzzer keeps its corpus in CORPUS_ROOT/<name> (seeds from
# tests/fuzz-seeds/<name> if present); a crash, leak, timeout or sanitizer
# report is a failure and the reproducer is left in CORPUS_ROOT.  The .nx
# targets also print how deep their inputs got ("nx depth").
case $1 in -h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
secs=$1 root=$2; shift 2
limit="-max_total_time=$secs"
[ -n "${FUZZ_RUNS:-}" ] && limit="-runs=$FUZZ_RUNS"
echo "1..$#"
n=0 rc=0
for f in "$@"; do
	n=$((n + 1)); name=$(basename "$f")
	mkdir -p "$root/$name" "$root/$name.crash"
	seeds=""; [ -d "tests/fuzz-seeds/$name" ] && seeds="tests/fuzz-seeds/$name"
	log="$root/$name.log"
	start=$(date +%s)
	if "$f" "$limit" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$root/$name.crash/" "$root/$name" $seeds >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
		depth=$(sed -n 's/^nx depth: [0-9]* inputs: //p' "$log" | tail -1)
		echo "ok $n - $name: $(( $(date +%s) - start ))s, ${execs:-?} executions, ${rate:-?}/s, no crash${depth:+; $depth}"
	else
		echo "not ok $n - $name: crashed or hung, see $log and $root/$name.crash/"
		grep -m5 'ERROR\|SUMMARY\|panic' "$log" | sed 's/^/# /'
		rc=1
	fi
done
exit $rc

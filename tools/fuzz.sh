#!/bin/sh
# Run libFuzzer targets for a fixed time each and print TAP.
#   tools/fuzz.sh SECONDS CORPUS_ROOT fuzzer...
# Each fuzzer keeps its corpus in CORPUS_ROOT/<name> (seeds from
# tests/fuzz-seeds/<name> if present); a crash, leak, timeout or sanitizer
# report is a failure and the reproducer is left in CORPUS_ROOT.
case $1 in -h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
secs=$1 root=$2; shift 2
echo "1..$#"
n=0 rc=0
for f in "$@"; do
	n=$((n + 1)); name=$(basename "$f")
	mkdir -p "$root/$name" "$root/$name.crash"
	seeds=""; [ -d "tests/fuzz-seeds/$name" ] && seeds="tests/fuzz-seeds/$name"
	log="$root/$name.log"
	if "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$root/$name.crash/" "$root/$name" $seeds >"$log" 2>&1; then
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
		echo "ok $n - $name: ${secs}s, ${execs:-?} executions, ${rate:-?}/s, no crash"
	else
		echo "not ok $n - $name: crashed or hung, see $log and $root/$name.crash/"
		grep -m5 'ERROR\|SUMMARY\|panic' "$log" | sed 's/^/# /'
		rc=1
	fi
done
exit $rc

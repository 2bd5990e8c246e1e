#!/bin/sh
# Run each test program given on the command line; each prints TAP (host)
# or KTAP (the QEMU harness).  Count the unindented "ok"/"not ok" lines,
# treat a missing or short plan and a non-zero exit as failures, and end
# with the one line the CI reads: "N passed, N failed".
#
# A program still running after NIMBLE_TEST_TIMEOUT seconds (default 900)
# is stopped and fails, so a hang fails the run instead of stalling it.
#
#   tools/runtests.sh prog...        (NIMBLE_TEST_VERBOSE=1 shows all output)
case $1 in -h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
pass=0 fail=0 failed_progs=""
log=$(mktemp) || exit 2
trap 'rm -f "$log"' EXIT
for t in "$@"; do
	printf '== %s\n' "$t"
	start=$(date +%s)
	timeout -k 10 "${NIMBLE_TEST_TIMEOUT:-900}" "$t" >"$log" 2>&1
	rc=$?
	[ $rc -eq 124 ] && echo "not ok - $t timed out after ${NIMBLE_TEST_TIMEOUT:-900} s" >>"$log"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
	if [ "${NIMBLE_TEST_VERBOSE:-0}" = 1 ]; then cat "$log"; else grep '^not ok \|^# \|^Bail out' "$log"; fi
	extra=0
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited with status $rc"; tail -n 20 "$log"; extra=1
	elif [ -z "$plan" ]; then
		echo "not ok - $t printed no TAP plan"; tail -n 20 "$log"; extra=1
	elif [ "$plan" -ne $((p + f)) ]; then
		echo "not ok - $t planned $plan tests, ran $((p + f))"; tail -n 20 "$log"; extra=1
	fi
	pass=$((pass + p)); fail=$((fail + f + extra))
	[ $((f + extra)) -gt 0 ] && failed_progs="$failed_progs $t"
	printf '   %s: %d passed, %d failed (%ds)\n' "$t" "$p" $((f + extra)) $(( $(date +%s) - start ))
done
[ -n "$failed_progs" ] && echo "failing:$failed_progs"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# What `make run` boots (the kernel, the demo PCT, app-prio): the kernel
# must load the PCT; the PCT must start the application, see it exit,
# take it apart, and end with as much free UMEM as it began with; the
# kernel then frees the PCT's memory.  TAP on stdout.
#
#
# usage: tests/kernel/run_test.sh ISO [high]
#   high: a 6 GiB node whose PCT gets its memory above 4 GiB, beyond the
#         kernel's direct map (pct_mem_above=4G): the loader must cope.
iso=$1 high=$2
[ -f "$iso" ] || { echo "usage: $0 ISO [high]" >&2; exit 2; }
if [ "$high" = high ]; then
	out=$(tools/node.sh -i "$iso" -t 120 -m 6G -a "pct_mem_above=4G" 2>&1 | tr -d '\r')
else
	out=$(tools/node.sh -i "$iso" -t 120 2>&1 | tr -d '\r')
fi
n=0 failed=0
check() {   # check NAME CONDITION-STATUS
	n=$((n + 1))
	if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; failed=$((failed + 1)); fi
}
echo "1..6"
first=$(printf '%s\n' "$out" | sed -n 's/^pct: [0-9]* UMEM allocations, the first at phys \(0x[0-9a-f]*\)$/\1/p')
echo "# the PCT's memory starts at ${first:-?}"
if [ "$high" = high ]; then
	[ -n "$first" ] && [ $((first)) -ge $((1 << 32)) ]
	check "the kernel loaded the PCT into UMEM above 4 GiB" $?
else
	[ -n "$first" ]
	check "the kernel loaded the PCT" $?
fi
printf '%s\n' "$out" | grep -q '^pct: app-prio (task [0-9]*) exited with status 0$'
check "the demo application ran and exited with status 0" $?
freed=$(printf '%s\n' "$out" | sed -n 's/^pct: app-prio: aspace [0-9]* destroyed, \([0-9]*\) bytes of UMEM returned$/\1/p')
echo "# app-prio returned ${freed:-no} bytes"
[ -n "$freed" ] && [ "$freed" -gt 0 ]
check "the PCT destroyed its aspace and returned its memory" $?
line=$(printf '%s\n' "$out" | grep '^pct: free UMEM: ')
echo "# ${line:-no free UMEM line}"
before=$(printf '%s\n' "$line" | sed -n 's/^pct: free UMEM: \([0-9]*\) bytes before the applications, \([0-9]*\) after$/\1/p')
after=$(printf '%s\n' "$line" | sed -n 's/^pct: free UMEM: \([0-9]*\) bytes before the applications, \([0-9]*\) after$/\2/p')
[ -n "$before" ] && [ "$before" = "$after" ]
check "free UMEM after the application equals free UMEM before it" $?
printf '%s\n' "$out" | grep -q '^pct: all applications ended, 0 with errors$'
check "the PCT reports no errors" $?
printf '%s\n' "$out" | grep -q '^pct: aspace [0-9]* destroyed, [1-9][0-9]* bytes of UMEM freed$' &&
	printf '%s\n' "$out" | grep -q '^node: powered off: pass$'
check "the kernel freed the PCT's memory and the node powered off with pass" $?
[ $failed -eq 0 ] || { printf '%s\n' "$out" | tail -n 15 | sed 's/^/# /'; exit 1; }

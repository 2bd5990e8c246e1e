#!/bin/sh
# The harness must tell each way a node can end from the others: boot the
# node with the deliberate kernel tests (tests/kernel/ktap/harness.c) and check
# that tests/kernel/ktest.sh fails with the right verdict, and that the
# kernel really got to the point of failing that way.  TAP on stdout.
#
# usage: tests/kernel/harness_test.sh ISO
iso=$1
here=$(dirname "$0")
n=0 failed=0

# check NAME SELECTION TIMEOUT WANT_STATUS VERDICT KERNEL_LINE
check() {
	n=$((n + 1))
	got=$("$here/ktest.sh" "$iso" "$2" "$3" 2>&1)
	rc=$?
	if { [ "$4" = 0 ] && [ $rc -eq 0 ]; } || { [ "$4" != 0 ] && [ $rc -ne 0 ]; } &&
	   printf '%s\n' "$got" | grep -q "$5" && printf '%s\n' "$got" | grep -q "$6"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1 (status $rc)"
		printf '%s\n' "$got" | tail -n 8 | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}

echo "1..7"
check "a passing run is reported as a pass" smoke 120 0 \
	'^# harness: pass' '^ok 1 smoke\.'
check "a failing kernel test is reported as failed, not as a crash" fail 120 1 \
	'^# harness: tests failed' '^not ok 1 fail\.deliberate'
check "a kernel panic is reported as a panic" panic 120 1 \
	'harness: kernel panic: PANIC: ktest: deliberate panic' 'while running panic\.deliberate$'
check "an unhandled page fault is a panic naming the fault" fault 120 1 \
	'harness: kernel panic: PANIC: .*14 (#PF page fault)' \
	'page fault address (cr2) 0x0000000000000018: not present on read, kernel'
check "the fault's register dump shows the faulting address and registers" fault 120 1 \
	'^  rip 0xffffffff8' '^  cr0 0x'
check "a triple fault is reported as a triple fault" triple 120 1 \
	'harness: triple fault' '^# ktest: loading an empty IDT'
check "a hang is reported as a hang, after the timeout" hang 8 1 \
	'harness: hang (no power-off within 8s)' '^# ktest: hanging with interrupts off'
[ $failed -eq 0 ]

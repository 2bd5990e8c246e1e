#!/bin/sh
# Boot the node with ktest=SELECTION and report its KTAP, plus one verdict
# on how the node ended, so `make test` says what went wrong:
#
#   harness: pass                      every selected test passed
#   harness: tests failed              the node ran to the end; some failed
#   harness: kernel panic              the kernel panicked (its message follows)
#   harness: triple fault              the CPU reset (QEMU logged a triple fault)
#   harness: hang                      no power-off within the timeout
#   harness: no KTAP end               powered off "pass" without finishing
#
# usage: tests/kernel/ktest.sh ISO SELECTION [TIMEOUT_SECONDS [PARAMS]]
#   PARAMS: more boot parameters for this run (e.g. "kmem_size=32M")
# Exit 0 only for "pass".  The KTAP lines go to stdout for tools/runtests.sh.
iso=$1 sel=$2 tmo=${3:-120} more=${4:+ $4}
[ -n "$iso" ] && [ -n "$sel" ] || { echo "usage: $0 ISO SELECTION [TIMEOUT]" >&2; exit 2; }
here=$(dirname "$0")
out=$(mktemp) || exit 2
err=$(mktemp) || exit 2
trap 'rm -f "$out" "$err"' EXIT

"$here/../../tools/node.sh" -i "$iso" -a "ktest=$sel$more" -t "$tmo" >"$out" 2>"$err"
rc=$?
# The "# running" lines only say where a crash happened: kept for the verdict.
tr -d '\r' <"$out" | grep -v '^# running '
running=$(tr -d '\r' <"$out" | sed -n 's/^# running //p' | tail -n 1)
where=${running:+ while running $running}
verdict() {
	echo "not ok - harness: $1$where"
	tr -d '\r' <"$out" | grep '^boot: ' | sed 's/^/# /'    # rejected parameters
	sed 's/^/# /' "$err"
	exit 1
}
case $rc in
0)
	grep -q '^# ktest: end' "$out" || { where=""; verdict "no KTAP end (the node powered off without running the tests)"; }
	echo "# harness: pass"; exit 0 ;;
1) echo "# harness: tests failed"; exit 1 ;;
3) verdict "kernel panic: $(tr -d '\r' <"$out" | grep -m1 '^PANIC:')" ;;
4) verdict "triple fault (the CPU reset)" ;;
5) verdict "hang (no power-off within ${tmo}s)" ;;
*) verdict "QEMU failed to run the node (node.sh status $rc)" ;;
esac

#!/bin/sh
# The optimiser's differential test: random programs (proggen) built with
# extc -O0 and -O1 must agree, run by nxrun, on the result or on the fault
# and its source line (the instruction index may differ: -O1 has fewer);
# the -O1 object also runs in the reference interpreter, which must agree
# too.  Prints TAP, one test per program.
#
#   tests/extc/optdiff.sh EXTC NXRUN PROGGEN WORKDIR FIRST_SEED COUNT
extc=$1 nxrun=$2 proggen=$3 work=$4 first=$5 count=$6
mkdir -p "$work" || exit 2
echo "1..$count"
# What a run says, without the instruction index and count.
outcome() {
	timeout 60 "$nxrun" -q "$@" 2>&1 | grep -E '^(result|fault):|: fault ' |
		sed 's/ at insn [0-9]*//; s/ (extension .*//' | sort -u
}
n=0 bad=0
while [ $n -lt "$count" ]; do
	seed=$((first + n)) n=$((n + 1))
	src="$work/p$seed.ext"
	"$proggen" $seed > "$src"
	if ! "$extc" -O0 -o "$work/p$seed.O0.nx" "$src" 2>"$work/err" ||
	   ! "$extc" -O1 -o "$work/p$seed.O1.nx" "$src" 2>>"$work/err"; then
		echo "not ok $n - seed $seed: extc failed"; sed 's/^/#   /' "$work/err"
		bad=1; continue
	fi
	ok=1 why=""
	for args in "--arg 0 --arg 0" "--arg 5 --arg 9" "--arg -3 --arg 0x7fffffff"; do
		o0=$(outcome "$work/p$seed.O0.nx" main $args)
		o1=$(outcome "$work/p$seed.O1.nx" main $args)
		r1=$(outcome --mode ref "$work/p$seed.O1.nx" main $args)
		if [ "$o0" != "$o1" ] || [ "$o1" != "$r1" ] || [ -z "$o0" ]; then
			ok=0 why="$why [$args] -O0: $(echo $o0) / -O1: $(echo $o1) / ref: $(echo $r1)"
		fi
	done
	if [ $ok = 1 ]; then
		echo "ok $n - seed $seed"
		rm -f "$src" "$work/p$seed.O0.nx" "$work/p$seed.O1.nx"
	else
		echo "not ok $n - seed $seed:$why (kept $src)"
	fi
done

#!/bin/sh
# A fault names its source: nxrun's "FILE:LINE: fault KIND in FUNC" line,
# from the object's SOURCE and LINES sections, for a program whose faulting
# line is known (it is written here), wherever the source file lies.
# (An object without SOURCE, as tests/nimble/test_nxrun builds them, names
# the extension and the instruction instead: checked there.)
#
#   tests/extc/fault-line.sh EXTC NXRUN WORKDIR
extc=$1 nxrun=$2 work=$3
mkdir -p "$work/sub" || exit 2
echo "1..3"
cat >"$work/sub/oob.ext" <<'X'
extension oob untrusted;

u64 table[4];

i64 peek(i64 i) {
    return (i64)table[i];          // line 6: the fault
}

hook trap(0) i64 entry() {
    return peek(ctx.arg[0]);
}
X
"$extc" -o "$work/oob.nx" "$work/sub/oob.ext" || { echo "not ok 1 - extc failed"; exit 1; }
out=$("$nxrun" --ctx arg[0]=9 "$work/oob.nx" 2>/dev/null)
if echo "$out" | grep -qx 'oob.ext:6: fault OOB_LOAD in peek'; then
	echo "ok 1 - the fault names oob.ext:6 and the function"
else
	echo "not ok 1 - no 'oob.ext:6: fault OOB_LOAD in peek' line"; echo "$out" | sed 's/^/#   /'
fi
err=$("$nxrun" --ctx arg[0]=9 "$work/oob.nx" 2>&1 >/dev/null)
if echo "$err" | grep -q '^oob.ext:6: fault OOB_LOAD in peek (extension oob, owner 1, fault 1)$'; then
	echo "ok 2 - the engine's own report (the node's console line) says the same"
else
	echo "not ok 2 - engine report: '$err'"
fi
out=$("$nxrun" --ctx arg[0]=2 "$work/oob.nx" 2>/dev/null)
if echo "$out" | grep -q 'fault'; then
	echo "not ok 3 - an index in range faulted: $out"
else
	echo "ok 3 - an index in range does not fault"
fi

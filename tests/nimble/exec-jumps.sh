#!/bin/sh
# The runaway stop (docs/engine.md) sends a CPU from one of a handler set's
# indirect jmps to the set's watch handler, which is sound only if every
# indirect jmp in the handler sets is a dispatch, "goto *pc->h": a jump
# through offset 0 (h) of a register (pc), directly or through the register
# its last write loaded from there.  No jump tables (nimble.mk: -fno-jump-tables),
# no indirect calls (so no indirect tail calls either).  Checked in the
# objects that run: the host library's and the kernel's.
#   tests/nimble/exec-jumps.sh HOST_EXEC_O KERNEL_ELF
set -u
t=0 fail=0
say() { t=$((t + 1)); if [ "$1" = 0 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; fail=1; fi; }
# stdin: objdump -d of the handler sets.  Prints the offending lines.
bad_jumps() {
	awk '{ sub(/#.*/, ""); ins = $0; sub(/^[ \t]*[0-9a-f]+:[ \t]*/, "", ins); sub(/ *$/, "", ins) }
	     ins ~ /^(notrack )?call +\*/ { print "indirect call: " ins }
	     ins ~ /^(notrack )?jmp +\*/ {
		n++
		if (ins ~ /^(notrack )?jmp +\*\(%r[a-z0-9]+\)$/) next
		if (match(ins, /\*%r[a-z0-9]+$/)) {
			r = substr(ins, RSTART + 1)
			if (def[r] ~ ("^mov +\\(%r[a-z0-9]+\\)," r "$")) next
		}
		print "not a dispatch: " ins " (its register last written by: " def[r] ")"
	     }
	     match(ins, /,%r[a-z0-9]+$/) { def[substr(ins, RSTART + 1)] = ins }
	     END { if (n == 0) print "no indirect jmp at all: not the handler sets" }'
}
echo "1..2"
out=$(objdump -d --no-show-raw-insn -j nx_exec "$1" | bad_jumps)
say $([ -z "$out" ] && echo 0 || echo 1) "host $1: every indirect jmp in section nx_exec is a dispatch"
[ -n "$out" ] && echo "$out" | head -n 10 | sed 's/^/# /'
lo=$(nm "$2" | awk '/ T nx_exec_(unchecked|checked|counting)$/ { print "0x" $1 }' | sort | head -n 1)
hi=$(nm "$2" | awk '/ __stop_nx_exec$/ { print "0x" $1 }')
out=$(objdump -d --no-show-raw-insn --start-address="$lo" --stop-address="$hi" "$2" | bad_jumps)
say $([ -n "$lo" ] && [ -n "$hi" ] && [ -z "$out" ] && echo 0 || echo 1) \
	"kernel $2: every indirect jmp in [$lo, $hi) is a dispatch"
[ -n "$out" ] && echo "$out" | head -n 10 | sed 's/^/# /'
exit $fail

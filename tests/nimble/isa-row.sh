#!/bin/sh
# What adding an ALU instruction touches: its NX_ISA row, its ref.c line,
# a test.  In a scratch copy of the tree this script appends one row,
#     X(DUMMY, RRR, ALU, vb * 3 + vc)
# to include/nimble/isa.h and shows that
#   1. the build fails until nimble/ref.c (the independent oracle) has a case;
#   2. with that one ref line, the handler sets, constant folding and the
#      verifier pick it up (tests/nimble/isa_row.c);
#   3. extc -S disassembles it;
#   4. gendoc writes its docs/isa.md row with its semantics.
#   isa-row.sh [CC]          (run from the top of the tree)
cc=${1:-cc}
src=$(pwd)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tools" "$tmp/tests/nimble" "$tmp/tests/include" "$tmp/gen"
cp -r include nimble extc lib "$tmp/"
cp tools/gendoc.c "$tmp/tools/"
cp tests/nimble/*.c tests/nimble/*.h "$tmp/tests/nimble/"
cp tests/include/*.h "$tmp/tests/include/"
cd "$tmp" || exit 2
echo "1..6"

# The row, appended after RET (the table's last row).
sed -i 's/^\(\tX(RET, .*"return r\[a\]")\)$/\1 \\\n\tX(DUMMY, RRR,  ALU,    vb * 3 + vc)/' include/nimble/isa.h
grep -q 'X(DUMMY' include/nimble/isa.h || { echo "Bail out! could not add the row to isa.h"; exit 1; }

flags="-std=c11 -D_POSIX_C_SOURCE=200809L -O1 -Wall -Wextra -Werror -Iinclude -Inimble"
if $cc $flags -c nimble/ref.c -o ref.o 2>ref.err; then
	echo "not ok 1 - nimble/ref.c built without a case for DUMMY"
elif grep -q "NX_OP_DUMMY" ref.err; then
	echo "ok 1 - without its ref.c line the build fails: $(grep -m1 NX_OP_DUMMY ref.err | sed 's/.*error: //')"
else
	echo "not ok 1 - ref.c failed for another reason"; sed 's/^/# /' ref.err | head -5
fi

# Its one ref line, after MOV's.
sed -i 's/^\(\t\tcase NX_OP_MOV: .*\)$/\1\n\t\tcase NX_OP_DUMMY: r[a] = r[b] * 3 + r[c]; break;/' nimble/ref.c
engine=$(ls nimble/*.c | tr '\n' ' ')
if $cc $flags -Inimble/host -Itests/nimble -Itests/include tests/nimble/isa_row.c tests/nimble/nxbuild.c $engine \
	nimble/host/host.c nimble/host/watch.c lib/fmt.c -o isa_row 2>build.err; then
	./isa_row dummy.nx | awk '/^1\.\./ { next } /^(not )?ok/ { n++; sub(/ok [0-9]+/, "ok " n + 1) } { print }'
else
	for n in 2 3 4; do echo "not ok $n - the engine with DUMMY does not build"; done
	sed 's/^/# /' build.err | head -10
fi

re2c -W --no-generation-date -o gen/lex.c extc/lex.re 2>/dev/null &&
	$cc $flags -iquote extc extc/*.c nimble/names.c nimble/fold.c nimble/str.c gen/lex.c -o extc-bin 2>extc.err
if [ -x extc-bin ] && ./extc-bin -S dummy.nx 2>&1 | grep -q 'DUMMY  *r2, r0, r1'; then
	echo "ok 5 - extc -S prints it: $(./extc-bin -S dummy.nx | grep DUMMY | sed 's/^ *//')"
else
	echo "not ok 5 - extc -S does not print DUMMY r2, r0, r1"; sed 's/^/# /' extc.err | head -5
fi

mkdir docs
if $cc $flags tools/gendoc.c nimble/names.c nimble/str.c -o gendoc 2>gendoc.err && ./gendoc docs &&
	grep -q '| DUMMY | RRR | `ra, rb, rc` | ALU | `r\[a\] = r\[b\] \* 3 + r\[c\]` |' docs/isa.md; then
	echo "ok 6 - docs/isa.md gets its row: $(grep '| DUMMY |' docs/isa.md)"
else
	echo "not ok 6 - docs/isa.md has no DUMMY row with its semantics"; sed 's/^/# /' gendoc.err | head -5
fi

#!/bin/sh
# docs/jobs.md, followed verbatim (TAP): every ```sh block of it, in
# order, run with sh -e in a fresh directory that has the clone's build
# and tools (so job/ is made there, not in the tree), then the outputs the
# page promises are checked.
#
#   tests/yod/jobs_doc.sh B
B=$1
export B
dir=$(mktemp -d) || exit 2
trap 'rm -rf "$dir"' EXIT
ln -s "$B" "$dir/build" && ln -s "$(pwd -P)/tools" "$dir/tools" || exit 2
awk '/^```sh$/ { on = 1; next } /^```$/ { on = 0 } on' docs/jobs.md > "$dir/commands.sh"
echo "1..6"
blocks=$(grep -c '^```sh$' docs/jobs.md)
(cd "$dir" && sh -e commands.sh) > "$dir/out" 2>&1
rc=$?
t=0
ok() { t=$((t + 1)); if [ "$1" = 0 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; sed 's/^/#   /' "$dir/out" | tail -n 30; fi; }
ok "$rc" "every command of docs/jobs.md's $blocks sh blocks succeeded (sh -e: $rc)"
grep -qx 'ctx.ret: 43' "$dir/out"
ok $? "section 1: nxrun answers ctx.ret: 43"
n=$(grep -c '^\[0\] hello: call 3 -> 33$' "$dir/out")
ok $(( n != 2 )) "section 3: one node, then node 0 of four, print 'hello: call 3 -> 33' ($n of 2)"
n=$(grep -c '^\[[1-3]\] hello: call 3 -> 33$' "$dir/out")
ok $(( n != 3 )) "section 3: ranks 1..3 too, tagged ($n of 3)"
grep -q '^\[0\] nimble: count.ext:6: fault OOB_LOAD in entry (extension count, owner [0-9]*, fault 1)$' "$dir/out" &&
	grep -q '^\[0\] hello: call 1 -> -38$' "$dir/out"
ok $? "section 4: the console names count.ext:6, nimble_call returns -38"
grep -q '^0 *| exited with status 0 *| 3$' "$dir/out"
ok $? "section 4: the summary counts 3 reported faults"

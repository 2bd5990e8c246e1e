#!/bin/sh
# Native (host) instructions per executed VM instruction of the engine's
# handler sets, from callgrind: each workload runs at N and 2N iterations
# in nxrun and the two instruction totals are subtracted, so start-up,
# insert and run set-up cancel out.  The VM instruction counts come from
# the reference interpreter (nxrun --mode ref prints "insns:").
#
#   tools/nx-callgrind.sh [BUILD_DIR]       (default build; needs extc, nxrun)
case $1 in -h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
B=${1:-build}
nxrun=$B/nxrun extc=$B/extc
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
for w in loop sum vadd sched fib packet; do
	"$extc" -o "$tmp/$w.nx" "bench/workloads/$w.ext" || exit 1
done
# int64 vectors and task views of 10000 and 20000 elements
python3 - "$tmp" <<'EOF' || exit 1
import struct, sys
d = sys.argv[1]
for n in (10000, 20000):
    open(f"{d}/v{n}", "wb").write(b"".join(struct.pack("<q", i) for i in range(n)))
    open(f"{d}/t{n}", "wb").write(b"".join(struct.pack("<IiIIQQ", i, (i * 7919) % 1000, 0, 0, 0, 0) for i in range(n)))
    open(f"{d}/t8", "wb").write(b"".join(struct.pack("<IiIIQQ", i, (i * 7919) % 1000, 0, 0, 0, 0) for i in range(8)))
# a TCP frame to 192.168.1.5:8080 from 10.9.9.9 (rule 8 of packet.ext)
frame = bytearray(64)
frame[23] = 6
frame[26:30] = bytes([10, 9, 9, 9]); frame[30:34] = bytes([192, 168, 1, 5])
frame[34:36] = (4321).to_bytes(2, "big"); frame[36:38] = (8080).to_bytes(2, "big")
open(f"{d}/frame", "wb").write(frame)
EOF
cg() {
	valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$nxrun" -q --trusted "$@" >/dev/null 2>&1
	sed -n 's/^summary: //p' "$tmp/cg"
}
vm() { "$nxrun" -q --trusted --mode ref "$@" | sed -n 's/^insns: //p'; }
row() {
	name=$1 a=$2 b=$3
	v1=$(vm $a) v2=$(vm $b)
	printf '| %-8s |' "$name"
	for m in unchecked checked ref; do
		c1=$(cg --mode $m $a) c2=$(cg --mode $m $b)
		printf ' %s |' "$(echo "scale=2; ($c2 - $c1) / ($v2 - $v1)" | bc)"
	done
	printf ' %s |\n' $((v2 - v1))
}
echo "| workload | unchecked | checked | ref | VM insns (2N - N) |"
echo "|---|---:|---:|---:|---:|"
row loop "$tmp/loop.nx --ctx arg[0]=100000" "$tmp/loop.nx --ctx arg[0]=200000"
row sched "$tmp/sched.nx --buf0 @$tmp/t10000" "$tmp/sched.nx --buf0 @$tmp/t20000"
row sum "$tmp/sum.nx --buf0 @$tmp/v10000" "$tmp/sum.nx --buf0 @$tmp/v20000"
row vadd "$tmp/vadd.nx --buf0 @$tmp/v10000 --buf1 @$tmp/v10000" "$tmp/vadd.nx --buf0 @$tmp/v20000 --buf1 @$tmp/v20000"
row fib "$tmp/fib.nx --ctx arg[0]=15" "$tmp/fib.nx --ctx arg[0]=16"
# whole runs, entry included: N and 2N runs of one event
row sched8 "--repeat 1000 $tmp/sched.nx --buf0 @$tmp/t8" "--repeat 2000 $tmp/sched.nx --buf0 @$tmp/t8"
row packet "--repeat 1000 $tmp/packet.nx --buf0 @$tmp/frame" "--repeat 2000 $tmp/packet.nx --buf0 @$tmp/frame"

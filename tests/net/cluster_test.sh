#!/bin/sh
# make test: the 4-node allreduce cluster (tools/cluster.sh) as TAP.  One
# test per node (it powered off with "pass": every check of
# user/allreduce passed), and one per node for its printed results: the
# offload's user wake-ups are fewer than the plain version's.  Bounded:
# each QEMU runs under timeout (tools/cluster.sh -t).
#
#   tests/net/cluster_test.sh ISO LOGDIR [NODES]
iso=$1 logs=$2 n=${3:-4}
echo "1..$((2 * n))"
tools/cluster.sh -n "$n" -i "$iso" -t 50 -o "$logs" | sed 's/^/# /'
i=0 t=0
while [ "$i" -lt "$n" ]; do
	t=$((t + 1))
	if [ "$(cat "$logs/node$i.rc" 2>/dev/null)" = 0 ]; then
		echo "ok $t - node $i: every allreduce check passed"
	else
		echo "not ok $t - node $i: failed (status $(cat "$logs/node$i.rc" 2>/dev/null)), see $logs/node$i.log"
		grep '^not ok\|allreduce:' "$logs/node$i.log" | sed 's/^/# /' | head -n 20
	fi
	t=$((t + 1))
	plain=$(sed -n "s/^allreduce: node $i: plain: .* \([0-9][0-9]*\) user wake-ups.*/\1/p" "$logs/node$i.log")
	off=$(sed -n "s/^allreduce: node $i: offload: .* \([0-9][0-9]*\) user wake-ups.*/\1/p" "$logs/node$i.log")
	if [ -n "$plain" ] && [ -n "$off" ] && [ "$off" -lt "$plain" ]; then
		echo "ok $t - node $i: offload woke the user $off times, plain $plain"
	else
		echo "not ok $t - node $i: user wake-ups offload '${off}' vs plain '${plain}'"
	fi
	grep "^allreduce: node $i: time" "$logs/node$i.log" | sed 's/^/# /'
	i=$((i + 1))
done

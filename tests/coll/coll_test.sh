#!/bin/sh
# make test: the collectives on an N-node cluster (tools/cluster.sh) as TAP.
# Per node: it powered off with "pass" (every check of user/coll passed:
# every instance of every collective, both modes, the overlap phase, the
# flush); per node, collective and mode: its summary line says OK; per
# node: both overlap lines were printed.  The summary and overlap lines
# are echoed as comments.  Bounded: each QEMU runs under timeout
# (cluster.sh -t TIMEOUT, default 60 + 30 s per node: TCG, N guests on
# the host's cores).  PARAMS: more boot parameters for every node (e.g.
# net_drop=5: every 5th arriving frame dropped, so that frames come late,
# retransmitted, and rounds and instances arrive out of order).
#
#   tests/coll/coll_test.sh ISO LOGDIR NODES [TIMEOUT [PARAMS]]
iso=$1 logs=$2 n=$3 tmo=${4:-$((60 + 30 * $3))} params=${5:-}
colls="barrier broadcast allreduce"
lossy=0
case $params in *net_loss=*|*net_drop=*) lossy=1 ;; esac
echo "1..$(((8 + lossy) * n))"
start=$(date +%s)
tools/cluster.sh -n "$n" -i "$iso" -t "$tmo" -o "$logs" ${params:+-a "$params"} | sed 's/^/# /'
echo "# $n nodes${params:+ ($params)}: $(($(date +%s) - start)) s wall"
t=0 i=0
while [ "$i" -lt "$n" ]; do
	log=$logs/node$i.log
	t=$((t + 1))
	if [ "$(cat "$logs/node$i.rc" 2>/dev/null)" = 0 ]; then
		echo "ok $t - node $i: every collective check passed"
	else
		echo "not ok $t - node $i: failed (status $(cat "$logs/node$i.rc" 2>/dev/null)), see $log"
		grep '^not ok\|^coll:' "$log" | grep -v ': OK$' | sed 's/^/# /' | head -n 20
	fi
	for c in $colls; do
		for m in user offload; do
			t=$((t + 1))
			line=$(tr -d '\r' <"$log" | grep "^coll: node $i: $c $m: ")
			case $line in
			*", OK") echo "ok $t - node $i: $c $m"; echo "# $line" ;;
			*) echo "not ok $t - node $i: $c $m: '${line:-no summary line}'" ;;
			esac
		done
	done
	t=$((t + 1))
	ov=$(tr -d '\r' <"$log" | grep -c "^coll: node $i: overlap allreduce \(user\|offload\): loop [0-9]* iters, wait [0-9]* tsc")
	if [ "$ov" = 2 ]; then
		echo "ok $t - node $i: overlap measured in both modes"
	else
		echo "not ok $t - node $i: overlap lines: $ov of 2"
	fi
	tr -d '\r' <"$log" | grep "^coll: node $i: overlap" | sed 's/^/# /'
	if [ "$lossy" = 1 ]; then
		t=$((t + 1))
		drops=$(tr -d '\r' <"$log" | sed -n "s/^coll: node $i: totals: .*injected drops \([0-9][0-9]*\).*/\1/p")
		if [ "${drops:-0}" -gt 0 ]; then
			echo "ok $t - node $i: $drops arriving frames were dropped, and it still passed"
		else
			echo "not ok $t - node $i: no frame was dropped ('$drops')"
		fi
	fi
	i=$((i + 1))
done

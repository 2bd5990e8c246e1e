#!/bin/sh
# The hostile-extension suite (tests/kernel/user/hostile.c as the PCT,
# tests/kernel/hostile/*.ext as modules) on a 2-node, 2-CPU cluster
# (tools/cluster.sh): each node runs the same table, and each one's
# frames fire the other's net_rx and irq hooks.  kmem_size=32M so that
# 1 MiB extensions exhaust kmem before the table of extensions is full.
# Passes both nodes' TAP through, renumbered and prefixed with the node,
# then one line per node: it powered off with "pass".
#
#   tests/kernel/hostile.sh ISO LOGDIR
iso=$1 logs=$2 n=2
tools/cluster.sh -n $n -s 2 -i "$iso" -t 150 -o "$logs" -a kmem_size=32M | sed 's/^/# /'
t=0 i=0
while [ "$i" -lt $n ]; do
	log=$logs/node$i.log
	tr -d '\r' <"$log" | grep -E '^(not )?ok [0-9]+ - |^# ' >"$log.tap"
	while IFS= read -r line; do
		case $line in
		"ok "*) t=$((t + 1)); echo "ok $t - node $i: ${line#ok * - }" ;;
		"not ok "*) t=$((t + 1)); echo "not ok $t - node $i: ${line#not ok * - }" ;;
		*) echo "$line" ;;
		esac
	done <"$log.tap"
	t=$((t + 1))
	if [ "$(cat "$logs/node$i.rc" 2>/dev/null)" = 0 ]; then
		echo "ok $t - node $i: powered off with pass"
	else
		echo "not ok $t - node $i: ended with status $(cat "$logs/node$i.rc" 2>/dev/null), see $log"
		tail -n 15 "$log" | sed 's/^/# /'
	fi
	i=$((i + 1))
done
echo "1..$t"

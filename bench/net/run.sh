#!/bin/sh
# make netbench: the network path in guest instructions.  Boots an N-node
# cluster of the allreduce image with every node under QEMU -icount
# shift=0, so each node's rdtsc counts its own guest instructions whatever
# the host is doing, and prints per node (docs/net.md, "Figures"):
#  - the per-hop critical path, from a NIC interrupt's entry (irq_common)
#    to the doorbell of the next round's frame: plain (the interrupt wakes
#    the task, which returns to user mode, adds and calls net_send) and
#    offloaded (allreduce.nx adds and sends inside the interrupt);
#  - a NIC interrupt from irq_common to its EOI, with no irq extension on
#    the NIC's vector and with an empty one (tests/net/irq_empty.ext).
# Minimum and mean over every hop or interrupt of the run.
#
#   bench/net/run.sh ISO [NODES] [LOGDIR]
iso=${1:?usage: $0 ISO [NODES] [LOGDIR]} n=${2:-4} logs=${3:-$(mktemp -d)}
here=$(dirname "$0")/../..
echo "netbench: $n nodes under -icount shift=0 (about a minute); logs in $logs"
"$here/tools/cluster.sh" -c -n "$n" -i "$iso" -t 900 -o "$logs" | sed 's/^/# /'
num() { # log pattern-before-number: the number after it
	sed -n "s/.*$2 \([0-9][0-9]*\).*/\1/p" "$1" | head -n 1
}
printf '\n%-5s | %-22s | %-22s | %-9s | %-22s | %-22s\n' node "hop plain min / mean" \
	"hop offload min / mean" "min ratio" "irq, none min / mean" "irq, empty ext min / mean"
printf '%s\n' "------|------------------------|------------------------|-----------|------------------------|------------------------"
status=0
i=0
while [ "$i" -lt "$n" ]; do
	log=$logs/node$i.log
	hop=$(grep "^allreduce: node $i: hop " "$log")
	irq=$(grep "^allreduce: node $i: NIC interrupt " "$log")
	if [ -z "$hop" ] || [ -z "$irq" ]; then
		echo "node $i: no figures (did it pass? see $log)"
		status=1
	else
		pm=$(echo "$hop" | sed 's/.*plain n [0-9]* min \([0-9]*\) mean \([0-9]*\).*/\1 \2/')
		om=$(echo "$hop" | sed 's/.*offload n [0-9]* min \([0-9]*\) mean \([0-9]*\).*/\1 \2/')
		i0=$(echo "$irq" | sed 's/.*no extension n [0-9]* min \([0-9]*\) mean \([0-9]*\).*/\1 \2/')
		i1=$(echo "$irq" | sed 's/.*empty irq extension n [0-9]* min \([0-9]*\) mean \([0-9]*\).*/\1 \2/')
		set -- $pm $om
		ratio=$(awk "BEGIN { if ($3 > 0) printf \"%.1fx\", $1 / $3; else print \"-\" }")
		printf '%-5s | %-22s | %-22s | %-9s | %-22s | %-22s\n' "$i" "$1 / $2" "$3 / $4" "$ratio" \
			"$(echo $i0 | sed 's| | / |')" "$(echo $i1 | sed 's| | / |')"
	fi
	i=$((i + 1))
done
exit $status

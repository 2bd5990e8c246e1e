#!/bin/sh
# make netbench: the network path in guest instructions.  Boots two
# N-node clusters with every node under QEMU -icount shift=0, so that each
# node's rdtsc counts its own guest instructions whatever the host is
# doing (waiting in hlt counts as the virtual time that passed), and
# prints, per node (docs/net.md, "Figures"):
#  1. a NIC interrupt from irq_common to its EOI, with nothing on the
#     NIC's vector and with an empty irq extension (tests/net/irq_empty.ext)
#     — the allreduce image;
#  2. the per-hop critical path, from the entry of the NIC interrupt that
#     delivered a message to the doorbell of the next message sent: user
#     level (the interrupt wakes the task, which returns to user mode,
#     combines and calls net_send) against offloaded (the extension
#     combines and sends inside the interrupt); the smallest over the run,
#     i.e. the path with nothing else in it.  allreduce.ext (16 words, 2^k
#     nodes) from the allreduce image; barrier, broadcast and allreduce
#     (127 words, any n) from the collectives image;
#  3. overlap: an allreduce started, a fixed compute loop, then the wait:
#     guest instructions spent waiting after the loop, both modes.
#
#   bench/net/run.sh NET_ISO COLL_ISO [NODES] [LOGDIR]
case $1 in -h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
net=${1:?usage: $0 NET_ISO COLL_ISO [NODES] [LOGDIR]} coll=${2:?usage: $0 NET_ISO COLL_ISO [NODES] [LOGDIR]}
n=${3:-4} logs=${4:-$(mktemp -d)}
here=$(dirname "$0")/../..
echo "netbench: two clusters of $n nodes under -icount shift=0 (a minute or two); logs in $logs"
"$here/tools/cluster.sh" -c -n "$n" -i "$net" -t 900 -o "$logs/net" | sed 's/^/# /'
"$here/tools/cluster.sh" -c -n "$n" -i "$coll" -t 900 -o "$logs/coll" | sed 's/^/# /'

# field LINE KEY: the number after "KEY n N min" -> "min mean"
minmean() { echo "$1" | sed -n "s/.*$2 n [0-9]* min \([0-9]*\) mean \([0-9]*\).*/\1 \2/p"; }
ratio() { awk "BEGIN { if ($2 > 0) printf \"%.2f\", $1 / $2; else print \"-\" }"; }

echo
echo "NIC interrupt, irq_common to EOI (guest instructions, min / mean)"
printf '%-5s | %-18s | %-18s\n' node "no extension" "empty irq ext"
status=0 i=0
while [ "$i" -lt "$n" ]; do
	irq=$(grep "^allreduce: node $i: NIC interrupt " "$logs/net/node$i.log")
	set -- $(minmean "$irq" "no extension") $(minmean "$irq" "empty irq extension")
	[ $# -eq 4 ] || { echo "node $i: no interrupt figures ($logs/net/node$i.log)"; status=1; i=$((i + 1)); continue; }
	printf '%-5s | %-18s | %-18s\n' "$i" "$1 / $2" "$3 / $4"
	i=$((i + 1))
done

echo
echo "Per-hop critical path (guest instructions, smallest over the run): user / offload = ratio (goal >= 3)"
printf '%-5s | %-26s | %-26s | %-26s | %-26s\n' node "allreduce.ext (16 words)" barrier broadcast \
	"allreduce (127 words)"
best=""
i=0
while [ "$i" -lt "$n" ]; do
	row=$(printf '%-5s' "$i")
	h=$(grep "^allreduce: node $i: hop " "$logs/net/node$i.log")
	set -- $(minmean "$h" plain) $(minmean "$h" offload)
	cells="$1 $3"
	for c in barrier broadcast allreduce; do
		h=$(grep "^coll: node $i: hop $c: " "$logs/coll/node$i.log")
		set -- $(minmean "$h" user) $(minmean "$h" offload)
		cells="$cells $1 $3"
	done
	set -- $cells
	if [ $# -ne 8 ]; then
		echo "node $i: missing hop figures (did it pass? $logs)"; status=1; i=$((i + 1)); continue
	fi
	while [ $# -gt 0 ]; do
		row="$row | $(printf '%-26s' "$1 / $2 = $(ratio "$1" "$2")")"
		shift 2
	done
	echo "$row"
	i=$((i + 1))
done

echo
echo "Overlap: an allreduce (127 words) started, a compute loop, then the wait (guest instructions)"
printf '%-5s | %-14s | %-14s | %-14s\n' node "loop" "wait, user" "wait, offload"
i=0
while [ "$i" -lt "$n" ]; do
	log=$logs/coll/node$i.log
	loop=$(sed -n "s/^coll: node $i: overlap loop: \([0-9]*\) tsc.*/\1/p" "$log")
	wu=$(sed -n "s/^coll: node $i: overlap allreduce user: .* wait \([0-9]*\) tsc.*/\1/p" "$log")
	wo=$(sed -n "s/^coll: node $i: overlap allreduce offload: .* wait \([0-9]*\) tsc.*/\1/p" "$log")
	[ -n "$wu" ] && [ -n "$wo" ] || { echo "node $i: no overlap figures"; status=1; }
	printf '%-5s | %-14s | %-14s | %-14s\n' "$i" "$loop" "$wu" "$wo"
	i=$((i + 1))
done
exit $status

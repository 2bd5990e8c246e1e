#!/bin/sh
# The table `make cluster` prints: per node of a collectives cluster
# (user/coll, logs from tools/cluster.sh -o LOGDIR), how it ended and the
# checks it passed, then per collective and mode the figures each node
# printed: messages sent (of them by the kernel), user wake-ups, wall time
# and the smallest per-hop path (TSC ticks: guest instructions only under
# -icount, see make netbench).  Exit 0 only if every node passed.
#
#   tools/cluster-report.sh LOGDIR NODES
case $1 in -h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
logs=${1:?usage: $0 LOGDIR NODES} n=${2:?usage: $0 LOGDIR NODES}
bad=0
printf '\n%-5s | %-7s | %-16s | %s\n' node status checks "network"
printf '%s\n' "------|---------|------------------|------------------------------------------"
i=0
while [ "$i" -lt "$n" ]; do
	log=$logs/node$i.log
	rc=$(cat "$logs/node$i.rc" 2>/dev/null || echo "?")
	st=pass
	[ "$rc" = 0 ] || { st="FAIL $rc"; bad=1; }
	chk=$(tr -d '\r' <"$log" | sed -n "s/^coll: node $i: \([0-9]*\) checks, \([0-9]*\) failed.*/\1 run, \2 failed/p")
	net=$(tr -d '\r' <"$log" | sed -n "s/^coll: node $i: totals: \(data tx [0-9]* rx [0-9]*\), \(retransmits [0-9]*\).*/\1, \2/p")
	printf '%-5s | %-7s | %-16s | %s\n' "$i" "$st" "${chk:-none}" "${net:-no totals}"
	i=$((i + 1))
done
for c in barrier broadcast allreduce; do
	printf '\n%s\n' "$c"
	printf '%-5s | %-44s | %-44s | %s\n' node "user: msgs (kernel), wake-ups, time" \
		"offload: msgs (kernel), wake-ups, time" "hop min user / offload"
	i=0
	while [ "$i" -lt "$n" ]; do
		log=$logs/node$i.log
		cell() { # mode
			tr -d '\r' <"$log" | sed -n "s/^coll: node $i: $c $1: [0-9]* instances, [0-9]* rounds, \([0-9]*\) msgs sent (\([0-9]*\) by the kernel), \([0-9]*\) user wake-ups, \([0-9]*\) us, \(.*\)/\1 (\2), \3, \4 us, \5/p"
		}
		hop=$(tr -d '\r' <"$log" | sed -n "s/^coll: node $i: hop $c: user n [0-9]* min \([0-9]*\) .*offload n [0-9]* min \([0-9]*\) .*/\1 \/ \2/p")
		printf '%-5s | %-44s | %-44s | %s\n' "$i" "$(cell user)" "$(cell offload)" "$hop"
		i=$((i + 1))
	done
done
printf '\noverlap (allreduce started, compute loop, wait; TSC ticks)\n'
i=0
while [ "$i" -lt "$n" ]; do
	w=$(tr -d '\r' <"$logs/node$i.log" | sed -n "s/^coll: node $i: overlap allreduce \([a-z]*\): .* wait \([0-9]*\) tsc.*/\1 \2/p" | tr '\n' ' ')
	printf '%-5s | %s\n' "$i" "${w:-none}"
	i=$((i + 1))
done
exit $bad

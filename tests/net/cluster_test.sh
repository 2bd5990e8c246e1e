#!/bin/sh
# make test: the 4-node allreduce cluster (tools/cluster.sh) as TAP, run
# three times: on a clean segment and on a hostile one — every 4th
# arriving frame dropped on every node (boot parameter net_drop=4), and
# malformed frames put on the segment by INJECT — so that recovery and
# the parser must hold, both with interrupt-driven receive; then once
# more clean with receive polled from the net calls (net_poll=1); and once
# under an interrupt storm (INJECT flood: well-formed frames from a
# partner, in bursts, for 6 s), where every node must still pass, its
# compute phase finish, and its drains be cut at the per-interrupt budget.
# Per node and run: it powered off with "pass" (every check of
# user/allreduce passed); clean run: the offload's user wake-ups are fewer
# than the plain version's; hostile run: frames were dropped and
# retransmitted, and malformed ones counted.  Bounded: each QEMU runs under
# timeout (cluster.sh -t).
#
#   tests/net/cluster_test.sh ISO LOGDIR INJECT [NODES]
iso=$1 logs=$2 inject=$3 n=${4:-4}
echo "1..$((10 * n))"
t=0
field() { # log name: the number after "name " in the node's totals line
	sed -n "s/^allreduce: node [0-9]*: totals: .*$2 \([0-9][0-9]*\).*/\1/p" "$1"
}
verdict() { # 1|0 text-if-ok text-if-not: one TAP line
	t=$((t + 1))
	if [ "$1" = 1 ]; then echo "ok $t - $2"; else echo "not ok $t - $3"; fi
}
passed() { # dir i what
	t=$((t + 1))
	if [ "$(cat "$1/node$2.rc" 2>/dev/null)" = 0 ]; then
		echo "ok $t - $3: node $2: every allreduce check passed"
	else
		echo "not ok $t - $3: node $2: failed (status $(cat "$1/node$2.rc" 2>/dev/null)), see $1/node$2.log"
		grep '^not ok\|allreduce:' "$1/node$2.log" | sed 's/^/# /' | head -n 20
	fi
}

tools/cluster.sh -n "$n" -i "$iso" -t 50 -o "$logs/clean" | sed 's/^/# /'
i=0
while [ "$i" -lt "$n" ]; do
	log=$logs/clean/node$i.log
	passed "$logs/clean" "$i" clean
	plain=$(sed -n "s/^allreduce: node $i: plain: .* \([0-9][0-9]*\) user wake-ups.*/\1/p" "$log")
	off=$(sed -n "s/^allreduce: node $i: offload: .* \([0-9][0-9]*\) user wake-ups.*/\1/p" "$log")
	verdict $(( ${off:-999} < ${plain:-0} )) "clean: node $i: offload woke the user $off times, plain $plain" \
		"clean: node $i: user wake-ups offload '$off' vs plain '$plain'"
	grep "^allreduce: node $i: \(plain\|offload\|time\|receive\|irq_count\)" "$log" | sed 's/^/# /'
	irqs=$(grep -c "^allreduce: node $i: receive interrupt-driven: [1-9]" "$log")
	verdict "$irqs" "clean: node $i: receive was interrupt-driven" "clean: node $i: no NIC interrupts taken"
	rep=$(grep -c "^nimble: irq_fault.ext:[0-9]*: fault DIV_ZERO in nic (extension irq_fault" "$log")
	verdict $(( rep == 3 )) "clean: node $i: the faulting irq extension named its source line, 3 times of 8" \
		"clean: node $i: console fault reports of irq_fault: $rep, not 3"
	i=$((i + 1))
done

tools/cluster.sh -n "$n" -i "$iso" -t 50 -o "$logs/lossy" -a net_drop=4 \
	-x "$inject 239.255.0.1 5555 50" | sed 's/^/# /'
sed 's/^/# /' "$logs/lossy/extra.log"
i=0
while [ "$i" -lt "$n" ]; do
	log=$logs/lossy/node$i.log
	passed "$logs/lossy" "$i" "hostile (net_drop=4, injected frames)"
	drops=$(field "$log" "injected drops")
	rex=$(field "$log" "retransmits")
	verdict $(( ${drops:-0} > 0 && ${rex:-0} > 0 )) "lossy: node $i: $drops frames dropped, $rex retransmitted" \
		"lossy: node $i: drops '$drops', retransmits '$rex'"
	bad=$(field "$log" "malformed")
	verdict $(( ${bad:-0} > 0 )) "hostile: node $i: $bad malformed frames dropped and counted" \
		"hostile: node $i: malformed count '$bad'"
	i=$((i + 1))
done

tools/cluster.sh -n "$n" -i "$iso" -t 50 -o "$logs/polled" -a net_poll=1 | sed 's/^/# /'
i=0
while [ "$i" -lt "$n" ]; do
	passed "$logs/polled" "$i" "polled (net_poll=1)"
	i=$((i + 1))
done

tools/cluster.sh -n "$n" -i "$iso" -t 90 -o "$logs/storm" -x "$inject 239.255.0.1 5555 6 flood $n 50" |
	sed 's/^/# /'
sed 's/^/# /' "$logs/storm/extra.log"
i=0
while [ "$i" -lt "$n" ]; do
	log=$logs/storm/node$i.log
	passed "$logs/storm" "$i" "interrupt storm"
	recv=$(grep "^allreduce: node $i: receive " "$log")
	cut=$(echo "$recv" | sed -n 's/.* \([0-9][0-9]*\) drains cut at the budget.*/\1/p')
	verdict $(( ${cut:-0} > 0 )) "storm: node $i: it ran through it; $cut drains were cut at the budget" \
		"storm: node $i: no drain was cut at the budget ('$recv')"
	grep "^allreduce: node $i: \(compute\|receive\)" "$log" | sed 's/^/# /'
	i=$((i + 1))
done

#!/bin/sh
# Boot N Nimble LWK nodes on one L2 segment and report how each ended.
#
# The nodes share a QEMU socket netdev on multicast group 239.255.0.1:5555
# bound to 127.0.0.1, inside a private network namespace (unshare -n, lo
# up) made for this cluster alone: parallel clusters never hear each other
# and no frame leaves the machine.  Node i gets MAC 52:54:00:00:00:<i+1>
# and the boot parameters "rank=i nnodes=N" (fw_cfg, tools/node.sh -a).
# Each QEMU runs under timeout (node.sh).  Logs: LOGDIR/node<i>.log.
#
# usage: tools/cluster.sh [-n N] [-i ISO] [-t SECONDS] [-o LOGDIR] [-m MEM] [-a PARAMS] [-x CMD] [-c]
#   -n N       nodes, 1..16 (default 4)   -t SECONDS  per-node timeout (90)
#   -s CPUS    CPUs per node (default 1)
#   -i ISO     the image (default $B/net/cluster.iso)   -m MEM  per node (256M)
#   -o LOGDIR  where the logs go (default a new temporary directory)
#   -a PARAMS  more boot parameters for every node (e.g. net_drop=7)
#   -c         every node under -icount shift=0 (its rdtsc counts its own
#              guest instructions: make netbench)
#   -x CMD     also run CMD (word-split) inside the namespace while the
#              nodes run (e.g. tests/net/inject: hostile frames); its
#              output goes to LOGDIR/extra.log; it is ended with the nodes
#   -h         this text
# Exit status 0 if every node powered off with "pass", else 1 (2: usage).
n=4 iso=${B:-build}/net/cluster.iso tmo=90 logs="" mem=256M params="" extra="" icount="" cpus=1
[ "$1" = --help ] && set -- -h
while getopts n:i:t:o:m:a:x:s:ch opt; do
	case $opt in
	h) sed -n '2,/^n=4/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	n) n=$OPTARG ;;
	i) iso=$OPTARG ;;
	t) tmo=$OPTARG ;;
	o) logs=$OPTARG ;;
	m) mem=$OPTARG ;;
	a) params=$OPTARG ;;
	x) extra=$OPTARG ;;
	c) icount=-c ;;
	s) cpus=$OPTARG ;;
	*) echo "usage: $0 [-n nodes] [-i iso] [-t secs] [-o logdir] [-m mem] [-a params] [-x cmd] [-c]" >&2; exit 2 ;;
	esac
done
case $n in ''|*[!0-9]*) echo "cluster: -n wants a number of nodes, got '$n'" >&2; exit 2 ;; esac
[ "$n" -ge 1 ] && [ "$n" -le 16 ] || { echo "cluster: 1..16 nodes, got $n" >&2; exit 2; }
[ -f "$iso" ] || { echo "cluster: no ISO at $iso (make $iso)" >&2; exit 2; }
command -v unshare >/dev/null && command -v ip >/dev/null ||
	{ echo "cluster: needs unshare and ip (util-linux, iproute2)" >&2; exit 2; }
# More guests than host CPUs (TCG without -c): a guest's clock runs on
# while it waits for a host CPU, so to the runaway stop (nx_budget_us,
# default 4 ms; docs/engine.md) an extension run can look longer than it
# ran.  Such a cluster gets a budget longer than the host's scheduling
# gaps, unless -a sets one.
if [ -z "$icount" ] && [ $((n * cpus)) -gt "$(nproc)" ]; then
	case " $params " in
	*" nx_budget_us="*) ;;
	*) params="${params:+$params }nx_budget_us=100000"
	   echo "cluster: $((n * cpus)) guest CPUs on $(nproc) host CPUs: nx_budget_us=100000" ;;
	esac
fi
[ -n "$logs" ] || logs=$(mktemp -d) || exit 2
mkdir -p "$logs" || exit 2
rm -f "$logs"/node*.log "$logs"/node*.rc
here=$(cd "$(dirname "$0")" && pwd)

# Inside the namespace: every node in the background, then wait for all.
unshare -n sh -s "$n" "$iso" "$tmo" "$logs" "$mem" "$here" "$params" "$extra" "$icount" "$cpus" <<'INNER'
n=$1 iso=$2 tmo=$3 logs=$4 mem=$5 here=$6 params=$7 extra=$8 icount=$9 cpus=${10}
ip link set lo up || exit 2
pids="" i=0
while [ "$i" -lt "$n" ]; do
	mac=$(printf '52:54:00:00:00:%02x' $((i + 1)))
	( "$here/node.sh" $icount -i "$iso" -s "$cpus" -m "$mem" -t "$tmo" -a "rank=$i nnodes=$n${params:+ $params}" \
		-q "-netdev socket,id=n0,mcast=239.255.0.1:5555,localaddr=127.0.0.1 -device virtio-net-pci,netdev=n0,mac=$mac,romfile=,disable-modern=on" \
		>"$logs/node$i.log" 2>&1; echo $? >"$logs/node$i.rc" ) &
	pids="$pids $!"
	i=$((i + 1))
done
xpid=""
if [ -n "$extra" ]; then
	# shellcheck disable=SC2086  # extra is a command line, meant to split
	timeout "$tmo" $extra >"$logs/extra.log" 2>&1 &
	xpid=$!
fi
# shellcheck disable=SC2086
wait $pids
[ -n "$xpid" ] && kill "$xpid" 2>/dev/null
wait
INNER

bad=0 i=0
while [ "$i" -lt "$n" ]; do
	rc=$(cat "$logs/node$i.rc" 2>/dev/null || echo missing)
	verdict=$(grep '^node: ' "$logs/node$i.log" | tail -n 1)
	if [ "$rc" = 0 ]; then
		echo "cluster: node $i: pass ($logs/node$i.log)"
	else
		echo "cluster: node $i: FAIL, status $rc: ${verdict:-no verdict} ($logs/node$i.log)"
		bad=1
	fi
	i=$((i + 1))
done
[ $bad -eq 0 ] && echo "cluster: all $n nodes passed" || echo "cluster: FAILED"
exit $bad

#!/bin/sh
# Boot one Nimble LWK node under QEMU (TCG, never KVM: see ENVIRONMENT.md),
# always inside `timeout`, and turn how it ended into an exit status:
#
#   0  the node powered off with "pass"      (isa-debug-exit 0x10 -> 33)
#   1  the node powered off with "fail"      (0x11 -> 35: a test failed)
#   3  the kernel panicked                   (0x12 -> 37)
#   4  the guest reset: a triple fault       (-no-reboot; QEMU logs it)
#   5  the node hung: killed by the timeout
#   2  usage error or QEMU itself failed
#
# The serial console goes to stdout; node.sh's own verdict line
# ("node: ...") goes to stderr.
#
# usage: tools/node.sh [-i ISO] [-a PARAMS] [-s CPUS] [-m MEM] [-t SECONDS]
#                      [-c] [-g PORT -e ELF] [-q "QEMU ARGS"]
#   -i ISO      the image (default $B/nimble.iso, B=build)
#   -a PARAMS   extra boot parameters (via fw_cfg; appended to grub.cfg's)
#   -s CPUS     CPUs (default 1)     -m MEM  memory (default 512M)
#   -t SECONDS  the timeout that ends a hung node (default 60)
#   -c          -icount shift=0: guest rdtsc counts guest instructions
#   -g PORT     start paused with the gdb stub on PORT (make debug)
#   -q ARGS     extra QEMU arguments, word-split
#   -h          this text
iso=${B:-build}/nimble.iso params="" cpus=1 mem=512M tmo=60 icount="" gdb="" elf="" extra=""
[ "$1" = --help ] && set -- -h
while getopts i:a:s:m:t:cg:e:q:h opt; do
	case $opt in
	h) sed -n '2,/^iso=/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	i) iso=$OPTARG ;;
	a) params=$OPTARG ;;
	s) cpus=$OPTARG ;;
	m) mem=$OPTARG ;;
	t) tmo=$OPTARG ;;
	c) icount="-icount shift=0" ;;
	g) gdb=$OPTARG ;;
	e) elf=$OPTARG ;;
	q) extra=$OPTARG ;;
	*) echo "usage: $0 [-i iso] [-a params] [-s cpus] [-m mem] [-t secs] [-c] [-g port -e elf] [-q args]" >&2
	   exit 2 ;;
	esac
done
[ -f "$iso" ] || { echo "node: no ISO at $iso (run make)" >&2; exit 2; }

log=$(mktemp) || exit 2
trap 'rm -f "$log"' EXIT
set -- -accel tcg -machine q35 -cpu max -smp "$cpus" -m "$mem" \
	-display none -monitor none -serial stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-d cpu_reset -D "$log" -cdrom "$iso" -boot d
# QEMU option values escape a comma as two.
[ -n "$params" ] && set -- "$@" -fw_cfg "name=opt/nimble/cmdline,string=$(printf '%s' "$params" | sed 's/,/,,/g')"
if [ -n "$gdb" ]; then
	tmo=3600
	set -- "$@" -S -gdb "tcp::$gdb"
	echo "node: paused for gdb; attach with:" >&2
	echo "  gdb -ex 'target remote localhost:$gdb' ${elf:-build/kernel.elf}" >&2
fi
# shellcheck disable=SC2086  # icount and extra are meant to split
# In the background so that a signal to node.sh (Ctrl-C, a killed test
# run) reaches QEMU through timeout instead of leaving it running.
timeout -k 5 "$tmo" qemu-system-x86_64 "$@" $icount $extra </dev/null &
qemu=$!
trap 'kill -TERM $qemu 2>/dev/null; wait $qemu; rm -f "$log"; exit 130' INT TERM HUP
wait $qemu
rc=$?
case $rc in
33) echo "node: powered off: pass" >&2; exit 0 ;;
35) echo "node: powered off: FAIL (a test failed)" >&2; exit 1 ;;
37) echo "node: kernel PANIC" >&2; exit 3 ;;
124|137) echo "node: HANG: no power-off within ${tmo}s, killed by the timeout" >&2; exit 5 ;;
0)
	if grep -q "Triple fault" "$log"; then
		echo "node: TRIPLE FAULT: the CPU reset (QEMU -d cpu_reset saw it)" >&2
	else
		echo "node: the guest reset without powering off" >&2
	fi
	exit 4 ;;
*) echo "node: QEMU failed (status $rc)" >&2; exit 2 ;;
esac

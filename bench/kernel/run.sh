#!/bin/sh
# Kernel-path costs in guest instructions (QEMU -icount shift=0, 2 CPUs):
# the user-space figures from kbench (run as the PCT), then the irq figure
# from the kernel (ktest=kbench); then the noise an application CPU sees
# while frames arrive (tests/yod/noise.c, a 2-node job through tools/yod,
# not under -icount: the figure is a count of interrupts), in
# message-coprocessor mode (goal: none) and, for contrast, heater.
#   usage: bench/kernel/run.sh ISO NOISE_APP
case $1 in -h|--help) sed -n '2,/^[^#]/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
iso=${1:?usage: $0 ISO NOISE_APP} noise=${2:?usage: $0 ISO NOISE_APP}
tools/node.sh -i "$iso" -s 2 -c -t 600 2>/dev/null | grep '^bench '
tools/node.sh -i "$iso" -s 2 -c -t 600 -a ktest=kbench 2>/dev/null | grep '^bench \|^not ok'
for mode in message-coprocessor heater; do
	n=$(tools/yod -n 2 -c 2 --mode "$mode" "$noise" 2>&1 |
		sed -n 's/^\[0\] noise: application on CPU [0-9]*: \([0-9]*\) interrupts on its CPU, \([0-9]*\) on CPU 0 .*/\1 \2/p')
	set -- $n
	goal=""
	[ "$mode" = message-coprocessor ] && goal="  (goal 0)"
	printf 'bench noise, %-20s %5s interrupts on the application CPU while CPU 0 took %s%s\n' \
		"$mode:" "${1:-?}" "${2:-?}" "$goal"
done

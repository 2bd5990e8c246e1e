#!/bin/sh
# Kernel-path costs in guest instructions (QEMU -icount shift=0, 2 CPUs):
# the user-space figures from kbench (run as the PCT), then the irq figure
# from the kernel (ktest=kbench).  usage: bench/kernel/run.sh ISO
iso=${1:?usage: $0 ISO}
tools/node.sh -i "$iso" -s 2 -c -t 600 2>/dev/null | grep '^bench '
tools/node.sh -i "$iso" -s 2 -c -t 600 -a ktest=kbench 2>/dev/null | grep '^bench \|^not ok'

#!/bin/sh
# Boot the kernel test ISO once and pass its (K)TAP through.
#   qemu.sh ISO ktest-smp4    the in-kernel suites of the kernel core, 4 CPUs
#   qemu.sh ISO utest-smp4    the user-space test program as the PCT, 4 CPUs
# The exit status is tools/node.sh's: 0 only if the node powered off with pass.
iso=$1 what=$2
case $what in
ktest-smp4) exec tools/node.sh -i "$iso" -s 4 -t 120 -a "ktest=smp,task,timer,hook,nimble,ioapic" ;;
utest-smp4) exec tools/node.sh -i "$iso" -s 4 -t 120 ;;
*) echo "usage: $0 ISO ktest-smp4|utest-smp4" >&2; exit 2 ;;
esac

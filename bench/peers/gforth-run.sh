#!/bin/sh
# The gforth-fast peer with the harness's command line (bench/bench.h):
#   gforth-run.sh DATA.fs WORKLOAD N RUNS      (or DATA.fs -l)
# Exit 3 for a workload gforth does not have.  BENCH_WRAP (e.g. valgrind
# and its options) is put in front of gforth-fast.
here=$(dirname "$0")
data=$1; shift
works="loop fib sched8 sched64 sched1024 packet sum vadd entry"
if [ "$1" = -l ]; then printf '%s\n' $works; exit 0; fi
[ $# -eq 3 ] || { echo "usage: gforth-run.sh DATA.fs WORKLOAD N RUNS" >&2; exit 64; }
case " $works " in *" $1 "*) ;; *) echo "bench-gforth: no workload '$1'" >&2; exit 3;; esac
setup=$1-setup
case $1 in sched*) setup=sched-setup;; esac
exec ${BENCH_WRAP:-} gforth-fast "$data" "$here/bench.fs" -e "' $setup ' $1-run $2 $3 bench bye"

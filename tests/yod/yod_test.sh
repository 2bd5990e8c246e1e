#!/bin/sh
# tools/yod as a user runs it (TAP): the demo application with its
# extension on one node; the allreduce application with its extensions on
# four; an application that faults; an extension that does not compile;
# a second launch of the same job uses the cached image; --help; and
# unmodified static Linux binaries (glibc and musl hello worlds with
# arguments and environment, busybox applets) whose output and exit status
# must equal the host's (run with execas: the same argv[0], env -i).
#
# Then the PCT's policy: each CPU mode places the application where it
# says (a 2-CPU node; the application reports its CPU), and a trusted
# extension yod gives the PCT is inserted before it and removed after it,
# having run.
#
#   tests/yod/yod_test.sh B CRASH_APP LINUX_DIR WHERE_APP NOISE_APP
B=$1 crash=$2 linux=$3 where=$4 noise=$5
export B
out=$(mktemp -d) || exit 2
trap 'rm -rf "$out"' EXIT
echo "1..26"
t=0
ok() { t=$((t + 1)); if [ "$1" = 0 ]; then echo "ok $t - $2"; else echo "not ok $t - $2"; sed 's/^/#   /' "$3" | tail -n 25; fi; }

tools/yod --ext ext-examples/prio_sched.ext "$B/user/app-prio" >"$out/demo" 2>&1
rc=$?
grep -q '^\[0\] demo: prio_sched extension: *run order by priority: 555553333311111$' "$out/demo"
ok $(( rc != 0 || $? != 0 )) "demo on 1 node: status 0, the extension decided the order" "$out/demo"
grep -q '^0 *| exited with status 0 ' "$out/demo"
ok $? "demo: the summary says rank 0 exited with status 0" "$out/demo"

tools/yod --ext ext-examples/prio_sched.ext "$B/user/app-prio" >"$out/again" 2>&1
grep -q '^yod: image .* (cached)$' "$out/again"
ok $? "the same job again: the image is not rebuilt" "$out/again"

tools/yod -n 4 --ext ext-examples/allreduce.ext --ext ext-examples/irq_count.ext \
	--ext tests/net/net_fault.ext --ext tests/net/net_spin.ext --ext tests/net/irq_fault.ext \
	--ext tests/net/irq_empty.ext "$B/user/app-allreduce" >"$out/ar" 2>&1
rc=$?
ranks=$(grep -c '^[0-3] *| exited with status 0 ' "$out/ar")
ok $(( rc != 0 || ranks != 4 )) "allreduce on 4 nodes: status 0, every rank exited 0 ($ranks)" "$out/ar"
tagged=$(grep -c '^\[[0-3]\] allreduce: node [0-3]: [0-9]* checks, 0 failed$' "$out/ar")
ok $(( tagged != 4 )) "allreduce: each rank's output tagged [rank] ($tagged of 4)" "$out/ar"

tools/yod "$crash" >"$out/crash" 2>&1
rc=$?
grep -q '^\[0\] crash: about to write' "$out/crash" && grep -q '^0 *| faulted: #PF page fault at 0x' "$out/crash" &&
	grep -q '^\[0\] pct: rank 0: app-crash faulted: #PF page fault at 0x[0-9a-f]* (addr 0x0)$' "$out/crash"
ok $(( rc != 139 || $? != 0 )) "a faulting application: status 139 (got $rc), the fault in the summary" "$out/crash"

tools/yod --ext tests/yod/broken.ext "$B/user/app-prio" >"$out/broken" 2>&1
rc=$?
grep -q "broken.ext:6:.*undefined_name" "$out/broken" && ! grep -q '^\[0\]' "$out/broken"
ok $(( rc == 0 || $? != 0 )) "a broken extension: extc's diagnostic, status $rc, nothing booted" "$out/broken"

tools/yod --help >"$out/help" 2>&1
rc=$?
grep -q -- '--ext FILE' "$out/help" && grep -q -- '--timeout S' "$out/help"
ok $(( rc != 0 || $? != 0 )) "--help: every option, status 0" "$out/help"
tools/yod -n 99 "$B/user/app-prio" >"$out/bad" 2>&1
rc=$?
grep -q 'yod: -n: 1..16 nodes' "$out/bad"
ok $(( rc != 2 || $? != 0 )) "-n 99: a clear error, status 2" "$out/bad"

# app BINARY ARGV...: the application's own lines from yod's stream (the
# console between the PCT's start and end lines, kernel lines dropped).
app_lines() {
	sed -n 's/^\[0\] //p' "$1" | awk '/^pct: started app/ { on = 1; next } /^pct: (app.* exited|rank [0-9]*: app.* faulted: )/ { on = 0 } on' |
		grep -v '^\(linux\|nimble\|pct\|task [0-9]*\): '
}
linux_case() { # name env-words binary args...  (LCPUS: CPUs, default 1)
	name=$1 envw=$2 bin=$3
	shift 3
	yenv=""
	for e in $envw; do yenv="$yenv --env $e"; done
	# shellcheck disable=SC2086  # the --env words
	tools/yod -c "${LCPUS:-1}" $yenv "$bin" "$@" >"$out/$name.yod" 2>&1
	yrc=$?
	# shellcheck disable=SC2086
	env -i $envw "$linux/execas" "$bin" "$(basename "$bin")" "$@" >"$out/$name.host" 2>&1
	hrc=$?
	app_lines "$out/$name.yod" >"$out/$name.node"
	if cmp -s "$out/$name.node" "$out/$name.host" && [ "$yrc" = "$hrc" ]; then
		echo "ok $((t = t + 1)) - $name under yod: output and exit status ($yrc) equal the host's"
	else
		echo "not ok $((t = t + 1)) - $name under yod: status $yrc (host $hrc)"
		diff "$out/$name.host" "$out/$name.node" | sed 's/^/#   /' | head -n 20
	fi
}
linux_case glibc "HOME=/ LANG=C" "$linux/hello-glibc" one "two words"
linux_case musl "TERM=dumb" "$linux/hello-musl" three
linux_case busybox-seq "" "$(command -v busybox)" seq 1 3 10
linux_case busybox-false "" "$(command -v busybox)" false
linux_case busybox-echo "" "$(command -v busybox)" echo hello world
linux_case busybox-expr "" "$(command -v busybox)" expr 6 "*" 7
linux_case busybox-factor "" "$(command -v busybox)" factor 360 97 1234567
linux_case busybox-true "" "$(command -v busybox)" true
LCPUS=2 linux_case pthreads-glibc "" "$linux/pthreads-glibc"
LCPUS=2 linux_case pthreads-musl "" "$linux/pthreads-musl"

# modes: each places the application's first task and its threads as
# docs/jobs.md says (the PCT's line, the kernel's clone lines, and the
# application's own getcpu agree).
mode_run() { # mode app
	tools/yod -c 2 --mode "$1" "$2" >"$out/mode-$1" 2>&1
}
clones() { sed -n 's/^\[0\] linux: .*: clone: thread (task [0-9]*) on CPU \([0-9]\)$/\1/p' "$1" | tr -d '\n'; }
mode_run heater "$where" && grep -q '^\[0\] where: on CPU 0, all along$' "$out/mode-heater" &&
	mode_run heater "$linux/pthreads-glibc" && [ "$(clones "$out/mode-heater")" = 00 ]
ok $? "--mode heater: the application and both its threads on CPU 0" "$out/mode-heater"
mode_run message-coprocessor "$where" && grep -q '^\[0\] where: on CPU 1, all along$' "$out/mode-message-coprocessor" &&
	mode_run message-coprocessor "$linux/pthreads-glibc" && [ "$(clones "$out/mode-message-coprocessor")" = 11 ] &&
	grep -q '^\[0\] pct: started app-pthreads-glibc: .* on CPU 1, threads on CPUs 0x2 ' "$out/mode-message-coprocessor"
ok $? "--mode message-coprocessor: the application and its threads alone on CPU 1" "$out/mode-message-coprocessor"
mode_run compute-coprocessor "$linux/pthreads-glibc" && [ "$(clones "$out/mode-compute-coprocessor")" = 10 ] &&
	grep -q '^\[0\] pct: started app-pthreads-glibc: .* on CPU 0, threads on CPUs 0x3 ' "$out/mode-compute-coprocessor"
ok $? "--mode compute-coprocessor: the application on CPU 0, its second thread on CPU 1" "$out/mode-compute-coprocessor"
mode_run virtual-node "$where" && grep -q '^\[0\] where: on CPU 0, all along$' "$out/mode-virtual-node" &&
	grep -q '^\[0\] where: on CPU 1, all along$' "$out/mode-virtual-node" &&
	[ "$(grep -c '^\[0\] pct: app-where (task [0-9]*) exited with status 0$' "$out/mode-virtual-node")" = 2 ]
ok $? "--mode virtual-node: two processes, one on each CPU, both exited 0" "$out/mode-virtual-node"
tools/yod -c 2 --trusted-ext ext-examples/rr_sched.ext "$where" >"$out/trusted" 2>&1
rc=$?
ins=$(grep -n '^\[0\] pct: inserted trusted extension rr_sched.nx' "$out/trusted" | cut -d: -f1)
start=$(grep -n '^\[0\] pct: started app-where' "$out/trusted" | cut -d: -f1)
runs=$(sed -n 's/^\[0\] pct: removed trusted extension rr_sched.nx: \([0-9]*\) runs, 0 faults$/\1/p' "$out/trusted")
ok $(( rc != 0 || ${ins:-99999} > ${start:-0} || ${runs:-0} == 0 )) "--trusted-ext: the PCT inserted rr_sched before the application and removed it after, $runs runs" "$out/trusted"

# message-coprocessor: the application CPU takes no interrupt at all while
# frames arrive (rank 1 streams messages to rank 0, which computes).
tools/yod -n 2 -c 2 --mode message-coprocessor "$noise" >"$out/noise" 2>&1
rc=$?
grep -q '^\[0\] noise: application on CPU 1: 0 interrupts on its CPU, [1-9][0-9]* on CPU 0 ' "$out/noise"
ok $(( rc != 0 || $? != 0 )) "message-coprocessor: no interrupt on the application CPU while frames arrived" "$out/noise"
grep '^\[0\] noise:' "$out/noise" | sed 's/^/# /'

# Every tool answers --help with its text and status 0.
bad=""
for tool in tools/yod tools/ucc tools/node.sh tools/cluster.sh tools/cluster-report.sh tools/deps.sh \
	tools/fuzz.sh tools/nx-callgrind.sh tools/runtests.sh bench/run.sh bench/kernel/run.sh bench/net/run.sh \
	"$B/extc" "$B/nxrun"; do
	"$tool" --help >"$out/help-tool" 2>&1 && [ "$(wc -l <"$out/help-tool")" -ge 2 ] || bad="$bad $tool"
done
ok $(( ${#bad} != 0 )) "--help on every tool: text and status 0${bad:+ (not:$bad)}" "$out/help-tool"

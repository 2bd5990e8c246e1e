# bench: interpreter microbenchmarks, Nimble against native C and peer
# interpreters (bench/README.md).
#   make bench         the full run: table, B/bench/results.csv and .png
#   make bench-quick   the harness on tiny sizes, TAP (also part of make test)
# Native C and every harness program are built -O2 without vectorisation:
# the scalar limit the interpreters are compared with.  DWARF 4: valgrind
# 3.19 cannot read the DWARF 5 that clang 14 writes by default.

BENCH_CFLAGS := $(HOST_CFLAGS) -Ibench -fno-tree-vectorize -fno-tree-slp-vectorize -gdwarf-4
BENCH_COMMON := bench/harness.c bench/data.c
# Debian packages of the peers; the bench installs them itself.
BENCH_PKGS   := liblua5.4-dev libluajit-5.1-dev gforth libpcap-dev gnuplot-nox valgrind

BENCH_PEERS := $(B)/bench/bench-lua54 $(B)/bench/bench-luajit $(B)/bench/bench-bpf \
               $(B)/bench/data.fs
# Nimble: the workloads compiled by extc's $(B)/%.nx rule, run by libnimble.
BENCH_NXS   := $(patsubst %.ext,$(B)/%.nx,$(wildcard bench/workloads/*.ext bench/workloads/corpus/*.ext))
BENCH_BINS  := $(B)/bench/bench-native $(B)/bench/bench-nimble $(BENCH_NXS) $(BENCH_PEERS) \
               $(B)/bench/bench-quick

.PHONY: bench bench-quick bench-deps
bench: bench-deps $(BENCH_BINS)
	@CC=$(CC) bench/run.sh full $(B)
bench-quick: bench-deps $(BENCH_BINS)
	@$(B)/bench/bench-quick
# After the build's own packages (extc needs re2c), so apt runs once at a time.
bench-deps: deps
	@tools/deps.sh $(BENCH_PKGS)

$(B)/bench/bench-native: bench/sys_native.c bench/corpus_native.c $(BENCH_COMMON)
	$(call cc_prog,$(CC) $(BENCH_CFLAGS),$^)

# The engine's bench entry points (nx_run_ref, nx_ext_set_mode) are in
# nimble/internal.h; the objects are found in BENCH_NX_DIR.
$(B)/bench/bench-nimble: bench/sys_nimble.c $(BENCH_COMMON) $(B)/libnimble.a
	$(call cc_prog,$(CC) $(BENCH_CFLAGS) -Inimble -DBENCH_NX_DIR='"$(abspath $(B)/bench/workloads)"',\
		$^,$(B)/libnimble.a)

# Peers: their headers come from packages, installed first.
$(BENCH_PEERS): | bench-deps

$(B)/bench/bench-lua54: bench/peers/lua54.c bench/peers/lua_sys.c $(BENCH_COMMON)
	$(call cc_prog,$(CC) $(BENCH_CFLAGS) -I/usr/include/lua5.4,$^,-llua5.4)

$(B)/bench/bench-luajit: bench/peers/luajit.c bench/peers/lua_sys.c $(BENCH_COMMON)
	$(call cc_prog,$(CC) $(BENCH_CFLAGS) -I/usr/include/luajit-2.1,$^,-lluajit-5.1)

$(B)/bench/bench-bpf: bench/peers/bpf.c $(BENCH_COMMON)
	$(call cc_prog,$(CC) $(BENCH_CFLAGS),$^,-lpcap)

$(B)/bench/bench-forthdata: bench/peers/forth_data.c bench/data.c
	$(call cc_prog,$(CC) $(BENCH_CFLAGS),$^)

$(B)/bench/data.fs: $(B)/bench/bench-forthdata
	$< >$@

# The test program make test runs: the quick harness for this build dir.
$(B)/bench/bench-quick: bench/bench.mk
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec bench/run.sh quick %s\n' '$(B)' >$@
	chmod +x $@

TESTS     += $(B)/bench/bench-quick
TEST_DEPS += $(BENCH_BINS)

# make kbench: the kernel-path benchmarks of bench/kernel (not part of make
# test): bench/kernel/kbench.c as the PCT, with tests/kernel's extensions.
KBENCH_ISO  := $(B)/kbench.iso
KBENCH_EXTS := $(addprefix $(B)/tests/kernel/ext/,sched_empty.nx sched_view.nx trap_empty.nx irq_empty.nx)
$(B)/bench/kernel/kbench: bench/kernel/kbench.c $(ULIB) $(USER_CRT0)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(ULIB)
$(KBENCH_ISO): $(KERNEL_ELF) $(B)/bench/kernel/kbench $(KBENCH_EXTS) | deps
	$(call pct_iso,$(B)/kbench-iso,kbench,$(B)/bench/kernel/kbench,$(KBENCH_EXTS))
.PHONY: kbench
kbench: deps-run $(KBENCH_ISO) $(B)/tests/yod/noise $(KERNEL_ELF) $(PCT) $(EXTC)
	bench/kernel/run.sh $(KBENCH_ISO) $(B)/tests/yod/noise

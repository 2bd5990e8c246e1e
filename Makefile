# Nimble LWK — the one entry point.
#   make          build everything (kernel ISO, libnimble, extc, nxrun, examples)
#   make run      boot a node in QEMU (TCG) and power it off
#   make test     every test: host (TAP) and in-kernel (KTAP); ends "N passed, N failed"
#   make bench    benchmarks (bench/README.md)
#   make debug    boot paused with QEMU's gdb stub
#   make clean
# Each part adds its own rules in its folder's *.mk; see mk/config.mk for flags.

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

include mk/config.mk
include lib/lib.mk
include nimble/nimble.mk
include extc/extc.mk
include kernel/kernel.mk
include user/user.mk
include pct/pct.mk
include ext-examples/examples.mk
include tests/tests.mk
include bench/bench.mk

.PHONY: all run test debug clean deps deps-test fuzz
FUZZ_SECONDS ?= 600
all: deps $(ALL)

test: deps-test all $(TEST_DEPS)
	@tools/runtests.sh $(TESTS)

# make fuzz [FUZZ_SECONDS=600 | FUZZ_RUNS=N]: every libFuzzer target in FUZZERS, in turn.
fuzz: deps-test $(FUZZERS)
	@tools/fuzz.sh $(FUZZ_SECONDS) $(B)/fuzz-corpus $(FUZZERS)

clean:
	rm -rf $(B)

# Header dependencies (DEPFLAGS in mk/config.mk): every .d the compiler wrote.
-include $(shell find $(B) -type f -name '*.d' -not -path '$(B)/fuzz-corpus/*' 2>/dev/null)

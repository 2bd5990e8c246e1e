# Engine tests (nimble/): host TAP programs, under ASan/UBSan (libnimble-san.a).
NIMBLE_TEST_CFLAGS = $(TEST_SAN_CFLAGS) -Inimble -Inimble/host -Itests/nimble
NIMBLE_TEST_LIB    = $(B)/libnimble-san.a
NIMBLE_TEST_COMMON = tests/nimble/nxbuild.c

$(B)/tests/nimble/%: tests/nimble/%.c $(NIMBLE_TEST_COMMON) $(NIMBLE_TEST_LIB)
	$(call cc_prog,$(CC) $(NIMBLE_TEST_CFLAGS),$< $(NIMBLE_TEST_COMMON),$(NIMBLE_TEST_LIB))

NIMBLE_TESTS := $(addprefix $(B)/tests/nimble/,test_insns test_verify test_calls test_entry nxrun.sh difftest difftest-san.sh fuzz-short.sh docs-check isa-row exec-jumps)
TESTS     += $(NIMBLE_TESTS)
TEST_DEPS += $(NIMBLE_TESTS)

# The differential test runs 100,000 programs: optimised build (the
# sanitizer build of the same program runs 10,000, below).
$(B)/tests/nimble/difftest: tests/nimble/difftest.c $(NIMBLE_TEST_COMMON) $(B)/libnimble.a
	$(call cc_prog,$(CC) $(TEST_CFLAGS) -Inimble -Inimble/host -Itests/nimble,$< $(NIMBLE_TEST_COMMON),$(B)/libnimble.a)
$(B)/tests/nimble/difftest-san: tests/nimble/difftest.c $(NIMBLE_TEST_COMMON) $(NIMBLE_TEST_LIB)
	$(call cc_prog,$(CC) $(NIMBLE_TEST_CFLAGS),$< $(NIMBLE_TEST_COMMON),$(NIMBLE_TEST_LIB))
$(B)/tests/nimble/difftest-san.sh: $(B)/tests/nimble/difftest-san
	printf '#!/bin/sh\nexec %s 10000 7\n' $(abspath $<) > $@ && chmod +x $@

# libFuzzer target over load + verify + run (checked vs ref); always clang.
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Wall -Wextra -Werror -Iinclude \
               -Inimble -Inimble/host -Itests/nimble -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
$(B)/fuzz/fuzz_nx: tests/nimble/fuzz_nx.c $(B)/libnimble-fuzz.a
	$(call cc_prog,clang $(FUZZ_CFLAGS),$<,$(B)/libnimble-fuzz.a)
# The same target with a structure-aware mutator (fuzz_mutate.c): mutants
# keep a consistent header and reach the verifier and the handlers.
$(B)/fuzz/fuzz_nx_struct: tests/nimble/fuzz_nx.c tests/nimble/fuzz_mutate.c $(B)/libnimble-fuzz.a
	$(call cc_prog,clang $(FUZZ_CFLAGS),$(filter %.c,$^),$(B)/libnimble-fuzz.a)
# make test runs each for 20 s (make fuzz: FUZZ_SECONDS each).
$(B)/tests/nimble/fuzz-short.sh: $(B)/fuzz/fuzz_nx $(B)/fuzz/fuzz_nx_struct
	printf '#!/bin/sh\ncd %s && exec nice -n 10 tools/fuzz.sh 20 %s %s %s\n' $(CURDIR) $(abspath $(B)/fuzz-corpus) \
		$(abspath $(B)/fuzz/fuzz_nx) $(abspath $(B)/fuzz/fuzz_nx_struct) > $@ && chmod +x $@
FUZZERS += $(B)/fuzz/fuzz_nx $(B)/fuzz/fuzz_nx_struct

$(B)/tests/nimble/docs-check: tests/nimble/docs-check.sh $(B)/gendoc
	@mkdir -p $(@D)
	printf '#!/bin/sh\ncd %s && exec tests/nimble/docs-check.sh %s\n' $(CURDIR) $(abspath $(B)/gendoc) > $@ && chmod +x $@

# One more ALU row in a scratch copy of the tree: what picks it up (isa-row.sh).
$(B)/tests/nimble/isa-row: tests/nimble/isa-row.sh tests/nimble/isa_row.c
	@mkdir -p $(@D)
	printf '#!/bin/sh\ncd %s && exec tests/nimble/isa-row.sh %s\n' $(CURDIR) $(CC) > $@ && chmod +x $@

# Every indirect jmp of the handler sets is a dispatch: the runaway stop's
# premise, checked in the host's and the kernel's objects (exec-jumps.sh).
$(B)/tests/nimble/exec-jumps: tests/nimble/exec-jumps.sh $(B)/host/nimble/exec.o $(KERNEL_ELF)
	@mkdir -p $(@D)
	printf '#!/bin/sh\ncd %s && exec tests/nimble/exec-jumps.sh %s %s\n' $(CURDIR) $(B)/host/nimble/exec.o $(KERNEL_ELF) > $@ && chmod +x $@

$(B)/tests/nimble/test_nxrun: tests/nimble/test_nxrun.c $(NIMBLE_TEST_COMMON)
	$(call cc_prog,$(CC) $(TEST_CFLAGS) -Itests/nimble,$^)
$(B)/tests/nimble/nxrun.sh: $(B)/tests/nimble/test_nxrun $(B)/nxrun
	printf '#!/bin/sh\nexec %s %s\n' $(abspath $<) $(abspath $(B)/nxrun) > $@ && chmod +x $@

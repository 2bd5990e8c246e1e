# Engine tests (nimble/): host TAP programs, under ASan/UBSan (libnimble-san.a).
NIMBLE_TEST_CFLAGS = $(TEST_SAN_CFLAGS) -Inimble -Inimble/host -Itests/nimble
NIMBLE_TEST_LIB    = $(B)/libnimble-san.a
NIMBLE_TEST_COMMON = tests/nimble/nxbuild.c

$(B)/tests/nimble/%: tests/nimble/%.c $(NIMBLE_TEST_COMMON) tests/nimble/nxbuild.h $(TAP_H) $(NIMBLE_TEST_LIB)
	@mkdir -p $(@D)
	$(CC) $(NIMBLE_TEST_CFLAGS) $< $(NIMBLE_TEST_COMMON) $(NIMBLE_TEST_LIB) -o $@

NIMBLE_TESTS := $(addprefix $(B)/tests/nimble/,test_insns test_verify test_calls test_entry nxrun.sh difftest difftest-san.sh fuzz-short.sh docs-check)
TESTS     += $(NIMBLE_TESTS)
TEST_DEPS += $(NIMBLE_TESTS)

# The differential test runs 100,000 programs: optimised build (the
# sanitizer build of the same program runs 10,000, below).
$(B)/tests/nimble/difftest: tests/nimble/difftest.c $(NIMBLE_TEST_COMMON) tests/nimble/*.h $(TAP_H) $(B)/libnimble.a
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Inimble -Inimble/host -Itests/nimble $< $(NIMBLE_TEST_COMMON) $(B)/libnimble.a -o $@
$(B)/tests/nimble/difftest-san: tests/nimble/difftest.c $(NIMBLE_TEST_COMMON) tests/nimble/*.h $(TAP_H) $(NIMBLE_TEST_LIB)
	@mkdir -p $(@D)
	$(CC) $(NIMBLE_TEST_CFLAGS) $< $(NIMBLE_TEST_COMMON) $(NIMBLE_TEST_LIB) -o $@
$(B)/tests/nimble/difftest-san.sh: $(B)/tests/nimble/difftest-san
	printf '#!/bin/sh\nexec %s 10000 7\n' $(abspath $<) > $@ && chmod +x $@

# libFuzzer target over load + verify + run (checked vs ref); always clang.
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g -Wall -Wextra -Werror -Iinclude \
               -Inimble -Inimble/host -Itests/nimble -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
$(B)/fuzz/fuzz_nx: tests/nimble/fuzz_nx.c tests/nimble/common.h $(NIMBLE_SRCS) $(NIMBLE_HOST_SRCS) lib/fmt.c $(NIMBLE_HDRS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) $< $(NIMBLE_SRCS) $(NIMBLE_HOST_SRCS) lib/fmt.c -o $@
# make test runs it for 20 s (make fuzz: FUZZ_SECONDS each).
$(B)/tests/nimble/fuzz-short.sh: $(B)/fuzz/fuzz_nx
	printf '#!/bin/sh\ncd %s && exec nice -n 10 tools/fuzz.sh 20 %s %s\n' $(CURDIR) $(abspath $(B)/fuzz-corpus) $(abspath $<) > $@ && chmod +x $@
FUZZERS += $(B)/fuzz/fuzz_nx

$(B)/tests/nimble/docs-check: tests/nimble/docs-check.sh $(B)/gendoc
	@mkdir -p $(@D)
	printf '#!/bin/sh\ncd %s && exec tests/nimble/docs-check.sh %s\n' $(CURDIR) $(abspath $(B)/gendoc) > $@ && chmod +x $@

$(B)/tests/nimble/test_nxrun: tests/nimble/test_nxrun.c $(NIMBLE_TEST_COMMON) tests/nimble/nxbuild.h $(TAP_H)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Itests/nimble $< $(NIMBLE_TEST_COMMON) -o $@
$(B)/tests/nimble/nxrun.sh: $(B)/tests/nimble/test_nxrun $(B)/nxrun
	printf '#!/bin/sh\nexec %s %s\n' $(abspath $<) $(abspath $(B)/nxrun) > $@ && chmod +x $@

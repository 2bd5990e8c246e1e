# Engine tests (nimble/): host TAP programs, under ASan/UBSan (libnimble-san.a).
NIMBLE_TEST_CFLAGS = $(SAN_CFLAGS) -Inimble -Inimble/host -Itests/nimble
NIMBLE_TEST_LIB    = $(B)/libnimble-san.a
NIMBLE_TEST_COMMON = tests/nimble/nxbuild.c

$(B)/tests/nimble/%: tests/nimble/%.c $(NIMBLE_TEST_COMMON) tests/nimble/nxbuild.h tests/nimble/tap.h $(NIMBLE_TEST_LIB)
	@mkdir -p $(@D)
	$(CC) $(NIMBLE_TEST_CFLAGS) $< $(NIMBLE_TEST_COMMON) $(NIMBLE_TEST_LIB) -o $@

NIMBLE_TESTS := $(addprefix $(B)/tests/nimble/,test_insns test_verify test_calls)
TESTS     += $(NIMBLE_TESTS)
TEST_DEPS += $(NIMBLE_TESTS)

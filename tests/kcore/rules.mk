# tests/kcore: host tests of the kernel core's portable code and of
# libc-lite, and the in-kernel KTAP suites (see docs/kernel.md).

# libc-lite, run natively: its syscall ABI is Linux's.
$(B)/tests/kcore/ulib_tap: tests/kcore/ulib_tap.c $(ULIB) $(USER_CRT0) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) tests/kcore/ulib_tap.c $(ULIB)
TESTS     += $(B)/tests/kcore/ulib_tap
TEST_DEPS += $(B)/tests/kcore/ulib_tap

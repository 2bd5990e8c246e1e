# tests/ulib: libc-lite (user/lib, and the lib/ it shares with the kernel)
# run natively on Linux: its syscall ABI is Linux's, so the same static
# binary that runs on a node runs here (TAP, user/include/utap.h).
$(B)/tests/ulib/ulib_tap: tests/ulib/ulib_tap.c $(ULIB) $(USER_CRT0)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(ULIB)
TESTS     += $(B)/tests/ulib/ulib_tap
TEST_DEPS += $(B)/tests/ulib/ulib_tap

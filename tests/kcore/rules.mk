# tests/kcore: host tests of the portable kernel-core code (aspace), and
# the in-kernel KTAP suites (see docs/kernel.md).


# libc-lite, run natively: its syscall ABI is Linux's.
$(B)/tests/kcore/ulib_tap: tests/kcore/ulib_tap.c $(ULIB) $(USER_CRT0) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) tests/kcore/ulib_tap.c $(ULIB)
TESTS     += $(B)/tests/kcore/ulib_tap
TEST_DEPS += $(B)/tests/kcore/ulib_tap

# Portable kernel-core code under ASan/UBSan, machine layer simulated.
$(B)/tests/kcore/aspace_test: tests/kcore/aspace_test.c kernel/mm/aspace.c \
		kernel/include/lwk/aspace.h include/uapi/lwk.h
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -Ikernel/include -o $@ tests/kcore/aspace_test.c kernel/mm/aspace.c
$(B)/tests/kcore/sched_test: tests/kcore/sched_test.c kernel/task/sched.c \
		kernel/include/lwk/sched.h kernel/include/lwk/task.h
	@mkdir -p $(@D)
	$(CC) $(SAN_CFLAGS) -Ikernel/include -o $@ tests/kcore/sched_test.c kernel/task/sched.c
TESTS     += $(B)/tests/kcore/aspace_test $(B)/tests/kcore/sched_test
TEST_DEPS += $(B)/tests/kcore/aspace_test $(B)/tests/kcore/sched_test

# tests/lib: the shared freestanding lib/ on the host under ASan/UBSan
# (string.c and fmt.c are also tested by tests/ulib/ulib_tap and
# tests/kernel/host/test_kfmt).
$(B)/tests/lib/test_elf: tests/lib/test_elf.c $(B)/lib/san/elf.o
	@mkdir -p $(@D)
	$(CC) $(TEST_SAN_CFLAGS) $(DEPFLAGS) -o $@ $(filter %.c %.o,$^)
TESTS     += $(B)/tests/lib/test_elf
TEST_DEPS += $(B)/tests/lib/test_elf

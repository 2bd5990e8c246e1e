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

# In-kernel (KTAP) and user-space (TAP) tests in QEMU.  One ISO carries
# the kernel, the user test program as the PCT and the test extensions
# as GRUB modules; tests/kcore/qemu.sh boots it for each suite.
KCORE_EXTS := $(patsubst %.ext,$(B)/%.nx,$(wildcard tests/kcore/ext/*.ext)) \
              $(B)/ext-examples/prio_sched.nx
KCORE_ISO  := $(B)/kcore-test.iso

$(B)/tests/kcore/utest: tests/kcore/utest.c $(ULIB) $(USER_CRT0) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) tests/kcore/utest.c $(ULIB)

$(KCORE_ISO): $(KERNEL_ELF) $(B)/tests/kcore/utest $(KCORE_EXTS) | deps
	@rm -rf $(B)/kcore-iso && mkdir -p $(B)/kcore-iso/boot/grub $(B)/kcore-iso/boot/modules
	cp $(KERNEL_ELF) $(B)/kcore-iso/boot/kernel.elf
	cp $(KCORE_EXTS) $(B)/kcore-iso/boot/modules/
	cp $(B)/tests/kcore/utest $(B)/kcore-iso/boot/modules/pct
	@{ printf 'set timeout=0\nset default=0\nmenuentry "kcore tests" {\n'; \
	   printf '\tmultiboot2 /boot/kernel.elf\n'; \
	   for m in $(B)/kcore-iso/boot/modules/*; do \
	     printf '\tmodule2 /boot/modules/%s %s\n' "$$(basename $$m)" "$$(basename $$m)"; done; \
	   printf '\tboot\n}\n'; } > $(B)/kcore-iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(B)/kcore-iso >$(B)/kcore-iso.log 2>&1 || { cat $(B)/kcore-iso.log; exit 1; }

$(B)/tests/kcore/ktest-smp4 $(B)/tests/kcore/utest-smp4: tests/kcore/qemu.sh $(KCORE_ISO)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec tests/kcore/qemu.sh %s %s\n' $(KCORE_ISO) $(notdir $@) > $@
	chmod +x $@

TESTS     += $(B)/tests/kcore/ktest-smp4 $(B)/tests/kcore/utest-smp4
TEST_DEPS += $(B)/tests/kcore/ktest-smp4 $(B)/tests/kcore/utest-smp4

# make kbench: the kernel-path benchmarks of bench/kernel (not part of make test).
KBENCH_ISO := $(B)/kbench.iso
KBENCH_EXTS := $(addprefix $(B)/tests/kcore/ext/,sched_empty.nx trap_empty.nx irq_empty.nx)
$(B)/bench/kernel/kbench: bench/kernel/kbench.c $(ULIB) $(USER_CRT0) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) bench/kernel/kbench.c $(ULIB)
$(KBENCH_ISO): $(KERNEL_ELF) $(B)/bench/kernel/kbench $(KBENCH_EXTS) | deps
	@rm -rf $(B)/kbench-iso && mkdir -p $(B)/kbench-iso/boot/grub $(B)/kbench-iso/boot/modules
	cp $(KERNEL_ELF) $(B)/kbench-iso/boot/kernel.elf
	cp $(B)/bench/kernel/kbench $(B)/kbench-iso/boot/modules/pct
	cp $(KBENCH_EXTS) $(B)/kbench-iso/boot/modules/
	@{ printf 'set timeout=0\nset default=0\nmenuentry "kbench" {\n'; \
	   printf '\tmultiboot2 /boot/kernel.elf\n'; \
	   for m in $(B)/kbench-iso/boot/modules/*; do \
	     printf '\tmodule2 /boot/modules/%s %s\n' "$$(basename $$m)" "$$(basename $$m)"; done; \
	   printf '\tboot\n}\n'; } > $(B)/kbench-iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(B)/kbench-iso >$(B)/kbench-iso.log 2>&1 || { cat $(B)/kbench-iso.log; exit 1; }
.PHONY: kbench
kbench: deps-run $(KBENCH_ISO)
	bench/kernel/run.sh $(KBENCH_ISO)

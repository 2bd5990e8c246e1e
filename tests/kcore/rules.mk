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
		kernel/include/lwk/aspace.h include/uapi/lwk.h $(TAP_H)
	@mkdir -p $(@D)
	$(CC) $(TEST_SAN_CFLAGS) -Ikernel/include -o $@ tests/kcore/aspace_test.c kernel/mm/aspace.c
$(B)/tests/kcore/sched_test: tests/kcore/sched_test.c kernel/task/sched.c \
		kernel/include/lwk/sched.h kernel/include/lwk/task.h $(TAP_H)
	@mkdir -p $(@D)
	$(CC) $(TEST_SAN_CFLAGS) -Ikernel/include -o $@ tests/kcore/sched_test.c kernel/task/sched.c
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

# $(call pct_iso,TREE,TITLE,PCT,MODULES), the recipe of an ISO ($@) that
# boots the kernel with PCT as the module "pct" and MODULES beside it,
# built in the directory TREE (tests/net and tests/coll use it too).
define pct_iso
	@rm -rf $(1) && mkdir -p $(1)/boot/grub $(1)/boot/modules
	cp $(KERNEL_ELF) $(1)/boot/kernel.elf
	cp $(4) $(1)/boot/modules/
	cp $(3) $(1)/boot/modules/pct
	@{ printf 'set timeout=0\nset default=0\nmenuentry "$(2)" {\n'; \
	   printf '\tmultiboot2 /boot/kernel.elf\n'; \
	   for m in $(1)/boot/modules/*; do \
	     printf '\tmodule2 /boot/modules/%s %s\n' "$$(basename $$m)" "$$(basename $$m)"; done; \
	   printf '\tboot\n}\n'; } > $(1)/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(1) >$(1).log 2>&1 || { cat $(1).log; exit 1; }
endef

$(KCORE_ISO): $(KERNEL_ELF) $(B)/tests/kcore/utest $(KCORE_EXTS) | deps
	$(call pct_iso,$(B)/kcore-iso,kcore tests,$(B)/tests/kcore/utest,$(KCORE_EXTS))

$(B)/tests/kcore/ktest-smp4 $(B)/tests/kcore/utest-smp4: tests/kcore/qemu.sh $(KCORE_ISO)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec tests/kcore/qemu.sh %s %s\n' $(KCORE_ISO) $(notdir $@) > $@
	chmod +x $@

TESTS     += $(B)/tests/kcore/ktest-smp4 $(B)/tests/kcore/utest-smp4
TEST_DEPS += $(B)/tests/kcore/ktest-smp4 $(B)/tests/kcore/utest-smp4

# What make run boots: the demo PCT frees its application (run_test.sh);
# again with the PCT's memory above 4 GiB.
$(B)/tests/kcore/run-demo $(B)/tests/kcore/run-demo-high: tests/kcore/run_test.sh $(KERNEL_ISO)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec tests/kcore/run_test.sh %s %s\n' $(KERNEL_ISO) \
		$(if $(filter %-high,$@),high) > $@
	chmod +x $@
TESTS     += $(B)/tests/kcore/run-demo $(B)/tests/kcore/run-demo-high
TEST_DEPS += $(B)/tests/kcore/run-demo $(B)/tests/kcore/run-demo-high

# make kbench: the kernel-path benchmarks of bench/kernel (not part of make test).
KBENCH_ISO := $(B)/kbench.iso
KBENCH_EXTS := $(addprefix $(B)/tests/kcore/ext/,sched_empty.nx sched_view.nx trap_empty.nx irq_empty.nx)
$(B)/bench/kernel/kbench: bench/kernel/kbench.c $(ULIB) $(USER_CRT0) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) bench/kernel/kbench.c $(ULIB)
$(KBENCH_ISO): $(KERNEL_ELF) $(B)/bench/kernel/kbench $(KBENCH_EXTS) | deps
	$(call pct_iso,$(B)/kbench-iso,kbench,$(B)/bench/kernel/kbench,$(KBENCH_EXTS))
.PHONY: kbench
kbench: deps-run $(KBENCH_ISO) $(B)/tests/yod/noise $(KERNEL_ELF) $(PCT) $(EXTC)
	bench/kernel/run.sh $(KBENCH_ISO) $(B)/tests/yod/noise

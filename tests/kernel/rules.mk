# Kernel tests (BOOT part):
#  - host TAP programs for the portable kernel code (buddy, kmem, pmem,
#    boot parameters) and lib/fmt.c under ASan/UBSan (SAN_CFLAGS);
#  - the in-kernel KTAP tests, all in one boot (ktest=all, with
#    KTEST_PARAMS) through tests/kernel/ktest.sh;
#  - the harness's own test: panic, triple fault, hang and a failing test
#    are each reported as what they are.
# make test KTEST_FAIL=1 adds a deliberately failing kernel test, so that
# make test must fail.

KTEST_HOST_CFLAGS = $(TEST_SAN_CFLAGS) -Ikernel/include
KTEST_HOST_HDRS   = $(wildcard include/lwk/*.h kernel/include/lwk/*.h tests/kernel/*.h) $(TAP_H)
# The shim, and the kernel's printk over the shared formatter and strlcpy.
KTEST_SHIM        = tests/kernel/host_shim.c kernel/lib/printk.c lib/fmt.c lib/strlcpy.c

$(B)/tests/kernel/test_buddy: tests/kernel/test_buddy.c kernel/mm/buddy.c $(KTEST_HOST_HDRS)
$(B)/tests/kernel/test_kmem: tests/kernel/test_kmem.c kernel/mm/kmem.c kernel/mm/buddy.c $(KTEST_SHIM) $(KTEST_HOST_HDRS)
$(B)/tests/kernel/test_pmem: tests/kernel/test_pmem.c kernel/mm/pmem.c $(KTEST_SHIM) $(KTEST_HOST_HDRS)
$(B)/tests/kernel/test_params: tests/kernel/test_params.c kernel/init/params.c $(KTEST_SHIM) $(KTEST_HOST_HDRS)
$(B)/tests/kernel/test_kfmt: tests/kernel/test_kfmt.c $(KTEST_SHIM) $(KTEST_HOST_HDRS)

KTEST_HOST_PROGS := $(addprefix $(B)/tests/kernel/,test_buddy test_kmem test_pmem test_params test_kfmt)
$(KTEST_HOST_PROGS):
	@mkdir -p $(@D)
	$(CC) $(KTEST_HOST_CFLAGS) $(filter %.c,$^) -o $@

# tools/runtests.sh runs programs without arguments: small generated
# wrappers carry the ISO path and the selection.  Rewritten only when
# their text changes (KTEST_FAIL flips the selection).
comma := ,
# Non-default values, so the tests see parameters flow from the command
# line to the subsystems (the boot self-check covers the defaults).
KTEST_PARAMS := kmem_size=48M init_stack_size=64K
KTEST_SELECTION := all$(if $(filter 1,$(KTEST_FAIL)),$(comma)fail)
$(B)/tests/kernel/ktest-all: FORCE
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nexec tests/kernel/ktest.sh %s %s 120 "%s"\n' '$(KERNEL_ISO)' '$(KTEST_SELECTION)' '$(KTEST_PARAMS)' >$@.tmp
	@chmod +x $@.tmp && { cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@; }
$(B)/tests/kernel/harness-test: FORCE
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nexec tests/kernel/harness_test.sh %s\n' '$(KERNEL_ISO)' >$@.tmp
	@chmod +x $@.tmp && { cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@; }

KTEST_PROGS := $(KTEST_HOST_PROGS) $(B)/tests/kernel/ktest-all $(B)/tests/kernel/harness-test
TESTS     += $(KTEST_PROGS)
TEST_DEPS += $(KTEST_PROGS) $(KERNEL_ISO)

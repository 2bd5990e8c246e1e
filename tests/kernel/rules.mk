# tests/kernel: the kernel's tests, in one tree (docs/boot.md, "Tests"):
#   ktap/   in-kernel KTAP suites, linked into the kernel (kernel/kernel.mk
#           builds them with the kernel's sources); ktest=SELECTION runs them
#   host/   host TAP programs of portable kernel code (buddy, kmem, pmem,
#           boot parameters, kfmt, aspace, sched) under ASan/UBSan, the
#           machine layer simulated (host_shim.c)
#   user/   the user-space test program, run as the PCT of a booted node
#   ext/    test extensions, GRUB modules of the test ISO (ktap and user)
#   hostile/ misbehaving extensions, modules of the hostile-suite ISO
#   *.sh    the harness that boots nodes in QEMU and reports what happened
#
#   host/*            the host programs
#   ktest-all         every ktap suite in one boot (ktest=all, KTEST_PARAMS)
#   harness-test      the harness's own test: panic, triple fault, hang and
#                     a failing test are each reported as what they are
#   ktest-smp4        the kernel-core ktap suites on 4 CPUs, with extensions
#   utest-smp4        user/utest.c as the PCT on 4 CPUs
#   hostile-2n        user/hostile.c as the PCT of a 2-node cluster, 2 CPUs
#                     each, with the hostile/ extensions (hostile.sh)
#   run-demo[-high]   what make run boots, checked (run_test.sh)
# make test KTEST_FAIL=1 adds a deliberately failing kernel test, so that
# make test must fail.

KTEST_T := $(B)/tests/kernel

# ---- host/
KTEST_HOST_CFLAGS = $(TEST_SAN_CFLAGS) -Ikernel/include
# The shim, and the kernel's printk over the shared formatter and strlcpy.
KTEST_SHIM        = tests/kernel/host/host_shim.c kernel/lib/printk.c $(B)/lib/san/fmt.o $(B)/lib/san/strlcpy.o

$(KTEST_T)/host/test_buddy: tests/kernel/host/test_buddy.c kernel/mm/buddy.c
$(KTEST_T)/host/test_kmem: tests/kernel/host/test_kmem.c kernel/mm/kmem.c kernel/mm/buddy.c $(KTEST_SHIM)
$(KTEST_T)/host/test_pmem: tests/kernel/host/test_pmem.c kernel/mm/pmem.c $(KTEST_SHIM)
$(KTEST_T)/host/test_params: tests/kernel/host/test_params.c kernel/init/params.c $(KTEST_SHIM)
$(KTEST_T)/host/test_kfmt: tests/kernel/host/test_kfmt.c $(KTEST_SHIM)
# aspace and sched: the machine layer and the engine are simulated in the test.
$(KTEST_T)/host/aspace_test: tests/kernel/host/aspace_test.c kernel/mm/aspace.c
$(KTEST_T)/host/sched_test: tests/kernel/host/sched_test.c kernel/task/sched.c

KTEST_HOST_PROGS := $(addprefix $(KTEST_T)/host/,test_buddy test_kmem test_pmem test_params test_kfmt \
                      aspace_test sched_test)
$(KTEST_HOST_PROGS):
	$(call cc_prog,$(CC) $(KTEST_HOST_CFLAGS),$^,$(filter %.o,$^))

# ---- ktap/, all in one boot of the ISO make run boots.
# tools/runtests.sh runs programs without arguments: small generated
# wrappers carry the ISO path and the selection.  Rewritten only when
# their text changes (KTEST_FAIL flips the selection).
# Non-default values, so the tests see parameters flow from the command
# line to the subsystems (the boot self-check covers the defaults).
KTEST_PARAMS := kmem_size=48M init_stack_size=64K
comma := ,
KTEST_SELECTION := all$(if $(filter 1,$(KTEST_FAIL)),$(comma)fail)
$(KTEST_T)/ktest-all: FORCE
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nexec tests/kernel/ktest.sh %s %s 120 "%s"\n' '$(KERNEL_ISO)' '$(KTEST_SELECTION)' '$(KTEST_PARAMS)' >$@.tmp
	@chmod +x $@.tmp && { cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@; }
$(KTEST_T)/harness-test: FORCE
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nexec tests/kernel/harness_test.sh %s\n' '$(KERNEL_ISO)' >$@.tmp
	@chmod +x $@.tmp && { cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@; }

# ---- user/ and the kernel-core ktap suites that need extensions, in QEMU.
# One ISO carries the kernel, the user test program as the PCT and the
# test extensions as GRUB modules; tests/kernel/qemu.sh boots it per suite.
KTEST_EXTS := $(patsubst %.ext,$(B)/%.nx,$(wildcard tests/kernel/ext/*.ext)) \
              $(B)/ext-examples/prio_sched.nx
KTEST_ISO  := $(B)/kernel-test.iso

$(KTEST_T)/user/utest: tests/kernel/user/utest.c $(ULIB) $(USER_CRT0)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(ULIB)

$(KTEST_ISO): $(KERNEL_ELF) $(KTEST_T)/user/utest $(KTEST_EXTS) | deps
	$(call pct_iso,$(B)/kernel-test-iso,kernel tests,$(KTEST_T)/user/utest,$(KTEST_EXTS))

$(KTEST_T)/ktest-smp4 $(KTEST_T)/utest-smp4: tests/kernel/qemu.sh $(KTEST_ISO)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec tests/kernel/qemu.sh %s %s\n' $(KTEST_ISO) $(notdir $@) > $@
	chmod +x $@

# ---- hostile/: user/hostile.c as the PCT, the hostile extensions as its
# modules, on two nodes with a NIC each (tests/kernel/hostile.sh).
HOSTILE_EXTS := $(patsubst %.ext,$(B)/%.nx,$(wildcard tests/kernel/hostile/*.ext))
HOSTILE_ISO  := $(B)/hostile.iso

$(KTEST_T)/user/hostile: tests/kernel/user/hostile.c $(ULIB) $(USER_CRT0)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(ULIB)

$(HOSTILE_ISO): $(KERNEL_ELF) $(KTEST_T)/user/hostile $(HOSTILE_EXTS) | deps
	$(call pct_iso,$(B)/hostile-iso,hostile extensions,$(KTEST_T)/user/hostile,$(HOSTILE_EXTS))

$(KTEST_T)/hostile-2n: tests/kernel/hostile.sh $(HOSTILE_ISO)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec tests/kernel/hostile.sh %s %s\n' $(HOSTILE_ISO) $(KTEST_T)/hostile-logs > $@
	chmod +x $@

# What make run boots: the demo PCT frees its application (run_test.sh);
# again with the PCT's memory above 4 GiB.
$(KTEST_T)/run-demo $(KTEST_T)/run-demo-high: tests/kernel/run_test.sh $(KERNEL_ISO)
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec tests/kernel/run_test.sh %s %s\n' $(KERNEL_ISO) \
		$(if $(filter %-high,$@),high) > $@
	chmod +x $@

KTEST_PROGS := $(KTEST_HOST_PROGS) $(KTEST_T)/ktest-all $(KTEST_T)/harness-test \
               $(KTEST_T)/ktest-smp4 $(KTEST_T)/utest-smp4 $(KTEST_T)/run-demo $(KTEST_T)/run-demo-high \
               $(KTEST_T)/hostile-2n
TESTS     += $(KTEST_PROGS)
TEST_DEPS += $(KTEST_PROGS) $(KERNEL_ISO)

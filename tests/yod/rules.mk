# tests/yod: tools/yod as a user runs it (tests/yod/yod_test.sh): the demo
# on one node, the allreduce on four, a faulting application, a broken
# extension, the image cache, --help.  docs/jobs.md.
YOD_T     := $(B)/tests/yod
YOD_CRASH := $(YOD_T)/crash
YOD_WHERE := $(YOD_T)/where
YOD_NOISE := $(YOD_T)/noise

$(YOD_T)/%: tests/yod/%.c $(ULIB) $(USER_CRT0)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(ULIB)

$(YOD_T)/yod: tests/yod/yod_test.sh tests/yod/rules.mk
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec tests/yod/yod_test.sh %s %s %s %s %s\n' $(abspath $(B)) $(abspath $(YOD_CRASH)) \
		$(abspath $(LINUX_T)) $(abspath $(YOD_WHERE)) $(abspath $(YOD_NOISE)) > $@
	chmod +x $@

TEST_DEPS += $(YOD_T)/yod $(YOD_CRASH) $(YOD_WHERE) $(YOD_NOISE) $(KERNEL_ELF) $(PCT) $(DEMO_APP) $(NET_APP) $(EXTC) \
             $(LINUX_T)/hello-glibc $(LINUX_T)/hello-musl $(LINUX_T)/execas $(LINUX_T)/pthreads-glibc \
             $(LINUX_T)/pthreads-musl
TESTS     += $(YOD_T)/yod

# docs/jobs.md followed verbatim.
$(YOD_T)/jobs-doc: tests/yod/jobs_doc.sh tests/yod/rules.mk
	@mkdir -p $(@D)
	printf '#!/bin/sh\nexec tests/yod/jobs_doc.sh %s\n' $(abspath $(B)) > $@
	chmod +x $@

TEST_DEPS += $(YOD_T)/jobs-doc $(B)/nxrun $(ULIB) $(USER_CRT0)
TESTS     += $(YOD_T)/jobs-doc

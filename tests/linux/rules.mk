# tests/linux: unmodified static Linux binaries on a node.  A glibc and a
# musl hello world built here from tests/linux/hello.c, and applets of
# Debian's busybox-static, run by tests/linux/runner.c (the PCT of this
# ISO) one after the other with the argv and envp of tests/linux/cases;
# run.sh compares what each prints and its exit status with the host's.
LINUX_T   := $(B)/tests/linux
LINUX_ISO := $(B)/linux-test.iso

$(LINUX_T)/hello-glibc: tests/linux/hello.c
	@mkdir -p $(@D)
	$(CC) -static -O2 $(DEPFLAGS) -o $@ $<
$(LINUX_T)/nosys: tests/linux/nosys.c
	@mkdir -p $(@D)
	$(CC) -static -O2 $(DEPFLAGS) -o $@ $<
$(LINUX_T)/abort: tests/linux/abort.c
	@mkdir -p $(@D)
	$(CC) -static -O2 $(DEPFLAGS) -o $@ $<
$(LINUX_T)/pthreads-glibc: tests/linux/pthreads.c
	@mkdir -p $(@D)
	$(CC) -static -O2 $(DEPFLAGS) -pthread -o $@ $<
# gcc whatever CC is: clang's -fopenmp needs libomp, which Debian's clang
# lacks (libgomp warns that static programs cannot dlopen; harmless).
$(LINUX_T)/openmp: tests/linux/openmp.c
	@mkdir -p $(@D)
	gcc -static -O2 $(DEPFLAGS) -fopenmp -o $@ $< 2>$@.log || { cat $@.log; exit 1; }
$(LINUX_T)/pthreads-musl: tests/linux/pthreads.c | deps-test
	@mkdir -p $(@D)
	musl-gcc -static -O2 $(DEPFLAGS) -pthread -o $@ $<
$(LINUX_T)/hello-musl: tests/linux/hello.c | deps-test
	@mkdir -p $(@D)
	musl-gcc -static -O2 $(DEPFLAGS) -o $@ $<
$(LINUX_T)/execas: tests/linux/execas.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -o $@ $<
$(LINUX_T)/runner: tests/linux/runner.c $(ULIB) $(USER_CRT0)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(ULIB)

$(LINUX_ISO): tests/linux/run.sh tests/linux/cases $(KERNEL_ELF) $(LINUX_T)/runner \
		$(LINUX_T)/hello-glibc $(LINUX_T)/hello-musl $(LINUX_T)/nosys $(LINUX_T)/abort \
		$(LINUX_T)/pthreads-glibc $(LINUX_T)/pthreads-musl $(LINUX_T)/openmp | deps-test
	tests/linux/run.sh iso $@ $(KERNEL_ELF) $(LINUX_T)/runner $(LINUX_T) tests/linux/cases

$(LINUX_T)/linux-binaries: tests/linux/run.sh $(LINUX_ISO) $(LINUX_T)/execas
	printf '#!/bin/sh\nexec tests/linux/run.sh test %s %s tests/linux/cases\n' \
		$(LINUX_ISO) $(LINUX_T) > $@
	chmod +x $@
TESTS     += $(LINUX_T)/linux-binaries
TEST_DEPS += $(LINUX_T)/linux-binaries

# pct/: the process control thread, and what `make run` boots: the kernel
# with the PCT, the demo application (user/demo) and the example
# extensions as GRUB modules.
PCT := $(B)/pct/pct

$(PCT): pct/pct.c include/uapi/pct_abi.h $(ULIB) $(USER_CRT0) $(USER_HDRS)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) pct/pct.c $(ULIB)

KERNEL_MODULES += $(PCT) $(DEMO_APP) $(B)/ext-examples/prio_sched.nx
$(KERNEL_ISO): $(PCT) $(DEMO_APP) $(B)/ext-examples/prio_sched.nx
ALL += $(PCT)

# pct/: the process control thread, and what `make run` boots: the kernel
# with the PCT, the demo application (user/demo) and the example
# extensions as GRUB modules.
PCT := $(B)/pct/pct

$(PCT): pct/pct.c $(ULIB) $(USER_CRT0)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(DEPFLAGS) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(ULIB)

KERNEL_MODULES += $(PCT) $(DEMO_APP) $(B)/ext-examples/prio_sched.nx
$(KERNEL_ISO): $(PCT) $(DEMO_APP) $(B)/ext-examples/prio_sched.nx
ALL += $(PCT)

# The kernel: every .c and .S under kernel/ and the in-kernel tests of
# tests/kernel/ktap (KTAP, run by ktest=...) are compiled with
# KERNEL_CFLAGS and linked into $(B)/kernel.elf with the shared lib/
# (LIB_KOBJS, lib/lib.mk) and the engine's objects; the ISO boots it
# through GRUB (multiboot2) with the GRUB modules in KERNEL_MODULES.
#
#   make                 builds $(B)/nimble.iso
#   make run             boots it (tools/node.sh; NODE_ARGS='-s 2 -a "x=y"')
#   make debug           boots it paused, waiting for gdb
#   KERNEL_CMDLINE=...   boot parameters baked into grub.cfg; parameters
#                        for one run go through node.sh -a (fw_cfg) instead

KTAP_SRCS      := $(sort $(wildcard tests/kernel/ktap/*.c))
KERNEL_SRCS    := $(sort $(shell find kernel -name '*.c' -o -name '*.S')) $(KTAP_SRCS)
KERNEL_OBJS    := $(patsubst %,$(B)/%.o,$(basename $(KERNEL_SRCS))) $(LIB_KOBJS)
KERNEL_LDS     := kernel/arch/x86_64/kernel.ld
KERNEL_ELF     := $(B)/kernel.elf
KERNEL_ISO     := $(B)/nimble.iso
KERNEL_CMDLINE ?=
KERNEL_MODULES ?=
NODE_ARGS      ?=
GDB_PORT       ?= 1234

ALL += $(KERNEL_ISO)

$(B)/kernel/%.o: kernel/%.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/kernel/%.o: kernel/%.S
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/tests/kernel/ktap/%.o: tests/kernel/ktap/%.c
	@mkdir -p $(@D)
	$(CC) $(KERNEL_CFLAGS) $(DEPFLAGS) -c $< -o $@

# The engine's kernel objects go in as an archive: the linker takes the
# members the kernel calls (and what those need), so the kernel links
# before and while its Nimble glue (nx_host_*, nx_helper_impl) is written.
$(B)/kernel/libnimble-k.a: $(NIMBLE_KOBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(KERNEL_ELF): $(KERNEL_OBJS) $(B)/kernel/libnimble-k.a $(KERNEL_LDS)
	$(LD) -nostdlib -z max-page-size=0x1000 -z noexecstack -T $(KERNEL_LDS) \
		-o $@ $(KERNEL_OBJS) $(B)/kernel/libnimble-k.a

# grub.cfg is rewritten only when its text changes (command line, modules),
# so the ISO is rebuilt exactly when something in it changed.
$(B)/iso/boot/grub/grub.cfg: FORCE
	@mkdir -p $(@D)
	@{ printf 'set timeout=0\nset default=0\nmenuentry "Nimble LWK" {\n'; \
	   printf '\tmultiboot2 /boot/kernel.elf %s\n' '$(KERNEL_CMDLINE)'; \
	   for m in $(KERNEL_MODULES); do \
	     printf '\tmodule2 /boot/modules/%s %s\n' "$$(basename $$m)" "$$(basename $$m)"; done; \
	   printf '\tboot\n}\n'; } > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

$(KERNEL_ISO): $(KERNEL_ELF) $(B)/iso/boot/grub/grub.cfg $(KERNEL_MODULES) | deps
	@mkdir -p $(B)/iso/boot/modules
	cp $(KERNEL_ELF) $(B)/iso/boot/kernel.elf
	rm -f $(B)/iso/boot/modules/*
	$(if $(KERNEL_MODULES),cp $(KERNEL_MODULES) $(B)/iso/boot/modules/)
	grub-mkrescue -o $@ $(B)/iso >$(B)/grub-mkrescue.log 2>&1 || \
		{ cat $(B)/grub-mkrescue.log; exit 1; }

run: deps-run $(KERNEL_ISO)
	tools/node.sh -i $(KERNEL_ISO) $(NODE_ARGS)

debug: deps-run $(KERNEL_ISO)
	tools/node.sh -i $(KERNEL_ISO) -g $(GDB_PORT) -e $(KERNEL_ELF) $(NODE_ARGS)

.PHONY: FORCE
FORCE:

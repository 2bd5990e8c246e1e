# Host test programs include tests/include/tap.h (TAP); the programs linked
# against user/lib include user/include/utap.h.
TEST_CFLAGS     := $(HOST_CFLAGS) -Itests/include
TEST_SAN_CFLAGS := $(SAN_CFLAGS) -Itests/include

# $(call pct_iso,TREE,TITLE,PCT,MODULES), the recipe of an ISO ($@) that
# boots the kernel with PCT as the module "pct" and MODULES beside it,
# built in the directory TREE (tests/kernel, tests/net, tests/coll and
# make kbench use it).
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

# tests/: each part keeps its test rules in tests/<part>/rules.mk.
include $(sort $(wildcard tests/*/rules.mk))

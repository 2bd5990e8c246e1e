/*
 * What the boot loader told us, copied out of the multiboot2 structure
 * before any memory is reused (kernel/arch/x86_64/multiboot.c), plus the
 * command line QEMU passed through fw_cfg.  Read-only after boot.
 */
#ifndef LWK_BOOTINFO_H
#define LWK_BOOTINFO_H

#include <stdint.h>

#define BOOT_CMDLINE_MAX  1024
#define BOOT_MAX_MMAP     64
#define BOOT_MAX_MODULES  32
#define BOOT_MODNAME_MAX  64
#define BOOT_MODARGS_MAX  512

struct boot_mmap {
	uint64_t start, end;      /* [start, end) as the firmware gave it */
	uint32_t type;            /* MB2_MEM_*                            */
};

struct boot_module {
	uint64_t start, end;      /* physical [start, end)                */
	/* GRUB's module command line "NAME ARGS...": its first word, and
	 * the rest after the spaces that follow it (the PCT's arguments for
	 * an application: docs/syscalls.md, module_args) */
	char name[BOOT_MODNAME_MAX];
	char args[BOOT_MODARGS_MAX];
};

struct bootinfo {
	char cmdline[BOOT_CMDLINE_MAX];   /* loader's line, then fw_cfg's  */
	unsigned nmmap, nmodules;
	struct boot_mmap mmap[BOOT_MAX_MMAP];
	struct boot_module module[BOOT_MAX_MODULES];
	unsigned dropped;                 /* entries that did not fit      */
	uint8_t rsdp[36];                 /* the ACPI RSDP GRUB copied     */
	unsigned rsdp_len;                /* 0: none passed                */
};

extern struct bootinfo bootinfo;

/* Copy the multiboot2 information at physical info_pa; panics on a bad magic. */
void multiboot_parse(uint32_t magic, uint64_t info_pa);
/*
 * Append the fw_cfg file "opt/nimble/cmdline" (QEMU -fw_cfg, used by
 * tools/node.sh -a) to bootinfo.cmdline, so one ISO boots with any
 * parameters.  Absent file or no fw_cfg device: nothing happens.
 */
void fwcfg_append_cmdline(void);

#endif /* LWK_BOOTINFO_H */

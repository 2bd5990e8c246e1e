/*
 * Copy what GRUB passed (multiboot2 boot information) into bootinfo.
 * The structure sits in memory the kernel will reuse, so this runs
 * first and keeps only copies: the command line, the memory map and the
 * modules.  The structure is read through the direct map, bounded by its
 * total_size: a malformed tag ends the walk with a message instead of
 * reading past it.
 */
#include <arch/multiboot2.h>
#include <arch/page.h>
#include <lwk/bootinfo.h>
#include <lwk/panic.h>
#include <lwk/printk.h>
#include <lwk/string.h>

struct bootinfo bootinfo;

static void mb2_mmap(const struct mb2_tag_mmap *t)
{
	const uint8_t *p = (const uint8_t *)(t + 1), *end = (const uint8_t *)t + t->size;

	if (t->entry_size < sizeof(struct mb2_mmap_entry)) {
		printk("boot: multiboot2 memory map entry size %u too small, map ignored\n",
		       t->entry_size);
		return;
	}
	for (; p + t->entry_size <= end; p += t->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;
		if (e->len == 0)
			continue;
		if (bootinfo.nmmap == BOOT_MAX_MMAP) {
			bootinfo.dropped++;
			continue;
		}
		bootinfo.mmap[bootinfo.nmmap++] = (struct boot_mmap){
			e->addr, e->addr + e->len, e->type };
	}
}

static void mb2_module(const struct mb2_tag_module *t)
{
	struct boot_module *m;

	if (bootinfo.nmodules == BOOT_MAX_MODULES) {
		bootinfo.dropped++;
		return;
	}
	m = &bootinfo.module[bootinfo.nmodules++];
	m->start = t->mod_start;
	m->end = t->mod_end;
	size_t n = 0;
	while (t->string[n] && t->string[n] != ' ')
		n++;
	strlcpy(m->name, t->string, n + 1 < sizeof(m->name) ? n + 1 : sizeof(m->name));
	const char *rest = t->string + n;
	while (*rest == ' ')
		rest++;
	if (strlcpy(m->args, rest, sizeof(m->args)) >= sizeof(m->args))
		printk("boot: module %s: arguments longer than %u bytes cut\n", m->name,
		       (unsigned)sizeof(m->args) - 1);
}

/* The RSDP copy that follows the tag header; the newest one wins (GRUB
 * gives the 2.0 copy after the 1.0 one when both exist). */
static void mb2_rsdp(const struct mb2_tag *t)
{
	uint32_t n = t->size - sizeof *t;
	if (n > sizeof bootinfo.rsdp)
		n = sizeof bootinfo.rsdp;
	memcpy(bootinfo.rsdp, t + 1, n);
	bootinfo.rsdp_len = n;
}

void multiboot_parse(uint32_t magic, uint64_t info_pa)
{
	const struct mb2_info *info = phys_to_virt(info_pa);
	const uint8_t *p, *end;

	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("boot: bad multiboot2 magic %#x (expected %#x)", magic, MB2_BOOTLOADER_MAGIC);
	p = (const uint8_t *)(info + 1);
	end = (const uint8_t *)info + info->total_size;
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *t = (const void *)p;
		if (t->type == MB2_TAG_END)
			break;
		if (t->size < sizeof(*t) || p + t->size > end) {
			printk("boot: malformed multiboot2 tag (type %u, size %u) at offset %lu\n",
			       t->type, t->size, (unsigned long)(p - (const uint8_t *)info));
			break;
		}
		if (t->type == MB2_TAG_CMDLINE)
			strlcpy(bootinfo.cmdline, ((const struct mb2_tag_string *)t)->string,
				sizeof(bootinfo.cmdline));
		else if (t->type == MB2_TAG_MMAP)
			mb2_mmap((const void *)t);
		else if (t->type == MB2_TAG_MODULE)
			mb2_module((const void *)t);
		else if (t->type == MB2_TAG_ACPI_OLD || t->type == MB2_TAG_ACPI_NEW)
			mb2_rsdp(t);
		p += (t->size + 7) & ~7u;
	}
	if (bootinfo.dropped)
		printk("boot: %u memory-map or module entries did not fit and were dropped\n",
		       bootinfo.dropped);
}

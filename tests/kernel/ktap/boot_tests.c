/*
 * The boot path as the node saw it: the command line (GRUB's plus
 * fw_cfg's) reached the parameters and the parameters reached memory;
 * the image symbols are ordered; the identity map is gone.
 */
#include <stdint.h>
#include <arch/page.h>
#include <lwk/bootinfo.h>
#include <lwk/kmem.h>
#include <lwk/ktest.h>
#include <lwk/mem.h>
#include <lwk/params.h>
#include <lwk/string.h>

/* The value of the last "name=" word on the command line, copied to buf, or NULL. */
static const char *cmdline_value(const char *name, char *buf, size_t size)
{
	const char *p = bootinfo.cmdline, *found = NULL;
	size_t n = strlen(name), len;

	for (; *p; p++)
		if ((p == bootinfo.cmdline || p[-1] == ' ') && strncmp(p, name, n) == 0 && p[n] == '=')
			found = p + n + 1;
	if (!found)
		return NULL;
	for (len = 0; found[len] && found[len] != ' ' && len + 1 < size; len++)
		buf[len] = found[len];
	buf[len] = 0;
	return buf;
}

KTEST(boot, command_line_reaches_memory)
{
	char val[32];
	uint64_t want = 64ull << 20;
	struct kmem_stats st;

	if (cmdline_value("kmem_size", val, sizeof(val)))
		KT_ASSERT(param_parse_size(val, &want) == NULL);
	KT_EQ(kmem_size, want);
	kmem_get_stats(&st);
	KT_EQ(st.size, want);
	KT_EQ(kmem_pool_end - kmem_pool_start, want);
}

KTEST(boot, init_task_sizes)
{
	char val[32];
	uint64_t heap = 16ull << 20, stack = 256ull << 10;

	if (cmdline_value("init_heap_size", val, sizeof(val)))
		KT_ASSERT(param_parse_size(val, &heap) == NULL);
	if (cmdline_value("init_stack_size", val, sizeof(val)))
		KT_ASSERT(param_parse_size(val, &stack) == NULL);
	KT_EQ(init_heap_size, heap);
	KT_EQ(init_stack_size, stack);
}

KTEST(boot, image_layout)
{
	uint64_t order[] = {
		(uint64_t)_kernel_start, (uint64_t)_text, (uint64_t)_etext, (uint64_t)_rodata,
		(uint64_t)_erodata, (uint64_t)_data, (uint64_t)_edata, (uint64_t)_bss,
		(uint64_t)_ebss, (uint64_t)_kernel_end,
	};

	for (unsigned i = 1; i < sizeof(order) / sizeof(order[0]); i++)
		KT_EXPECT(order[i - 1] <= order[i]);
	KT_EXPECT(order[1] < order[2]);           /* some text */
	KT_EQ(virt_to_phys(_kernel_start), 0x100000);
	KT_EQ(order[1] % PAGE_SIZE, 0);
}

KTEST(boot, identity_map_removed)
{
	KT_EQ(boot_pml4[0], 0);
	KT_EXPECT(boot_pml4[256] & 1);     /* the direct map */
	KT_EXPECT(boot_pml4[511] & 1);     /* the kernel image */
}

/*
 * kmain: the boot CPU's path from boot.S to a running node.  Each step
 * may use only what the steps above it set up; add new subsystems as one
 * line in the right place of this list, and say what they need.
 */
#include <stdint.h>
#include <arch/console.h>
#include <arch/cpu.h>
#include <arch/page.h>
#include <arch/trap.h>
#include <lwk/bootinfo.h>
#include <lwk/kcore.h>
#include <lwk/kmem.h>
#include <lwk/ktest.h>
#include <lwk/mem.h>
#include <lwk/panic.h>
#include <lwk/params.h>
#include <lwk/printk.h>
#include <lwk/net.h>

/* The init task's sizes (Kitten's names); the PCT loader reads them. */
uint64_t init_heap_size = 16ull << 20;
uint64_t init_stack_size = 256ull << 10;
BOOT_PARAM_SIZE(init_heap_size, init_heap_size, 0, 1ull << 40);
BOOT_PARAM_SIZE(init_stack_size, init_stack_size, 4096, 1ull << 30);

static void print_image(void)
{
	printk("kernel image: text %lu bytes, data %lu bytes (rodata %lu + data %lu), "
	       "bss %lu bytes; physical [%#lx, %#lx)\n",
	       (unsigned long)(_etext - _text),
	       (unsigned long)((_erodata - _rodata) + (_edata - _data)),
	       (unsigned long)(_erodata - _rodata), (unsigned long)(_edata - _data),
	       (unsigned long)(_ebss - _bss),
	       (unsigned long)virt_to_phys(_kernel_start), (unsigned long)virt_to_phys(_kernel_end));
}

static void print_kmem(const char *when)
{
	struct kmem_stats st;

	kmem_get_stats(&st);
	printk("kmem %s: pool %llu KiB at phys %#llx, %llu KiB in use "
	       "(%llu KiB allocator bitmap), %llu KiB free\n", when,
	       (unsigned long long)(st.size >> 10), (unsigned long long)kmem_pool_start,
	       (unsigned long long)(st.in_use >> 10), (unsigned long long)(st.meta >> 10),
	       (unsigned long long)(st.free >> 10));
}

void kmain(uint32_t magic, uint64_t info_pa)
{
	serial_init();                 /* printk works from here on          */
	printk("\nNimble LWK booting\n");
	trap_init();                   /* faults now dump registers and panic */
	multiboot_parse(magic, info_pa);   /* copy boot info before reusing memory */
	fwcfg_append_cmdline();
	boot_unmap_identity();         /* only the high halves are mapped now */
	printk("command line: %s\n", bootinfo.cmdline);
	params_parse(bootinfo.cmdline);
	params_print();
	print_image();
	mem_init();                    /* pmem map, kmem pool: kmem_alloc works */

	/* Subsystems start here, each on one line. */
	kcore_init();                  /* CPUs, APIC timer, tasks, syscalls   */
	net_init();                    /* NIC and message layer (needs kmem)  */

	print_kmem("after boot");
	ktest_boot();                  /* ktest=...: run tests, power off */
	if (ktest_selfcheck("smoke") != 0)
		panic("boot self-check failed");
	if (bootinfo.nmodules)         /* the PCT runs the node until it ends */
		arch_poweroff(kcore_run_pct() == 0 ? NODE_EXIT_PASS : NODE_EXIT_FAIL);
	printk("node: no PCT module, nothing else to run: powering off\n");
	arch_poweroff(NODE_EXIT_PASS);
}

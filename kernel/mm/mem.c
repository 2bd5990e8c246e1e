/*
 * Building the physical memory map at boot (docs/memory.md).  Order
 * matters: first every firmware range becomes a region (usable RAM as
 * UMEM, the rest BOOTMEM), then the ranges the boot already uses are
 * carved out of it by pmem_update: low memory, the kernel image, the
 * modules.  Only then is the kmem pool allocated, so it can never land
 * on any of them.  Whatever is left is UMEM for the PCT.
 */
#include <arch/multiboot2.h>
#include <arch/page.h>
#include <lwk/bootinfo.h>
#include <lwk/errno.h>
#include <lwk/kmem.h>
#include <lwk/mem.h>
#include <lwk/panic.h>
#include <lwk/params.h>
#include <lwk/pmem.h>
#include <lwk/printk.h>

#define LOW_MEMORY_END  0x100000ull     /* BIOS, VGA, trampolines */
#define KMEM_ALIGN      ((uint64_t)1 << KMEM_MAX_ORDER)

uint64_t kmem_size = 64ull << 20;
BOOT_PARAM_SIZE(kmem_size, kmem_size, 4ull << 20, 2ull << 30);

uint64_t kmem_pool_start, kmem_pool_end;

static const char *mmap_type_name(uint32_t type)
{
	switch (type) {
	case MB2_MEM_RESERVED: return "reserved";
	case MB2_MEM_ACPI:     return "ACPI";
	case MB2_MEM_NVS:      return "ACPI NVS";
	case MB2_MEM_BAD:      return "bad RAM";
	}
	return "firmware";
}

/* Add one firmware range, usable RAM shrunk and the rest grown to pages. */
static void mem_add_firmware(const struct boot_mmap *m)
{
	struct pmem_region r;
	int err;

	pmem_region_init(&r);
	r.type_is_set = true;
	if (m->type == MB2_MEM_AVAILABLE) {
		r.start = ALIGN_UP(m->start, PMEM_PAGE_SIZE);
		r.end = ALIGN_DOWN(m->end, PMEM_PAGE_SIZE);
		r.type = PMEM_TYPE_UMEM;
	} else {
		r.start = ALIGN_DOWN(m->start, PMEM_PAGE_SIZE);
		r.end = ALIGN_UP(m->end, PMEM_PAGE_SIZE);
		r.type = PMEM_TYPE_BOOTMEM;
		r.allocated_is_set = r.allocated = true;
		pmem_region_set_name(&r, mmap_type_name(m->type));
	}
	if (r.start >= r.end)
		return;
	err = pmem_add(&r);
	if (err)
		printk("mem: firmware range [%#llx, %#llx) type %u not added (error %d: %s)\n",
		       (unsigned long long)m->start, (unsigned long long)m->end, m->type, err,
		       err == -LWK_EEXIST ? "overlaps another" : "bad range");
}

/* Mark [start, end) (grown to pages) as type/name, allocated. */
static void mem_claim(uint64_t start, uint64_t end, pmem_type_t type, const char *name)
{
	struct pmem_region r;
	int err;

	pmem_region_init(&r);
	r.start = ALIGN_DOWN(start, PMEM_PAGE_SIZE);
	r.end = ALIGN_UP(end, PMEM_PAGE_SIZE);
	r.type_is_set = true;
	r.type = type;
	r.allocated_is_set = r.allocated = true;
	pmem_region_set_name(&r, name);
	err = pmem_update(&r);
	if (err)
		panic("mem: cannot claim [%#llx, %#llx) for %s: error %d (not in the memory map?)",
		      (unsigned long long)start, (unsigned long long)end, name, err);
}

/*
 * Low memory holds the real-mode IVT, BIOS data and the AP trampoline's
 * future home; the firmware map has holes there (VGA), so only the UMEM
 * pieces are retyped, one query at a time.
 */
static void mem_claim_low(void)
{
	struct pmem_region q, r;

	pmem_region_init(&q);
	q.start = 0;
	q.end = LOW_MEMORY_END;
	q.type_is_set = true;
	q.type = PMEM_TYPE_UMEM;
	while (pmem_query(&q, &r) == 0)
		mem_claim(r.start, r.end, PMEM_TYPE_BOOTMEM, "low memory");
}

static void mem_kmem_pool(void)
{
	struct pmem_region c, got;
	int err;

	pmem_region_init(&c);
	c.type_is_set = true;
	c.type = PMEM_TYPE_UMEM;
	c.start = 0;
	c.end = DIRECT_SIZE;          /* kmem is reached through the direct map */
	err = pmem_alloc(kmem_size, KMEM_ALIGN, &c, &got);
	if (err)
		panic("mem: no room for kmem_size=%llu MiB (%llu-aligned, below 4 GiB): error %d",
		      (unsigned long long)(kmem_size >> 20), (unsigned long long)KMEM_ALIGN, err);
	mem_claim(got.start, got.end, PMEM_TYPE_KMEM, "kmem pool");
	kmem_pool_start = got.start;
	kmem_pool_end = got.end;
	err = kmem_init(phys_to_virt(got.start), kmem_size);
	if (err)
		panic("mem: kmem_init failed: error %d", err);
}

void mem_init(void)
{
	unsigned i;

	if (bootinfo.nmmap == 0)
		panic("mem: the boot loader gave no memory map");
	for (i = 0; i < bootinfo.nmmap; i++)
		mem_add_firmware(&bootinfo.mmap[i]);
	mem_claim_low();
	mem_claim(virt_to_phys(_kernel_start), virt_to_phys(_kernel_end), PMEM_TYPE_KMEM,
		  "kernel image");
	for (i = 0; i < bootinfo.nmodules; i++)
		mem_claim(bootinfo.module[i].start, bootinfo.module[i].end, PMEM_TYPE_MODULE,
			  bootinfo.module[i].name);
	mem_kmem_pool();
	pmem_print(printk);
}

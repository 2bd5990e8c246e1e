/*
 * Physical memory regions (Kitten, seed 002): every byte of physical
 * memory the node knows about belongs to exactly one region, and regions
 * never overlap.  A region carries a type, a NUMA node, an allocated flag
 * and a name; each field has an *_is_set flag so that one structure serves
 * as a region, an update ("set these fields on this range") and a query
 * ("a range whose set fields match").
 *
 * Shared with user space: the PCT manages UMEM through the pmem syscalls
 * with these same structures.  The kernel's implementation is
 * kernel/mm/pmem.c; docs/memory.md describes the rules.
 */
#ifndef LWK_PMEM_H
#define LWK_PMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;
typedef uint32_t numa_node_t;

/* Values 1-3 are include/uapi/lwk.h's LWK_PMEM_KMEM/UMEM/MODULE. */
typedef enum pmem_type {
	PMEM_TYPE_KMEM    = 1,  /* kernel memory: image, kmem pool, never user's */
	PMEM_TYPE_UMEM    = 2,  /* user memory, handed out by the PCT            */
	PMEM_TYPE_MODULE  = 3,  /* a GRUB module (the seed's INITRD/INIT_TASK)   */
	PMEM_TYPE_BOOTMEM = 4,  /* firmware, ACPI, low memory: not RAM to use    */
} pmem_type_t;

#define PMEM_NAME_LEN   32
#define PMEM_PAGE_SIZE  4096u   /* region bounds are multiples of this */
#define PMEM_MAX_REGIONS 128    /* static: the table never grows       */

struct pmem_region {
	paddr_t     start;              /* region occupies [start, end) */
	paddr_t     end;

	bool        type_is_set;
	pmem_type_t type;

	bool        numa_node_is_set;
	numa_node_t numa_node;

	bool        allocated_is_set;
	bool        allocated;

	bool        name_is_set;
	char        name[PMEM_NAME_LEN];
};

/*
 * All return 0 or a negative LWK_E* (include/lwk/errno.h):
 *   pmem_add     -LWK_EINVAL bad bounds, -LWK_EEXIST overlaps a region,
 *                -LWK_ENOSPC table full
 *   pmem_update  -LWK_EINVAL bad bounds, -LWK_ENOENT range not fully covered
 *   pmem_query   -LWK_EINVAL bad bounds, -LWK_ENOENT nothing matches;
 *                result = the first matching region clipped to the query
 *   pmem_alloc   -LWK_EINVAL size/alignment not page multiples (alignment
 *                a power of two), -LWK_ENOMEM no free matching range
 */
int pmem_add(const struct pmem_region *rgn);
int pmem_update(const struct pmem_region *update);
int pmem_query(const struct pmem_region *query, struct pmem_region *result);
int pmem_alloc(size_t size, size_t alignment, const struct pmem_region *constraint,
	       struct pmem_region *result);

/* Free UMEM anywhere, the PCT's usual request. */
int pmem_alloc_umem(size_t size, size_t alignment, struct pmem_region *result);
/* Mark [start, end) free again (it must be allocated memory). */
int pmem_free(paddr_t start, paddr_t end);

void pmem_region_init(struct pmem_region *rgn);   /* all fields unset */
void pmem_region_set_name(struct pmem_region *rgn, const char *name);
const char *pmem_type_name(pmem_type_t type);
/* Print the map as seed 002 does, through a printf-like function. */
void pmem_print(int (*print)(const char *fmt, ...));
/* Bytes of the given type (allocated or not), for the boot log. */
uint64_t pmem_total(pmem_type_t type);
/* The i-th region in address order, for iteration; -LWK_ENOENT past the end. */
int pmem_get(unsigned i, struct pmem_region *out);
void pmem_reset(void);   /* forget every region (host tests) */

#endif /* LWK_PMEM_H */

/* Physical memory at boot (kernel/mm/mem.c). */
#ifndef LWK_MEM_H
#define LWK_MEM_H

#include <stdint.h>

/*
 * Turn the boot memory map, the kernel image and the modules into pmem
 * regions, take the kmem pool (kmem_size bytes, below the direct map's
 * end) out of UMEM, start kmem on it, and print the map.  Panics when
 * the pool does not fit: nothing can run without it.
 */
void mem_init(void);

/* The kmem pool's physical range, after mem_init. */
extern uint64_t kmem_pool_start, kmem_pool_end;

#endif /* LWK_MEM_H */

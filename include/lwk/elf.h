/*
 * Static ELF64 executables for x86-64 (lib/elf.c): the check and the
 * walk over PT_LOAD segments that both loaders share, the kernel's for
 * the PCT (kernel/task/pct.c) and user space's elf_spawn
 * (user/lib/elfload.c).  Only the image is read, never written; what a
 * segment needs (memory, mapping) is the loader's business.
 */
#ifndef LWK_ELF_H
#define LWK_ELF_H

#include <stddef.h>
#include <stdint.h>

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/* A checked image: its bytes and its header. */
struct elf_image {
	const uint8_t *img;
	uint64_t size;
	const struct elf64_ehdr *h;
};

/* One PT_LOAD segment: [lo, hi) page-aligned covers [vaddr, vaddr+memsz);
 * its first filesz bytes come from data, the rest are zero. */
struct elf_segment {
	unsigned index;           /* its program header's number */
	uint64_t lo, hi, vaddr;
	const uint8_t *data;
	uint64_t filesz;
	uint32_t vm_flags;        /* LWK_VM_READ, plus _WRITE and _EXEC as the ELF says */
};

/* NULL if img[0..size) is an x86-64 ELF64 executable whose program
 * headers lie inside it (then *im describes it); else what is wrong. */
const char *elf_check(const void *img, uint64_t size, struct elf_image *im);

/* The next PT_LOAD segment from program header *i on, advancing *i past
 * it: 1 and *seg, 0 after the last, -1 if it is malformed (its file bytes
 * outside the image or more than its memory, or its memory empty or
 * reaching past limit; seg->index names it). */
int elf_segment_next(const struct elf_image *im, unsigned *i, uint64_t limit,
		     struct elf_segment *seg);

/* Where the program headers lie in the loaded program's memory: PT_PHDR's
 * address, else inside the PT_LOAD segment whose file bytes hold them;
 * 0 if no segment loads them (what AT_PHDR tells a C library). */
uint64_t elf_phdr_vaddr(const struct elf_image *im);

/* Auxiliary vector types (the System V x86-64 ABI, Linux's numbers): the
 * pairs after envp on a program's initial stack. */
#define AT_NULL     0
#define AT_PHDR     3
#define AT_PHENT    4
#define AT_PHNUM    5
#define AT_PAGESZ   6
#define AT_BASE     7
#define AT_FLAGS    8
#define AT_ENTRY    9
#define AT_UID     11
#define AT_EUID    12
#define AT_GID     13
#define AT_EGID    14
#define AT_PLATFORM 15
#define AT_HWCAP   16
#define AT_CLKTCK  17
#define AT_SECURE  23
#define AT_RANDOM  25
#define AT_EXECFN  31

#endif /* LWK_ELF_H */

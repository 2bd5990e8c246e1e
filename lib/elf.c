/*
 * The ELF64 check and segment walk (lwk/elf.h).  Every offset and size
 * comes from the image, so each is compared with what it indexes before
 * use, in a form that cannot overflow: a segment accepted here has its
 * file bytes inside the image and its memory, page-rounded, inside
 * [0, limit), with the file bytes fitting in the memory.
 */
#include <lwk/elf.h>
#include <lwk/string.h>
#include <uapi/lwk.h>

#define ELF_CLASS64   2
#define ELF_EXEC      2
#define ELF_X86_64    62
#define PT_LOAD       1
#define PT_PHDR       6
#define PF_X          1
#define PF_W          2
#define PAGE          0x1000ull

const char *elf_check(const void *img, uint64_t size, struct elf_image *im)
{
	const struct elf64_ehdr *h = img;

	if (size < sizeof *h || memcmp(h->ident, "\x7f" "ELF", 4) ||
	    h->ident[4] != ELF_CLASS64 || h->machine != ELF_X86_64 || h->type != ELF_EXEC)
		return "not an x86-64 ELF64 executable";
	if (h->phentsize != sizeof(struct elf64_phdr) || h->phoff > size ||
	    (uint64_t)h->phnum * sizeof(struct elf64_phdr) > size - h->phoff)
		return "program headers outside the image";
	im->img = img;
	im->size = size;
	im->h = h;
	return NULL;
}

/* Is p's memory inside [0, limit) and its file part inside the image? */
static int segment_fits(const struct elf_image *im, const struct elf64_phdr *p, uint64_t limit)
{
	if (p->filesz > p->memsz || p->offset > im->size || p->filesz > im->size - p->offset)
		return 0;
	if (p->memsz == 0 || limit < PAGE || p->vaddr > limit - PAGE)
		return 0;
	/* Page-rounding the end stays below limit (itself page-aligned or not). */
	return p->memsz <= (limit & ~(PAGE - 1)) - p->vaddr;
}

int elf_segment_next(const struct elf_image *im, unsigned *i, uint64_t limit,
		     struct elf_segment *seg)
{
	const struct elf64_phdr *ph = (const void *)(im->img + im->h->phoff);

	for (; *i < im->h->phnum; ++*i) {
		const struct elf64_phdr *p = &ph[*i];
		if (p->type != PT_LOAD)
			continue;
		seg->index = (*i)++;
		if (!segment_fits(im, p, limit))
			return -1;
		seg->vaddr = p->vaddr;
		seg->lo = p->vaddr & ~(PAGE - 1);
		seg->hi = (p->vaddr + p->memsz + PAGE - 1) & ~(PAGE - 1);
		seg->data = im->img + p->offset;
		seg->filesz = p->filesz;
		seg->vm_flags = LWK_VM_READ | (p->flags & PF_W ? LWK_VM_WRITE : 0) |
				(p->flags & PF_X ? LWK_VM_EXEC : 0);
		return 1;
	}
	return 0;
}

uint64_t elf_phdr_vaddr(const struct elf_image *im)
{
	const struct elf64_phdr *ph = (const void *)(im->img + im->h->phoff);
	uint64_t off = im->h->phoff, len = (uint64_t)im->h->phnum * sizeof *ph;

	for (unsigned i = 0; i < im->h->phnum; i++)
		if (ph[i].type == PT_PHDR)
			return ph[i].vaddr;
	for (unsigned i = 0; i < im->h->phnum; i++)
		if (ph[i].type == PT_LOAD && ph[i].offset <= off && ph[i].filesz >= len &&
		    off - ph[i].offset <= ph[i].filesz - len)
			return ph[i].vaddr + (off - ph[i].offset);
	return 0;
}

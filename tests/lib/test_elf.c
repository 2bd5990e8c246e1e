/*
 * lib/elf.c on the host: a hand-built image whose fields each test bends
 * one way, and what elf_check and elf_segment_next make of it.  Every
 * malformed field must be refused (never read past the image, never an
 * overflowing span); a good image must come back segment by segment.
 */
#include <stdint.h>
#include <string.h>
#include <lwk/elf.h>
#include <uapi/lwk.h>
#include "tap.h"

#define LIMIT (1ull << 39)

/* Header, four program headers (text, a note, data with bss, and a spare
 * the tests may turn into a PT_LOAD), then 0x100 bytes of text and 0x10
 * of data. */
struct image {
	struct elf64_ehdr h;
	struct elf64_phdr ph[4];
	uint8_t text[0x100], data[0x10];
};

static struct image im;

static void image_reset(void)
{
	memset(&im, 0, sizeof im);
	memcpy(im.h.ident, "\x7f" "ELF", 4);
	im.h.ident[4] = 2;
	im.h.type = 2;
	im.h.machine = 62;
	im.h.entry = 0x401000;
	im.h.phoff = offsetof(struct image, ph);
	im.h.phentsize = sizeof(struct elf64_phdr);
	im.h.phnum = 4;
	im.ph[0] = (struct elf64_phdr){ .type = 1, .flags = 5, .offset = offsetof(struct image, text),
					.vaddr = 0x401000, .filesz = 0x100, .memsz = 0x100 };
	im.ph[1] = (struct elf64_phdr){ .type = 4, .offset = 1u << 30, .filesz = 1u << 30 };
	im.ph[2] = (struct elf64_phdr){ .type = 1, .flags = 6, .offset = offsetof(struct image, data),
					.vaddr = 0x402ff8, .filesz = 0x10, .memsz = 0x2000 };
	im.ph[3] = (struct elf64_phdr){ .type = 0 };
	memset(im.text, 0x90, sizeof im.text);
	memset(im.data, 0xdd, sizeof im.data);
}

/* elf_check's verdict on the image as it stands (NULL: accepted). */
static const char *check(uint64_t size, struct elf_image *e)
{
	return elf_check(&im, size, e);
}

/* The result of walking every segment of the image (1 if all were good),
 * with the last segment seen in *last. */
static int walk(uint64_t limit, struct elf_segment *last, int *count)
{
	struct elf_image e;
	unsigned i = 0;
	int r;

	*count = 0;
	if (check(sizeof im, &e))
		return -2;
	while ((r = elf_segment_next(&e, &i, limit, last)) > 0)
		++*count;
	return r;
}

/* Is one field bent by bend refused by the check? */
#define REFUSED(bend, what)                                                   \
	do {                                                                  \
		struct elf_image e_;                                          \
		image_reset();                                                \
		bend;                                                         \
		const char *why_ = check(sizeof im, &e_);                     \
		ok(why_ != NULL, "check refuses %s (%s)", what, why_ ? why_ : "accepted"); \
	} while (0)

/* Is the segment bent by bend refused, and named by its index? */
#define SEG_REFUSED(bend, limit, what)                                        \
	do {                                                                  \
		struct elf_segment s_;                                        \
		int n_;                                                       \
		image_reset();                                                \
		bend;                                                         \
		int r_ = walk(limit, &s_, &n_);                               \
		ok(r_ == -1 && s_.index == 2, "segment refused: %s (got %d, index %u)", what, r_, s_.index); \
	} while (0)

static void test_good_image(void)
{
	struct elf_image e;
	struct elf_segment s;
	unsigned i = 0;

	image_reset();
	ok(check(sizeof im, &e) == NULL && e.h->entry == 0x401000 && e.size == sizeof im,
	   "a good image passes the check");
	ok(elf_segment_next(&e, &i, LIMIT, &s) == 1 && s.index == 0 && s.lo == 0x401000 &&
	   s.hi == 0x402000 && s.data == im.text && s.filesz == 0x100 &&
	   s.vm_flags == (LWK_VM_READ | LWK_VM_EXEC), "text: span, bytes and read+exec");
	ok(elf_segment_next(&e, &i, LIMIT, &s) == 1 && s.index == 2 && s.lo == 0x402000 &&
	   s.hi == 0x405000 && s.vaddr == 0x402ff8 && s.data == im.data && s.filesz == 0x10 &&
	   s.vm_flags == (LWK_VM_READ | LWK_VM_WRITE),
	   "data: the note is skipped, the span covers the bss, read+write");
	ok(elf_segment_next(&e, &i, LIMIT, &s) == 0 && elf_segment_next(&e, &i, LIMIT, &s) == 0,
	   "then the end, and it stays the end");
}

static void test_bad_headers(void)
{
	struct elf_image e;

	image_reset();
	ok(check(sizeof im.h - 1, &e) != NULL, "check refuses an image shorter than a header");
	REFUSED(im.h.ident[1] = 'L', "a bad magic number");
	REFUSED(im.h.ident[4] = 1, "ELFCLASS32");
	REFUSED(im.h.machine = 3, "an i386 machine");
	REFUSED(im.h.type = 3, "a shared object (ET_DYN)");
	REFUSED(im.h.phentsize = sizeof(struct elf64_phdr) - 8, "a short program header size");
	REFUSED(im.h.phoff = sizeof im + 1, "program headers past the end");
	REFUSED(im.h.phnum = 40, "more program headers than the image holds");
	REFUSED(im.h.phoff = UINT64_MAX - 8, "a program header offset that wraps");
	image_reset();
	im.h.phnum = 0;
	ok(check(sizeof im, &e) == NULL, "no program headers is a (useless) valid image");
}

static void test_bad_segments(void)
{
	struct elf_segment s;
	int n;

	SEG_REFUSED(im.ph[2].filesz = 0x2001, LIMIT, "more file bytes than memory");
	SEG_REFUSED(im.ph[2].offset = sizeof im + 1, LIMIT, "file bytes past the end");
	SEG_REFUSED(im.ph[2].filesz = 0x11 + sizeof im.text, LIMIT, "file bytes running off the end");
	SEG_REFUSED(im.ph[2].offset = UINT64_MAX, LIMIT, "a file offset that wraps");
	SEG_REFUSED(im.ph[2].memsz = 0; im.ph[2].filesz = 0, LIMIT, "no memory");
	/* vaddr + memsz wraps to 0x402ff0: rounded, one page that looks fine */
	SEG_REFUSED(im.ph[2].memsz = UINT64_MAX - 7, UINT64_MAX,
		    "memory that wraps around to a small span");
	SEG_REFUSED(im.ph[2].vaddr = LIMIT - 0x1000 + 8, LIMIT, "memory ending past the limit");
	SEG_REFUSED(im.ph[2].vaddr = UINT64_MAX - 0x800, LIMIT, "an address that wraps when rounded");
	image_reset();
	im.ph[2].vaddr = LIMIT - 0x2000;
	ok(walk(LIMIT, &s, &n) == 0 && n == 2 && s.hi == LIMIT, "memory ending exactly at the limit");
	image_reset();
	im.ph[3] = im.ph[0];
	im.ph[3].filesz = 0x200;
	ok(walk(LIMIT, &s, &n) == -1 && n == 2 && s.index == 3,
	   "a bad segment after good ones is named by its index");
}

int main(void)
{
	test_good_image();
	test_bad_headers();
	test_bad_segments();
	return tap_done();
}

/*
 * A program's initial stack, as the System V x86-64 ABI lays it out and
 * static Linux C libraries (glibc, musl) read it at _start:
 *
 *   rsp ->  argc
 *           argv[0] .. argv[argc-1], NULL
 *           envp[0] .. NULL
 *           auxv pairs (type, value) .. AT_NULL
 *           (padding)
 *           the argument and environment strings
 *   top ->  16 bytes for AT_RANDOM
 *
 * rsp is 16-byte aligned.  Everything is written through the loader's
 * view of the program's memory (win + address), so the pointers stored
 * are the program's own addresses.
 */
#include <lwk/elf.h>
#include "ulib.h"

#define NAUX 16            /* pairs written below, AT_NULL not counted */
#define RANDOM_BYTES 16

/* Not cryptographic: the time stamp counter through splitmix64 (what
 * AT_RANDOM seeds in a C library: stack protector and pointer guards). */
static uint64_t seed_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* CPUID.1:EDX, what Linux reports as AT_HWCAP on x86-64. */
static uint64_t hwcap(void)
{
	uint32_t a = 1, b, c = 0, d;
	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return d;
}

static size_t vec_len(const char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

/* Copy s to the program's address *at (advancing it); returns where it went. */
static uint64_t put_str(uint8_t *win, uint64_t *at, const char *s)
{
	uint64_t where = *at;
	size_t n = strlen(s) + 1;
	memcpy(win + where, s, n);
	*at += n;
	return where;
}

long initstack_build(uint8_t *win, uint64_t top, uint64_t room, const struct elf_image *im,
		     const char *const *argv, const char *const *envp, uint64_t *rsp)
{
	size_t argc = vec_len(argv), envc = vec_len(envp), bytes = RANDOM_BYTES;
	for (size_t i = 0; i < argc; i++)
		bytes += strlen(argv[i]) + 1;
	for (size_t i = 0; i < envc; i++)
		bytes += strlen(envp[i]) + 1;
	size_t words = 1 + argc + 1 + envc + 1 + 2 * (NAUX + 1);
	if (argc == 0 || bytes + words * 8 + 16 > room)
		return -LWK_E2BIG;   /* Linux's answer to too much; and argv[0] must exist */

	uint64_t rnd = top - RANDOM_BYTES, str = rnd - (bytes - RANDOM_BYTES);
	uint64_t sp = (str - words * 8) & ~15ull;
	uint64_t *v = (uint64_t *)(win + sp), seed = rdtsc() ^ top;
	for (unsigned i = 0; i < RANDOM_BYTES / 8; i++) {
		uint64_t r = seed_next(&seed);
		memcpy(win + rnd + 8 * i, &r, 8);
	}
	*v++ = argc;
	uint64_t execfn = str;
	for (size_t i = 0; i < argc; i++)
		*v++ = put_str(win, &str, argv[i]);
	*v++ = 0;
	for (size_t i = 0; i < envc; i++)
		*v++ = put_str(win, &str, envp[i]);
	*v++ = 0;
	const uint64_t aux[NAUX][2] = {
		{ AT_PHDR, elf_phdr_vaddr(im) }, { AT_PHENT, sizeof(struct elf64_phdr) },
		{ AT_PHNUM, im->h->phnum }, { AT_PAGESZ, 4096 }, { AT_BASE, 0 }, { AT_FLAGS, 0 },
		{ AT_ENTRY, im->h->entry }, { AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 },
		{ AT_EGID, 0 }, { AT_HWCAP, hwcap() }, { AT_CLKTCK, 100 }, { AT_SECURE, 0 },
		{ AT_RANDOM, rnd }, { AT_EXECFN, execfn },
	};
	memcpy(v, aux, sizeof aux);
	v += 2 * NAUX;
	*v++ = AT_NULL;
	*v = 0;
	*rsp = sp;
	return 0;
}

/* One word of a GRUB command line, unquoted in place from *pp: GRUB
 * writes a word holding a space inside double quotes and puts a
 * backslash before every backslash and quote; unquoted spaces end it.
 * Returns the word, *pp past it. */
static char *word_next(char **pp)
{
	char *r = *pp, *w = *pp;
	int quoted = 0;
	for (; *r && (quoted || *r != ' '); r++) {
		if (*r == '\\' && r[1])
			*w++ = *++r;
		else if (*r == '"')
			quoted = !quoted;
		else
			*w++ = *r;
	}
	char *word = *pp;
	*pp = *r ? r + 1 : r;
	*w = 0;
	return word;
}

/* The env(1) convention: leading words with '=' are the environment, the
 * rest are argv.  Words are GRUB's (word_next), unquoted in place. */
int initstack_split(char *line, const char **argv, size_t nargv, const char **envp, size_t nenv)
{
	size_t argc = 0, envc = 0;
	char *p = line;
	while (*p) {
		if (*p == ' ') {
			p++;
			continue;
		}
		char *w = word_next(&p);
		int env = argc == 0 && strchr(w, '=');
		if (env ? envc + 1 >= nenv : argc + 1 >= nargv)
			return -LWK_E2BIG;
		if (env)
			envp[envc++] = w;
		else
			argv[argc++] = w;
	}
	argv[argc] = NULL;
	envp[envc] = NULL;
	return (int)argc;
}

/*
 * libc-lite on the host: the syscall ABI is Linux's, so the same static
 * binary that runs on Nimble LWK runs on Linux.  Checks formatting,
 * strings and the Linux-numbered wrappers against Linux itself, and that
 * an LWK-only call reaches the kernel as an unknown number (ENOSYS).
 */
#include <lwk/elf.h>
#include "ulib.h"
#include "utap.h"


static int fmt_is(const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (strcmp(buf, want) != 0 || len != (int)strlen(want)) {
		printf("# got '%s' (%d), want '%s'\n", buf, len, want);
		return 0;
	}
	return 1;
}

/* The auxv value of type, or ~0 when absent. */
static uint64_t aux_get(const uint64_t *aux, uint64_t type)
{
	for (; aux[0] != AT_NULL; aux += 2)
		if (aux[0] == type)
			return aux[1];
	return ~0ull;
}

/* initstack_split and initstack_build into a buffer whose offsets stand
 * for the program's addresses (win = buf): a fake image of one PT_LOAD
 * segment that holds its program headers at 0x400040. */
static void initstack_checks(void)
{
	char line[] = "A=1  B=2 prog x=y -v ";
	const char *argv[8], *envp[8];
	ok(initstack_split(line, argv, 8, envp, 8) == 3 && !strcmp(envp[0], "A=1") &&
	   !strcmp(envp[1], "B=2") && !envp[2] && !strcmp(argv[0], "prog") &&
	   !strcmp(argv[1], "x=y") && !strcmp(argv[2], "-v") && !argv[3],
	   "initstack_split: leading K=V words are the environment, the rest argv");
	char grub[] = "\"X=a b\" hello \"a b\" c\\\\d e\\'f g\\\"h \"\" end";
	ok(initstack_split(grub, argv, 8, envp, 8) == 7 && !strcmp(envp[0], "X=a b") &&
	   !strcmp(argv[1], "a b") && !strcmp(argv[2], "c\\d") && !strcmp(argv[3], "e'f") &&
	   !strcmp(argv[4], "g\"h") && !strcmp(argv[5], "") && !strcmp(argv[6], "end"),
	   "initstack_split: GRUB's quoting undone (spaces in quotes, backslash escapes, \"\")");
	char many[] = "a b c d";
	ok(initstack_split(many, argv, 4, envp, 8) == -LWK_E2BIG, "initstack_split: too many words E2BIG");

	static uint64_t buf[1024];
	struct { struct elf64_ehdr h; struct elf64_phdr p; } img = {
		.h = { .entry = 0x401000, .phoff = sizeof(struct elf64_ehdr), .phnum = 1,
		       .phentsize = sizeof(struct elf64_phdr) },
		.p = { .type = 1, .offset = 0, .vaddr = 0x400000, .filesz = 4096, .memsz = 4096 },
	};
	struct elf_image im = { (const uint8_t *)&img, sizeof img, &img.h };
	const char *av[] = { "prog", "one", NULL }, *ev[] = { "K=V", NULL };
	uint64_t top = sizeof buf - 8, rsp = 0;
	uint8_t *win = (uint8_t *)buf;
	ok(initstack_build(win, top, 4096, &im, av, ev, &rsp) == 0 && rsp % 16 == 0 && rsp < top,
	   "initstack_build: rsp 16-byte aligned below the top");
	const uint64_t *v = (const uint64_t *)(win + rsp);
	ok(v[0] == 2 && !strcmp((char *)win + v[1], "prog") && !strcmp((char *)win + v[2], "one") &&
	   v[3] == 0 && !strcmp((char *)win + v[4], "K=V") && v[5] == 0,
	   "initstack_build: argc, argv, NULL, envp, NULL");
	const uint64_t *aux = v + 6;
	uint64_t rnd = aux_get(aux, AT_RANDOM);
	ok(aux_get(aux, AT_PHDR) == 0x400040 && aux_get(aux, AT_PHNUM) == 1 &&
	   aux_get(aux, AT_PHENT) == sizeof(struct elf64_phdr) && aux_get(aux, AT_PAGESZ) == 4096 &&
	   aux_get(aux, AT_ENTRY) == 0x401000 && aux_get(aux, AT_UID) == 0 &&
	   aux_get(aux, AT_SECURE) == 0 && aux_get(aux, AT_CLKTCK) == 100 &&
	   rnd + 16 == top && !strcmp((char *)win + aux_get(aux, AT_EXECFN), "prog"),
	   "initstack_build: the auxiliary vector (PHDR, PHNUM, PAGESZ, ENTRY, RANDOM, EXECFN)");
	ok(initstack_build(win, top, 64, &im, av, ev, &rsp) == -LWK_E2BIG,
	   "initstack_build: more than the room E2BIG");
}

int main(void)
{
	tap_plan(30);
	initstack_checks();
	ok(fmt_is("-42 42 4294967254", "%d %u %u", -42, 42u, (unsigned)-42), "%%d and %%u");
	ok(fmt_is("ff FF 0x1f", "%x %X %p", 255u, 255u, (void *)0x1f), "%%x %%X %%p");
	ok(fmt_is("18446744073709551615 -9223372036854775808", "%llu %lld",
		  ~0ull, (long long)(1ull << 63)), "64-bit extremes");
	ok(fmt_is("[  7][7  ][007][-07]", "[%3d][%-3d][%03d][%03d]", 7, 7, 7, -7),
	   "width, left, zero pad after the sign");
	ok(fmt_is("[ab][   abc][x]", "[%.2s][%*s][%c]", "abcdef", 6, "abc", 'x'),
	   "precision, * width, %%c");
	ok(fmt_is("100% (null)", "100%% %s", (char *)0), "%%%% and a NULL string");
	char small[4];
	ok(snprintf(small, sizeof small, "%s", "truncate") == 8 && strcmp(small, "tru") == 0,
	   "truncation keeps the NUL and returns the full length");
	ok(strlen("abc") == 3 && strcmp("abc", "abd") < 0 && strncmp("abx", "aby", 2) == 0,
	   "strlen strcmp strncmp");
	char m[8] = "abcdefg";
	memmove(m + 1, m, 5);
	ok(memcmp(m, "aabcdeg", 8) == 0, "overlapping memmove");
	memmove(m, m + 2, 5);
	ok(memcmp(m, "bcdegeg", 8) == 0 && memset(m, 'z', 3) == m && memcmp(m, "zzzegeg", 8) == 0,
	   "memmove down over itself, memset");
	char d[6];
	ok(strlcpy(d, "abcdefgh", sizeof d) == 8 && strcmp(d, "abcde") == 0 &&
	   strlcpy(d, "xy", sizeof d) == 2 && strcmp(d, "xy") == 0 && strlcpy(d, "q", 0) == 1 &&
	   strcmp(d, "xy") == 0, "strlcpy truncates, terminates, returns strlen(src)");
	const char *abc = "abc";
	memset(d, 'z', sizeof d);
	ok(strncpy(d, "ab", 4) == d && memcmp(d, "ab\0\0zz", 6) == 0 &&
	   memcmp(strncpy(d, "abcdefgh", 3), "abc\0zz", 6) == 0 && strnlen(abc, 2) == 2 &&
	   strnlen(abc, 9) == 3 && strchr(abc, 'c') == abc + 2 && strchr(abc, 'x') == NULL &&
	   strchr(abc, 0) == abc + 3, "strncpy pads without terminating, strnlen, strchr");
	ok(write(1, "# write\n", 8) == 8, "write to stdout");
	ok(write(1, (void *)16, 8) == -LWK_EFAULT, "write of a bad pointer is EFAULT");
	ok(getpid() > 0 && gettid() == getpid(), "getpid == gettid for the first task");
	ok(sched_yield() == 0, "sched_yield");
	long b = brk(0);
	ok(b > 0 && brk((void *)(b + 4096)) == b + 4096, "brk grows the heap");
	char *p = mmap_anon(8192);
	ok(p != NULL && (p[0] = 1, p[8191] = 2, p[8191] == 2), "anonymous mmap is usable");
	ok(munmap(p, 8192) == 0, "munmap");
	uint64_t t0 = 0, t1 = 0;
	ok(clock_gettime_ns(&t0) == 0 && nanosleep_ns(1000) == 0 && clock_gettime_ns(&t1) == 0 &&
	   t1 > t0, "clock_gettime and nanosleep");
	volatile uint32_t word = 1;
	ok(futex_wait(&word, 2) == -LWK_EAGAIN, "futex_wait on a changed value is EAGAIN");
	ok(pmem_alloc(4096, 4096, NULL) == -LWK_ENOSYS, "LWK calls are unknown to Linux");
	ok(strcmp(strerror(-LWK_EINVAL), "EINVAL") == 0, "strerror names errors");
	return tap_done();
}

/*
 * libc-lite on the host: the syscall ABI is Linux's, so the same static
 * binary that runs on Nimble LWK runs on Linux.  Checks formatting,
 * strings and the Linux-numbered wrappers against Linux itself, and that
 * an LWK-only call reaches the kernel as an unknown number (ENOSYS).
 */
#include "ulib.h"

static int n;
static void ok(int cond, const char *name)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, name);
}

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

int main(void)
{
	printf("1..23\n");
	ok(fmt_is("-42 42 4294967254", "%d %u %u", -42, 42u, (unsigned)-42), "%d and %u");
	ok(fmt_is("ff FF 0x1f", "%x %X %p", 255u, 255u, (void *)0x1f), "%x %X %p");
	ok(fmt_is("18446744073709551615 -9223372036854775808", "%llu %lld",
		  ~0ull, (long long)(1ull << 63)), "64-bit extremes");
	ok(fmt_is("[  7][7  ][007][-07]", "[%3d][%-3d][%03d][%03d]", 7, 7, 7, -7),
	   "width, left, zero pad after the sign");
	ok(fmt_is("[ab][   abc][x]", "[%.2s][%*s][%c]", "abcdef", 6, "abc", 'x'),
	   "precision, * width, %c");
	ok(fmt_is("100% (null)", "100%% %s", (char *)0), "%% and a NULL string");
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
	return 0;
}

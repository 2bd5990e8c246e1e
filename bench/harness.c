/*
 * The common main of every bench-SYS program (see bench.h): parse the
 * command line, find the workload, run it once for the checksum and then
 * RUNS times under the clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench.h"

const char *bench_work_name = "-";

void bench_fail(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "bench-%s: %s: ", sys_name, bench_work_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t bench_fib_calls(uint64_t n)
{
	return 2 * bench_fib(n + 1) - 1;
}

uint64_t bench_fib(uint64_t n)
{
	uint64_t a = 0, b = 1;
	while (n--) {
		uint64_t t = a + b;
		a = b;
		b = t;
	}
	return a;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const struct bench_work *work_find(const char *name)
{
	for (const struct bench_work *w = sys_works; w->name; w++)
		if (strcmp(w->name, name) == 0)
			return w;
	return NULL;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench-%s %sWORKLOAD N RUNS\n       bench-%s %s-l\n",
		sys_name, sys_has_mode ? "MODE " : "", sys_name, sys_has_mode ? "MODE " : "");
	return 64;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, &end, 10);
	return *end ? -1 : 0;
}

/* One untimed run gives the checksum; every timed run must repeat it. */
static int work_time(const struct bench_work *w, uint64_t n, uint64_t runs)
{
	uint64_t per = w->setup();
	if (!per)
		return 1;
	uint64_t sum = w->run(n);
	printf("result %llu\nops %llu\n", (unsigned long long)sum,
	       (unsigned long long)(n * per));
	for (uint64_t r = 0; r < runs; r++) {
		if (!w->setup())
			return 1;
		uint64_t t0 = now_ns();
		uint64_t s = w->run(n);
		uint64_t t1 = now_ns();
		if (s != sum) {
			bench_fail("run %llu gave %llu, the first run %llu",
				   (unsigned long long)r, (unsigned long long)s,
				   (unsigned long long)sum);
			return 1;
		}
		printf("ns %llu\n", (unsigned long long)(t1 - t0));
	}
	return 0;
}

int main(int argc, char **argv)
{
	int a = 1;
	if (sys_has_mode && argc < 2)
		return usage();
	if (sys_init(sys_has_mode ? argv[a++] : NULL) != 0)
		return 1;
	if (argc == a + 1 && strcmp(argv[a], "-l") == 0) {
		for (const struct bench_work *w = sys_works; w->name; w++)
			printf("%s\n", w->name);
		return 0;
	}
	uint64_t n, runs;
	if (argc != a + 3 || parse_u64(argv[a + 1], &n) || parse_u64(argv[a + 2], &runs) || !n)
		return usage();
	bench_work_name = argv[a];
	const struct bench_work *w = work_find(bench_work_name);
	if (!w) {
		fprintf(stderr, "bench-%s: no workload '%s'\n", sys_name, bench_work_name);
		return 3;
	}
	data_init();
	int rc = work_time(w, n, runs);
	fflush(stdout);
	return rc;
}

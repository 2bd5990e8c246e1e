/*
 * The host embedding: memory with leak accounting, the console, and the
 * host's implementations of the kernel helpers (what a node would do,
 * reduced to one process: rank 0 of 1, CPU 0, no tasks to wake, no NIC).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "host.h"

size_t nx_host_bytes, nx_host_blocks;
int nx_host_trace = 1;
long nx_host_fail_after = -1;

void *nx_host_alloc(size_t size)
{
	if (nx_host_fail_after == 0)
		return NULL;
	if (nx_host_fail_after > 0)
		nx_host_fail_after--;
	void *p = malloc(size);
	if (p) {
		nx_host_bytes += size;
		nx_host_blocks++;
	}
	return p;
}

void nx_host_free(void *p, size_t size)
{
	if (!p)
		return;
	nx_host_bytes -= size;
	nx_host_blocks--;
	free(p);
}

void nx_host_report(const char *line)
{
	if (nx_host_trace)
		fprintf(stderr, "%s\n", line);
}

void nx_host_print(const char *line)
{
	if (nx_host_trace)
		printf("%s\n", line);
}

static uint64_t h_trace(struct nx_run *run, const uint64_t *a)
{
	char line[48];
	(void)run;
	snprintf(line, sizeof line, "trace: %lld", (long long)a[0]);
	nx_host_print(line);
	return a[0];
}

static uint64_t h_now(struct nx_run *run, const uint64_t *a)
{
	struct timespec ts;
	(void)run, (void)a;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t h_zero(struct nx_run *run, const uint64_t *a)
{
	(void)run, (void)a;
	return 0;
}

static uint64_t h_one(struct nx_run *run, const uint64_t *a)
{
	(void)run, (void)a;
	return 1;
}

/* No tasks and no network on the host: the -errno an empty node gives. */
static uint64_t h_enoent(struct nx_run *run, const uint64_t *a)
{
	(void)run, (void)a;
	return (uint64_t)-NX_ENOENT;
}

/* Port I/O and kmem do not exist on the host: reading gives 0, writing is dropped. */
const nx_helper_fn nx_helper_impl[NX_HELPER_COUNT] = {
	[NX_HELPER_TRACE]     = h_trace,
	[NX_HELPER_ABORT]     = nx_helper_abort,
	[NX_HELPER_NOW]       = h_now,
	[NX_HELPER_CPU]       = h_zero,
	[NX_HELPER_RANK]      = h_zero,
	[NX_HELPER_NNODES]    = h_one,
	[NX_HELPER_TASK_WAKE] = h_enoent,
	[NX_HELPER_COPY]      = nx_helper_copy,
	[NX_HELPER_VCOMBINE]    = nx_helper_vcombine,
	[NX_HELPER_NET_SEND]  = h_enoent,
	[NX_HELPER_OUTB]      = h_zero,
	[NX_HELPER_INB]       = h_zero,
	[NX_HELPER_KMEM_USED] = h_zero,
};

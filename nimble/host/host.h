/* The host embedding of the engine (libnimble.a): accounting for tests. */
#ifndef NIMBLE_HOST_H
#define NIMBLE_HOST_H

#include <nimble/nimble.h>

/* Bytes and blocks currently allocated through nx_host_alloc. */
extern size_t nx_host_bytes, nx_host_blocks;
/* Trace output: 1 = print "trace: v" lines on stdout (default), 0 = quiet. */
extern int nx_host_trace;
/* Fail the allocation after this many more succeed (-1 = never): tests. */
extern long nx_host_fail_after;
/* The runaway stop for this process's runs (watch.c): a run longer than
 * budget_ns ends with fault TIME; 0 turns it off.  0 or -1 (errno). */
int nx_host_watchdog(uint64_t budget_ns);

#endif /* NIMBLE_HOST_H */

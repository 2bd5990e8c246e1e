/*
 * Kernel helpers: the C functions an extension may call with HCALL.
 * One table for the kernel and host implementations, the engine's import
 * resolution and trust checks, extc's signature checks and docs/helpers.md.
 *
 * X(NAME,      "name",      returns, nargs, flags, hooks, "signature and meaning")
 *   returns VOID, U64 or I64 (enum nx_helper_ret): the call's type in extc
 *          and the signature's first word in docs/helpers.md
 *   flags  NX_HF_TRUSTED: only trusted extensions may import it
 *          NX_HF_SEGS: takes segment numbers, so it may touch any segment
 *   hooks  bit mask of (1 << NX_HOOK_*) that may call it; 0 = any hook
 * Every helper takes and returns 64-bit integers.  Negative returns are
 * -errno style errors the extension may test; a helper that must not
 * continue (bad segment, abort) sets the run's fault instead.
 * Untrusted callers act only on their owner's tasks, endpoints and memory.
 */
#ifndef NIMBLE_HELPERS_H
#define NIMBLE_HELPERS_H

#include <stdint.h>
#include "hooks.h"

#define NX_HF_TRUSTED 1u
#define NX_HF_SEGS    2u
#define NX_HOOKBIT(h) (1u << NX_HOOK_##h)

/* What a helper returns (the table's third column). */
enum nx_helper_ret { NX_HR_VOID, NX_HR_U64, NX_HR_I64 };

#define NX_HELPERS(X) \
	X(TRACE,     "trace",     I64,  1, 0, 0, \
	  "trace(i64 v): print v on the node console (rate-limited); returns v") \
	X(ABORT,     "abort",     VOID, 1, 0, 0, \
	  "abort(i64 code): end the run with fault ABORT; code is reported") \
	X(NOW,       "now",       U64,  0, 0, 0, \
	  "now(): nanoseconds since boot") \
	X(CPU,       "cpu",       U64,  0, 0, 0, \
	  "cpu(): the CPU the run is on") \
	X(RANK,      "rank",      U64,  0, 0, 0, \
	  "rank(): this node's rank in the machine") \
	X(NNODES,    "nnodes",    U64,  0, 0, 0, \
	  "nnodes(): nodes in the job") \
	X(TASK_WAKE, "task_wake", I64,  1, 0, 0, \
	  "task_wake(u64 tid): make a blocked task of the owner runnable; 0 or -errno") \
	X(COPY,      "copy",      I64,  5, NX_HF_SEGS, 0, \
	  "copy(u64 dseg, u64 doff, u64 sseg, u64 soff, u64 len): copy bytes between segments (0 data, 1 ctx, 2 buf0, 3 buf1); bounds-checked; 0 or fault") \
	X(VCOMBINE,  "vcombine",  I64,  6, NX_HF_SEGS, 0, \
	  "vcombine(u64 op, u64 dseg, u64 doff, u64 sseg, u64 soff, u64 n): d[i] = op(d[i], s[i]) for n i64 words of two segments (op 0 sum, 1 min, 2 max; signed); bounds-checked; 0, or -EINVAL for another op") \
	X(NET_SEND,  "net_send",  I64,  5, NX_HF_SEGS, NX_HOOKBIT(NET_RX) | NX_HOOKBIT(TRAP), \
	  "net_send(u64 node, u64 endpoint, u64 seg, u64 off, u64 len): send len bytes of a segment to an endpoint of the owner's job on another node; 0 or -errno") \
	X(OUTB,      "outb",      VOID, 2, NX_HF_TRUSTED, 0, \
	  "outb(u64 port, u64 value): write an I/O port (trusted only)") \
	X(INB,       "inb",       U64,  1, NX_HF_TRUSTED, 0, \
	  "inb(u64 port): read an I/O port (trusted only)") \
	X(KMEM_USED, "kmem_used", U64,  0, NX_HF_TRUSTED, 0, \
	  "kmem_used(): bytes of kmem in use (trusted only)")

enum nx_helper_id {
#define NX_HELPER_ENUM(name, str, ret, nargs, flags, hooks, doc) NX_HELPER_##name,
	NX_HELPERS(NX_HELPER_ENUM)
#undef NX_HELPER_ENUM
	NX_HELPER_COUNT
};

#endif /* NIMBLE_HELPERS_H */

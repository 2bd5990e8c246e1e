/*
 * Hooks: the events an extension attaches to, and the context each one
 * hands it.  One table for the kernel (which fills contexts), the engine
 * (which checks attachments), extc (which types `ctx.field` accesses) and
 * docs/hooks.md.
 *
 * A context is the CTX segment (a fixed struct, read-only below its
 * first writable field) plus up to two byte buffers (BUF0, BUF1) whose
 * length varies per event.  Array fields over a buffer have a dynamic
 * count: the engine bounds-checks them in the checked set; the length is
 * also given by a scalar field so that code can loop over it.
 *
 * Return value of the entry function: NX_RET_DEFAULT (0) lets the kernel
 * do what it does with no extension; any other value is the hook's
 * decision as documented per hook.  A fault also means default.
 */
#ifndef NIMBLE_HOOKS_H
#define NIMBLE_HOOKS_H

#include <stdint.h>
#include "isa.h"

/* X(NAME, "name", "what fires it", "what a non-default return means") */
#define NX_HOOKS(X) \
	X(IRQ,        "irq",        "an interrupt arrives (arg = vector)", \
	  "1: handled, skip the kernel's own handler") \
	X(TRAP,       "trap",       "nimble_call from an application (arg 0) or syscall entry (arg 1)", \
	  "1: handled; ctx.ret is the syscall's result") \
	X(SCHED_PICK, "sched_pick", "a CPU's scheduler needs the next task", \
	  "index + 1 of the task in ctx.tasks to run next; ctx.quantum its time") \
	X(NET_RX,     "net_rx",     "a frame arrives for an endpoint", \
	  "1: consumed (not delivered to the user endpoint)")

enum nx_hook_id {
	NX_HOOK_NONE = 0,
#define NX_HOOK_ENUM(name, str, when, ret) NX_HOOK_##name,
	NX_HOOKS(NX_HOOK_ENUM)
#undef NX_HOOK_ENUM
	NX_HOOK_COUNT
};

#define NX_RET_DEFAULT 0

/* Hook arg for TRAP */
#define NX_TRAP_CALL    0  /* explicit nimble_call syscall                 */
#define NX_TRAP_SYSCALL 1  /* filter on every syscall entry of the owner   */

/* Scalar types of context fields (and of memory in extc). */
#define NX_TYPES(X) \
	X(U8, "u8") X(U16, "u16") X(U32, "u32") X(U64, "u64") \
	X(I8, "i8") X(I16, "i16") X(I32, "i32") X(I64, "i64")

enum nx_type {
#define NX_TYPE_ENUM(name, str) NX_T_##name,
	NX_TYPES(NX_TYPE_ENUM)
#undef NX_TYPE_ENUM
	NX_T_COUNT
};

#define NX_RO 0
#define NX_RW 1
#define NX_DYN 0xffffffffu /* array count set per event by a buffer length */

/*
 * Context fields.
 * X(HOOK, "array", "field", seg, offset, type, count, stride, access)
 *   array  ""     : a scalar (count 0) or an array of scalars (count > 0):
 *                   source syntax ctx.field or ctx.field[i]
 *   array "tasks" : a field of each record of an array of records:
 *                   ctx.tasks[i].field; element i at offset + i * stride
 */
#define NX_CTX_FIELDS(X) \
	/* irq: CTX struct nx_ctx_irq */                                           \
	X(IRQ,  "", "vector",   NX_SEG_CTX,  0, NX_T_U32, 0, 0, NX_RO)            \
	X(IRQ,  "", "cpu",      NX_SEG_CTX,  4, NX_T_U32, 0, 0, NX_RO)            \
	X(IRQ,  "", "count",    NX_SEG_CTX,  8, NX_T_U64, 0, 0, NX_RO)            \
	/* trap: CTX struct nx_ctx_trap, BUF0/BUF1 = caller's buffers */           \
	X(TRAP, "", "nr",       NX_SEG_CTX,  0, NX_T_U64, 0, 0, NX_RO)            \
	X(TRAP, "", "arg",      NX_SEG_CTX,  8, NX_T_U64, 6, 8, NX_RO)            \
	X(TRAP, "", "pid",      NX_SEG_CTX, 56, NX_T_U32, 0, 0, NX_RO)            \
	X(TRAP, "", "tid",      NX_SEG_CTX, 60, NX_T_U32, 0, 0, NX_RO)            \
	X(TRAP, "", "buf_len",  NX_SEG_CTX, 64, NX_T_U32, 0, 0, NX_RO)            \
	X(TRAP, "", "aux_len",  NX_SEG_CTX, 68, NX_T_U32, 0, 0, NX_RO)            \
	X(TRAP, "", "ret",      NX_SEG_CTX, 72, NX_T_I64, 0, 0, NX_RW)            \
	X(TRAP, "", "buf",      NX_SEG_BUF0, 0, NX_T_I64, NX_DYN, 8, NX_RW)       \
	X(TRAP, "", "buf8",     NX_SEG_BUF0, 0, NX_T_U8,  NX_DYN, 1, NX_RW)       \
	X(TRAP, "", "aux",      NX_SEG_BUF1, 0, NX_T_I64, NX_DYN, 8, NX_RW)       \
	X(TRAP, "", "aux8",     NX_SEG_BUF1, 0, NX_T_U8,  NX_DYN, 1, NX_RW)       \
	/* sched_pick: CTX struct nx_ctx_sched, BUF0 = struct nx_task_view[] */    \
	X(SCHED_PICK, "", "cpu",      NX_SEG_CTX,  0, NX_T_U32, 0, 0, NX_RO)      \
	X(SCHED_PICK, "", "ntasks",   NX_SEG_CTX,  4, NX_T_U32, 0, 0, NX_RO)      \
	X(SCHED_PICK, "", "now",      NX_SEG_CTX,  8, NX_T_U64, 0, 0, NX_RO)      \
	X(SCHED_PICK, "", "current",  NX_SEG_CTX, 16, NX_T_U32, 0, 0, NX_RO)      \
	X(SCHED_PICK, "", "quantum",  NX_SEG_CTX, 24, NX_T_U64, 0, 0, NX_RW)      \
	X(SCHED_PICK, "tasks", "tid",     NX_SEG_BUF0,  0, NX_T_U32, NX_DYN, 32, NX_RO) \
	X(SCHED_PICK, "tasks", "prio",    NX_SEG_BUF0,  4, NX_T_I32, NX_DYN, 32, NX_RO) \
	X(SCHED_PICK, "tasks", "owner",   NX_SEG_BUF0,  8, NX_T_U32, NX_DYN, 32, NX_RO) \
	X(SCHED_PICK, "tasks", "flags",   NX_SEG_BUF0, 12, NX_T_U32, NX_DYN, 32, NX_RO) \
	X(SCHED_PICK, "tasks", "runtime", NX_SEG_BUF0, 16, NX_T_U64, NX_DYN, 32, NX_RO) \
	X(SCHED_PICK, "tasks", "waited",  NX_SEG_BUF0, 24, NX_T_U64, NX_DYN, 32, NX_RO) \
	/* net_rx: CTX struct nx_ctx_net, BUF0 = frame payload, BUF1 = endpoint memory */ \
	X(NET_RX, "", "len",      NX_SEG_CTX,  0, NX_T_U32, 0, 0, NX_RO)          \
	X(NET_RX, "", "src",      NX_SEG_CTX,  4, NX_T_U32, 0, 0, NX_RO)          \
	X(NET_RX, "", "endpoint", NX_SEG_CTX,  8, NX_T_U32, 0, 0, NX_RO)          \
	X(NET_RX, "", "type",     NX_SEG_CTX, 12, NX_T_U32, 0, 0, NX_RO)          \
	X(NET_RX, "", "mem_len",  NX_SEG_CTX, 16, NX_T_U32, 0, 0, NX_RO)          \
	X(NET_RX, "", "frame",    NX_SEG_BUF0, 0, NX_T_U8,  NX_DYN, 1, NX_RO)     \
	X(NET_RX, "", "data",     NX_SEG_BUF0, 0, NX_T_I64, NX_DYN, 8, NX_RO)     \
	X(NET_RX, "", "mem",      NX_SEG_BUF1, 0, NX_T_I64, NX_DYN, 8, NX_RW)     \
	X(NET_RX, "", "mem8",     NX_SEG_BUF1, 0, NX_T_U8,  NX_DYN, 1, NX_RW)

/* The CTX structs, laid out exactly as the table says. */
struct nx_ctx_irq   { uint32_t vector, cpu; uint64_t count; };
struct nx_ctx_trap  { uint64_t nr, arg[6]; uint32_t pid, tid, buf_len, aux_len; int64_t ret; };
struct nx_ctx_sched { uint32_t cpu, ntasks; uint64_t now; uint32_t current, pad; uint64_t quantum; };
struct nx_task_view { uint32_t tid; int32_t prio; uint32_t owner, flags; uint64_t runtime, waited; };
struct nx_ctx_net   { uint32_t len, src, endpoint, type, mem_len, pad; };

/* First writable byte of each CTX struct (stores below it fault RO_STORE). */
#define NX_CTX_IRQ_WR   sizeof(struct nx_ctx_irq)
#define NX_CTX_TRAP_WR  72
#define NX_CTX_SCHED_WR 24
#define NX_CTX_NET_WR   sizeof(struct nx_ctx_net)

#define NX_QUANTUM_DEFAULT  0
#define NX_QUANTUM_INFINITE 0xffffffffffffffffull

#endif /* NIMBLE_HOOKS_H */

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

#include <stddef.h>
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
 * X(HOOK, "array", F(field), seg, offset, type, count, stride, access)
 *   NX_CTX_FIELDS(X) hands X the field's name as a string ("vector");
 *   the asserts below the structs expand the same table with the bare
 *   member name, so a row and its struct cannot disagree.
 *   array  ""     : a scalar (count 0) or an array of scalars (count > 0):
 *                   source syntax ctx.field or ctx.field[i]
 *   array "tasks" : a field of each record of an array of records:
 *                   ctx.tasks[i].field; element i at offset + i * stride
 */
#define NX_CTX_TABLE(X, F) \
	/* irq: CTX struct nx_ctx_irq */                                           \
	X(IRQ,  "", F(vector),   NX_SEG_CTX,  0, NX_T_U32, 0, 0, NX_RO)           \
	X(IRQ,  "", F(cpu),      NX_SEG_CTX,  4, NX_T_U32, 0, 0, NX_RO)           \
	X(IRQ,  "", F(count),    NX_SEG_CTX,  8, NX_T_U64, 0, 0, NX_RO)           \
	/* trap: CTX struct nx_ctx_trap, BUF0/BUF1 = caller's buffers */           \
	X(TRAP, "", F(nr),       NX_SEG_CTX,  0, NX_T_U64, 0, 0, NX_RO)           \
	X(TRAP, "", F(arg),      NX_SEG_CTX,  8, NX_T_U64, 6, 8, NX_RO)           \
	X(TRAP, "", F(pid),      NX_SEG_CTX, 56, NX_T_U32, 0, 0, NX_RO)           \
	X(TRAP, "", F(tid),      NX_SEG_CTX, 60, NX_T_U32, 0, 0, NX_RO)           \
	X(TRAP, "", F(buf_len),  NX_SEG_CTX, 64, NX_T_U32, 0, 0, NX_RO)           \
	X(TRAP, "", F(aux_len),  NX_SEG_CTX, 68, NX_T_U32, 0, 0, NX_RO)           \
	X(TRAP, "", F(ret),      NX_SEG_CTX, 72, NX_T_I64, 0, 0, NX_RW)           \
	X(TRAP, "", F(buf),      NX_SEG_BUF0, 0, NX_T_I64, NX_DYN, 8, NX_RW)      \
	X(TRAP, "", F(buf8),     NX_SEG_BUF0, 0, NX_T_U8,  NX_DYN, 1, NX_RW)      \
	X(TRAP, "", F(aux),      NX_SEG_BUF1, 0, NX_T_I64, NX_DYN, 8, NX_RW)      \
	X(TRAP, "", F(aux8),     NX_SEG_BUF1, 0, NX_T_U8,  NX_DYN, 1, NX_RW)      \
	/* sched_pick: CTX struct nx_ctx_sched, BUF0 = struct nx_task_view[] */    \
	X(SCHED_PICK, "", F(cpu),      NX_SEG_CTX,  0, NX_T_U32, 0, 0, NX_RO)     \
	X(SCHED_PICK, "", F(ntasks),   NX_SEG_CTX,  4, NX_T_U32, 0, 0, NX_RO)     \
	X(SCHED_PICK, "", F(now),      NX_SEG_CTX,  8, NX_T_U64, 0, 0, NX_RO)     \
	X(SCHED_PICK, "", F(current),  NX_SEG_CTX, 16, NX_T_U32, 0, 0, NX_RO)     \
	X(SCHED_PICK, "", F(quantum),  NX_SEG_CTX, 24, NX_T_U64, 0, 0, NX_RW)     \
	X(SCHED_PICK, "tasks", F(tid),     NX_SEG_BUF0,  0, NX_T_U32, NX_DYN, 32, NX_RO) \
	X(SCHED_PICK, "tasks", F(prio),    NX_SEG_BUF0,  4, NX_T_I32, NX_DYN, 32, NX_RO) \
	X(SCHED_PICK, "tasks", F(owner),   NX_SEG_BUF0,  8, NX_T_U32, NX_DYN, 32, NX_RO) \
	X(SCHED_PICK, "tasks", F(flags),   NX_SEG_BUF0, 12, NX_T_U32, NX_DYN, 32, NX_RO) \
	X(SCHED_PICK, "tasks", F(runtime), NX_SEG_BUF0, 16, NX_T_U64, NX_DYN, 32, NX_RO) \
	X(SCHED_PICK, "tasks", F(waited),  NX_SEG_BUF0, 24, NX_T_U64, NX_DYN, 32, NX_RO) \
	/* net_rx: CTX struct nx_ctx_net, BUF0 = frame payload, BUF1 = endpoint memory */ \
	X(NET_RX, "", F(len),      NX_SEG_CTX,  0, NX_T_U32, 0, 0, NX_RO)         \
	X(NET_RX, "", F(src),      NX_SEG_CTX,  4, NX_T_U32, 0, 0, NX_RO)         \
	X(NET_RX, "", F(endpoint), NX_SEG_CTX,  8, NX_T_U32, 0, 0, NX_RO)         \
	X(NET_RX, "", F(type),     NX_SEG_CTX, 12, NX_T_U32, 0, 0, NX_RO)         \
	X(NET_RX, "", F(mem_len),  NX_SEG_CTX, 16, NX_T_U32, 0, 0, NX_RO)         \
	X(NET_RX, "", F(frame),    NX_SEG_BUF0, 0, NX_T_U8,  NX_DYN, 1, NX_RO)    \
	X(NET_RX, "", F(data),     NX_SEG_BUF0, 0, NX_T_I64, NX_DYN, 8, NX_RO)    \
	X(NET_RX, "", F(mem),      NX_SEG_BUF1, 0, NX_T_I64, NX_DYN, 8, NX_RW)    \
	X(NET_RX, "", F(mem8),     NX_SEG_BUF1, 0, NX_T_U8,  NX_DYN, 1, NX_RW)
#define NX_CTX_NAME_(field) #field
#define NX_CTX_FIELDS(X) NX_CTX_TABLE(X, NX_CTX_NAME_)

/* The CTX structs, laid out exactly as the table says. */
struct nx_ctx_irq   { uint32_t vector, cpu; uint64_t count; };
struct nx_ctx_trap  { uint64_t nr, arg[6]; uint32_t pid, tid, buf_len, aux_len; int64_t ret; };
struct nx_ctx_sched { uint32_t cpu, ntasks; uint64_t now; uint32_t current, pad; uint64_t quantum; };
struct nx_task_view { uint32_t tid; int32_t prio; uint32_t owner, flags; uint64_t runtime, waited; };
struct nx_ctx_net   { uint32_t len, src, endpoint, type, mem_len, pad; };

/*
 * The table checked against the structs at compile time: each field of a
 * CTX segment, and of a record of a record array, sits at the table's
 * offset in its struct, with the table's type and size (times count for a
 * fixed array, whose stride is its element's size; a record array's
 * stride is its struct's size).  The other buffer fields are raw bytes of
 * a buffer, with no struct to check.  One line per (hook, segment); a
 * pair without its line does not compile:
 */
#define NX_CTX_CHECK_IRQ_NX_SEG_CTX(...)         NX_CTX_ASSERT_(struct nx_ctx_irq, __VA_ARGS__)
#define NX_CTX_CHECK_TRAP_NX_SEG_CTX(...)        NX_CTX_ASSERT_(struct nx_ctx_trap, __VA_ARGS__)
#define NX_CTX_CHECK_TRAP_NX_SEG_BUF0(...)
#define NX_CTX_CHECK_TRAP_NX_SEG_BUF1(...)
#define NX_CTX_CHECK_SCHED_PICK_NX_SEG_CTX(...)  NX_CTX_ASSERT_(struct nx_ctx_sched, __VA_ARGS__)
#define NX_CTX_CHECK_SCHED_PICK_NX_SEG_BUF0(...) NX_CTX_ASSERT_(struct nx_task_view, __VA_ARGS__)
#define NX_CTX_CHECK_NET_RX_NX_SEG_CTX(...)      NX_CTX_ASSERT_(struct nx_ctx_net, __VA_ARGS__)
#define NX_CTX_CHECK_NET_RX_NX_SEG_BUF0(...)
#define NX_CTX_CHECK_NET_RX_NX_SEG_BUF1(...)

#define NX_CTX_IDENT_(field) field
#define NX_CTX_TSIZE_(type) (1u << ((unsigned)(type) & 3u))
/* The nx_type of a member (of an array member: of its elements). */
#define NX_CTX_TYPE_(m) _Generic((m), \
	uint8_t: NX_T_U8, uint16_t: NX_T_U16, uint32_t: NX_T_U32, uint64_t: NX_T_U64, \
	int8_t: NX_T_I8, int16_t: NX_T_I16, int32_t: NX_T_I32, int64_t: NX_T_I64, \
	uint8_t *: NX_T_U8, uint16_t *: NX_T_U16, uint32_t *: NX_T_U32, uint64_t *: NX_T_U64, \
	int8_t *: NX_T_I8, int16_t *: NX_T_I16, int32_t *: NX_T_I32, int64_t *: NX_T_I64, \
	default: -1)
#define NX_CTX_ASSERT_(S, nm, off, type, count, stride) \
	_Static_assert(offsetof(S, nm) == (off), #S "." #nm ": offset differs from the table"); \
	_Static_assert(NX_CTX_TYPE_(((S *)0)->nm) == (int)(type), #S "." #nm ": type differs from the table"); \
	_Static_assert(sizeof(((S *)0)->nm) == NX_CTX_TSIZE_(type) * \
		       ((count) == 0 || (count) == NX_DYN ? 1 : (count)), #S "." #nm ": size differs from the table"); \
	_Static_assert((count) == 0 || (stride) == ((count) == NX_DYN ? sizeof(S) : NX_CTX_TSIZE_(type)), \
		       #S "." #nm ": stride differs from the table");
/* h and seg are pasted as written; F(field) expands to the member's name. */
#define NX_CTX_CHECK_(h, arr, nm, seg, off, type, count, stride, acc) \
	NX_CTX_CHECK_##h##_##seg(nm, off, type, count, stride)
NX_CTX_TABLE(NX_CTX_CHECK_, NX_CTX_IDENT_)

/* First writable byte of each CTX struct (stores below it fault RO_STORE). */
#define NX_CTX_IRQ_WR   sizeof(struct nx_ctx_irq)
#define NX_CTX_TRAP_WR  72
#define NX_CTX_SCHED_WR 24
#define NX_CTX_NET_WR   sizeof(struct nx_ctx_net)

#define NX_QUANTUM_DEFAULT  0
#define NX_QUANTUM_INFINITE 0xffffffffffffffffull

#endif /* NIMBLE_HOOKS_H */

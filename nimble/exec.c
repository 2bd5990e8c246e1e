/*
 * The threaded interpreters: exec_body.h expanded once per handler set.
 * GCC/clang labels-as-values give each handler an address the translator
 * stores in cells (internal.h lists the three ways into an exec function).
 */
#include "run.h"

/* Unaligned little-endian memory through may_alias types. */
typedef uint8_t  nx_u8u;
typedef uint16_t nx_u16u __attribute__((aligned(1), may_alias));
typedef uint32_t nx_u32u __attribute__((aligned(1), may_alias));
typedef uint64_t nx_u64u __attribute__((aligned(1), may_alias));
typedef int8_t   nx_i8u;
typedef int16_t  nx_i16u __attribute__((aligned(1), may_alias));
typedef int32_t  nx_i32u __attribute__((aligned(1), may_alias));

/* Each set's label table: its handler addresses, by enum nx_handler.  A
 * label's address can be taken only inside its function, so the exec
 * function stores its table here when nx_labels first asks for it. */
static const void *const *exec_labels[NX_SET_COUNT];

#define NX_EXEC_NAME nx_exec_unchecked
#define NX_EXEC_SET  NX_SET_UNCHECKED
#define NX_CHECKED   0
#define NX_COUNTING  0
#include "exec_body.h"
#undef NX_EXEC_NAME
#undef NX_EXEC_SET
#undef NX_CHECKED
#undef NX_COUNTING

#define NX_EXEC_NAME nx_exec_checked
#define NX_EXEC_SET  NX_SET_CHECKED
#define NX_CHECKED   1
#define NX_COUNTING  0
#include "exec_body.h"
#undef NX_EXEC_NAME
#undef NX_EXEC_SET
#undef NX_CHECKED
#undef NX_COUNTING

#define NX_EXEC_NAME nx_exec_counting
#define NX_EXEC_SET  NX_SET_COUNTING
#define NX_CHECKED   1
#define NX_COUNTING  1
#include "exec_body.h"

nx_exec_fn *const nx_exec_set[NX_SET_COUNT] = {
	[NX_SET_UNCHECKED] = nx_exec_unchecked,
	[NX_SET_CHECKED]   = nx_exec_checked,
	[NX_SET_COUNTING]  = nx_exec_counting,
};

const void *const *nx_labels(enum nx_set set)
{
	if (!__atomic_load_n(&exec_labels[set], __ATOMIC_ACQUIRE))
		nx_exec_set[set](NULL, NULL, NULL);
	return __atomic_load_n(&exec_labels[set], __ATOMIC_ACQUIRE);
}

/*
 * The exec functions lie in section nx_exec (exec_body.h) and nothing
 * else does: a function's code runs from its address up to the next one's,
 * the last up to the section's end.  Reads only constants and the
 * published label tables, so an interrupt handler may call it.
 */
extern const char __stop_nx_exec[];

uintptr_t nx_watch_target(uintptr_t ip)
{
	uintptr_t lo = 0;
	int in = -1;
	for (int s = 0; s < NX_SET_COUNT; s++) {
		uintptr_t f = (uintptr_t)nx_exec_set[s];
		if (f <= ip && f >= lo) {
			lo = f;
			in = s;
		}
	}
	if (in < 0 || ip >= (uintptr_t)__stop_nx_exec)
		return 0;
	const void *const *l = __atomic_load_n(&exec_labels[in], __ATOMIC_ACQUIRE);
	return l ? (uintptr_t)l[NX_H_WATCH] : 0;
}

/* An indirect near jmp (FF /4, after a notrack or REX prefix) inside a
 * handler set: there, always a dispatch (tests/nimble/exec-jumps.sh). */
int nx_watch_dispatch(uintptr_t ip)
{
	if (!nx_watch_target(ip))
		return 0;
	const uint8_t *p = (const uint8_t *)ip;
	unsigned n = 0;
	while (n < 2 && (p[n] == 0x3e || (p[n] & 0xf0) == 0x40))
		n++;
	return p[n] == 0xff && (p[n + 1] >> 3 & 7) == 4;
}

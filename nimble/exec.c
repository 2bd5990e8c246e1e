/*
 * The threaded interpreters: exec_body.h expanded once per handler set.
 * GCC/clang labels-as-values give each handler an address the translator
 * stores in cells; an exec function called with no run and no attachment
 * hands out its label table (internal.h lists the three ways to call one).
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

#define NX_EXEC_NAME nx_exec_unchecked
#define NX_CHECKED   0
#define NX_COUNTING  0
#include "exec_body.h"
#undef NX_EXEC_NAME
#undef NX_CHECKED
#undef NX_COUNTING

#define NX_EXEC_NAME nx_exec_checked
#define NX_CHECKED   1
#define NX_COUNTING  0
#include "exec_body.h"
#undef NX_EXEC_NAME
#undef NX_CHECKED
#undef NX_COUNTING

#define NX_EXEC_NAME nx_exec_counting
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
	return (const void *const *)(uintptr_t)nx_exec_set[set](NULL, NULL, NULL);
}

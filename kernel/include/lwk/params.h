/*
 * Boot parameters (Kitten style): the kernel command line is a list of
 * name=value words.  Each parameter is declared with one line next to
 * the variable it sets, anywhere in the kernel:
 *
 *     uint64_t kmem_size = 64 << 20;
 *     BOOT_PARAM_SIZE(kmem_size, kmem_size, 4 << 20, 1ull << 32);
 *
 *     BOOT_PARAM_UINT(quantum, sched_quantum_ms, 1, 1000);   (uint64_t)
 *     BOOT_PARAM_STR(pct, pct_name);                      (char array)
 *     BOOT_PARAM_FUNC(ktest, ktest_param);   (const char *fn(const char *v):
 *                                             NULL, or what is wrong)
 *
 * The declarations land in the "boot_params" section; params_parse()
 * walks it.  Values: SIZE is a decimal or 0x-hex number with an optional
 * K, M or G suffix (KiB, MiB, GiB) and must be a multiple of 4 KiB; UINT
 * is a decimal or 0x-hex number; both are checked against [min, max].
 * An unknown name is warned about and ignored; a bad value is rejected
 * with a message naming the parameter and why, and the default stays.
 * Later words override earlier ones.  Parsing happens once, early in
 * kmain, before anything reads the variables.
 */
#ifndef LWK_PARAMS_H
#define LWK_PARAMS_H

#include <stddef.h>
#include <stdint.h>
#include <lwk/compiler.h>

enum param_kind { PARAM_SIZE, PARAM_UINT, PARAM_STR, PARAM_FUNC };

struct boot_param {
	const char *name;
	enum param_kind kind;
	void *var;                          /* uint64_t * or char[size]     */
	uint64_t min, max;                  /* SIZE, UINT: inclusive bounds */
	size_t size;                        /* STR: buffer size             */
	const char *(*fn)(const char *val); /* FUNC                         */
};

#define BOOT_PARAM_(name_, kind_, var_, min_, max_, size_, fn_)                       \
	static const struct boot_param boot_param_##name_                             \
	__used __section("boot_params") __aligned(8) =                                \
		{ #name_, kind_, var_, min_, max_, size_, fn_ }

/* The _Generic makes a variable of the wrong type a compile error. */
#define BOOT_PARAM_SIZE(name, var, min, max) \
	BOOT_PARAM_(name, PARAM_SIZE, _Generic(&(var), uint64_t *: &(var)), min, max, 0, NULL)
#define BOOT_PARAM_UINT(name, var, min, max) \
	BOOT_PARAM_(name, PARAM_UINT, _Generic(&(var), uint64_t *: &(var)), min, max, 0, NULL)
#define BOOT_PARAM_STR(name, buf) \
	BOOT_PARAM_(name, PARAM_STR, _Generic(&(buf)[0], char *: (buf)), 0, 0, sizeof(buf), NULL)
#define BOOT_PARAM_FUNC(name, fn) \
	BOOT_PARAM_(name, PARAM_FUNC, NULL, 0, 0, 0, fn)

/*
 * Apply a command line.  Returns the number of words that were unknown
 * or rejected (each already reported with printk).
 */
int params_parse(const char *cmdline);
/* Print every parameter and its value, one line. */
void params_print(void);
/* Parse a SIZE value (exported for tests): NULL or what is wrong. */
const char *param_parse_size(const char *s, uint64_t *out);
const char *param_parse_uint(const char *s, uint64_t *out);

/* The boot's own parameters (kernel/init/main.c, kernel/mm/mem.c). */
extern uint64_t kmem_size;        /* the kmem pool, 64 MiB default     */
extern uint64_t init_heap_size;   /* the init task's heap (PCT)        */
extern uint64_t init_stack_size;  /* the init task's stack             */

#endif /* LWK_PARAMS_H */

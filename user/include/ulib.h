/*
 * libc-lite for Nimble LWK user programs (the PCT and applications):
 * raw syscalls with the Linux x86-64 convention, formatted output,
 * strings, and thin wrappers over the LWK and Nimble calls of
 * include/uapi/lwk.h.  Everything returns -errno on failure, like the
 * kernel, so a program can print exactly what it got back.
 */
#ifndef ULIB_H
#define ULIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "uapi/lwk.h"
#include <lwk/string.h>     /* strings and memory: lib/string.c, shared with the kernel */

/* ---- raw syscalls */
long syscall6(long nr, long a, long b, long c, long d, long e, long f);
static inline long syscall0(long nr) { return syscall6(nr, 0, 0, 0, 0, 0, 0); }
static inline long syscall1(long nr, long a) { return syscall6(nr, a, 0, 0, 0, 0, 0); }
static inline long syscall2(long nr, long a, long b) { return syscall6(nr, a, b, 0, 0, 0, 0); }
static inline long syscall3(long nr, long a, long b, long c) { return syscall6(nr, a, b, c, 0, 0, 0); }
static inline long syscall4(long nr, long a, long b, long c, long d)
{
	return syscall6(nr, a, b, c, d, 0, 0);
}

/* ---- Linux calls */
long write(int fd, const void *buf, size_t len);
_Noreturn void exit(int code);          /* exit_group */
_Noreturn void thread_exit(int code);   /* exit: this task only */
long getpid(void);
long gettid(void);
long sched_yield(void);
long brk(void *addr);
void *mmap_anon(size_t len);            /* NULL on failure */
long munmap(void *addr, size_t len);
long clock_gettime_ns(uint64_t *ns);
long nanosleep_ns(uint64_t ns);
long futex_wait(volatile uint32_t *addr, uint32_t val);
long futex_wake(volatile uint32_t *addr, uint32_t n);

/* ---- LWK calls */
long pmem_alloc(uint64_t size, uint64_t align, struct lwk_pmem_region *out);
long pmem_free(uint64_t start, uint64_t end);
long pmem_query(const struct lwk_pmem_region *query, struct lwk_pmem_region *out);
/* Bytes of free UMEM on the node (a sum over pmem_query), or -errno. */
long pmem_umem_free(void);
long aspace_create(const char *name);
long aspace_destroy(uint32_t id);
long aspace_add_region(uint32_t id, uint64_t start, uint64_t extent, uint32_t flags,
		       uint64_t pagesz, const char *name);
long aspace_map_pmem(uint32_t id, uint64_t paddr, uint64_t start, uint64_t extent);
long aspace_smartmap(uint32_t src, uint32_t dst, uint64_t start, uint64_t extent);
long aspace_del_region(uint32_t id, uint64_t start, uint64_t extent);
long task_create(const struct lwk_start_state *st);
long task_switch_cpus(uint32_t cpu);
long task_wait(struct lwk_task_status *st);
long task_setprio(uint32_t tid, int32_t prio);
long module_get(uint32_t index, void *buf, size_t len, char name[64]);
/* What follows the name on the module's command line, into buf[len]
 * (NUL-terminated); its length, or -errno. */
long module_args(uint32_t index, char *buf, size_t len);
/* The module named name, copied into fresh memory at *buf; its size or
 * -errno (module_get's error once past the last module). */
long module_find(const char *name, uint8_t **buf);
/* An application's argv and envp from module i's command line "NAME
 * [K=V]... [ARGV0 ARG...]" (NAME alone: argv { name }), split into line
 * (len bytes: module_args' limit is 512); 0 or -errno. */
int module_argv(uint32_t i, const char *name, char *line, size_t len, const char **argv,
		size_t nargv, const char **envp, size_t nenv);
long cpu_count(void);
static inline long cpu_irqs(uint32_t cpu) { return syscall1(SYS_cpu_irqs, cpu); }
/* The CPUs an application's threads may be put on (the PCT only). */
static inline long aspace_set_cpus(uint32_t id, uint64_t mask)
{
	return syscall2(SYS_aspace_set_cpus, id, (long)mask);
}

/* ---- Nimble calls */
long nx_insert(const void *obj, size_t len, struct lwk_nx_error *err);
long nx_remove(long handle);
/* The extension object NAME (e.g. "count.nx") the PCT handed this
 * application (at the bottom of its heap: call before growing it), its
 * bytes in *len, or NULL; and nx_insert of it (-LWK_ENOENT, err->msg set,
 * if there is none). */
const void *pct_object(const char *name, size_t *len);
long nx_insert_named(const char *name, struct lwk_nx_error *err);
long nimble_call(long a0, long a1, void *buf, size_t buf_len, void *aux, size_t aux_len);
long nx_stats(long handle, struct lwk_nx_stats *st);

/* ---- loading programs (the PCT's job; needs its privileges) */
#define SPAWN_MAX_MEM 16
struct spawn {
	uint32_t aspace;          /* the new aspace                          */
	uint32_t tid;             /* its first task                          */
	uint8_t *window;          /* the caller's view of the new aspace's   */
	                          /* memory (SMARTMAP), at its address 0     */
	uint64_t heap, heap_size; /* the region named "heap"                 */
	uint64_t stack_top;
	struct lwk_start_state start;   /* its first task, for spawn_start */
	/* what spawn_free gives back: every pmem allocation, and where the
	 * caller's own staging view of it is (0: none) */
	unsigned nmem;
	struct { uint64_t start, end, stage; } mem[SPAWN_MAX_MEM];
};
/* Build an aspace for the static ELF64 image (every PT_LOAD a region of
 * its own UMEM, then a heap and a stack), SMARTMAP it into the caller at
 * slot (1..255) so the caller can write it, and start its first task on
 * cpu with prio and arg0 in rdi (via start_state.use_args).  Returns 0
 * or -errno, with a line on stdout naming the step that failed. */
long elf_spawn(const void *img, size_t len, const char *name, unsigned slot, uint32_t cpu,
	       int32_t prio, uint64_t arg0, uint64_t heap_size, struct spawn *out);
/* elf_spawn with the program's argv (argv[0] first, NULL-terminated;
 * elf_spawn passes { name }) and envp (NULL-terminated), which it finds
 * on its initial stack with the auxiliary vector (initstack_build). */
long elf_spawn_args(const void *img, size_t len, const char *name, unsigned slot, uint32_t cpu,
		    int32_t prio, uint64_t arg0, uint64_t heap_size, const char *const *argv,
		    const char *const *envp, struct spawn *out);
/* elf_spawn_args in two steps, for a caller that fills the new
 * application's memory (through out->window) before it runs: elf_load_args
 * builds all but the task (spawn_free undoes it), spawn_start starts it. */
long elf_load_args(const void *img, size_t len, const char *name, unsigned slot, uint32_t cpu,
		   int32_t prio, uint64_t arg0, uint64_t heap_size, const char *const *argv,
		   const char *const *envp, struct spawn *out);
long spawn_start(struct spawn *sp);
struct elf_image;
/* The System V initial stack below top (at most room bytes of it),
 * written through the loader's view win of the program's memory: argc,
 * argv, envp, the auxiliary vector for im, the strings, AT_RANDOM's 16
 * bytes.  0 and *rsp (16-byte aligned), or -E2BIG (or no argv[0]). */
long initstack_build(uint8_t *win, uint64_t top, uint64_t room, const struct elf_image *im,
		     const char *const *argv, const char *const *envp, uint64_t *rsp);
/* Split a module's arguments (module_args) in place, as env(1) reads its
 * words: the leading NAME=VALUE words into envp, the rest into argv, both
 * NULL-terminated, at most nargv-1 and nenv-1; argc, or -E2BIG. */
int initstack_split(char *line, const char **argv, size_t nargv, const char **envp, size_t nenv);
/* Undo elf_spawn once the application's tasks have ended: destroy its
 * aspace, remove the caller's views of it (the SMARTMAP window and the
 * staging regions) and free its memory.  Returns the bytes freed, or
 * -errno: -LWK_EBUSY while a task of it still runs (nothing changed: call
 * again later).  elf_spawn calls it itself when it fails half-way. */
long spawn_free(struct spawn *sp);

/* ---- output */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *strerror(long err);         /* name of a -errno value */

#endif /* ULIB_H */

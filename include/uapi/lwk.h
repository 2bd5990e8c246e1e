/*
 * The user/kernel ABI of Nimble LWK: syscall numbers and the structures
 * they take.  Shared by the kernel (kernel/syscall/), the user library
 * (user/) and the PCT (pct/).  docs/syscalls.md describes each call.
 *
 * Calling convention is Linux x86-64: number in rax, arguments in rdi,
 * rsi, rdx, r10, r8, r9; result in rax, -errno on error; rcx and r11 are
 * clobbered by syscall/sysret.  Linux calls keep Linux numbers; the LWK
 * and Nimble calls live above Linux's range (500+), as in Kitten.
 */
#ifndef UAPI_LWK_H
#define UAPI_LWK_H

/* ---- Linux subset (numbers from arch/x86/entry/syscalls/syscall_64.tbl) */
#define SYS_read               0
#define SYS_write              1
#define SYS_open               2
#define SYS_close              3
#define SYS_stat               4
#define SYS_fstat              5
#define SYS_lstat              6
#define SYS_mmap               9
#define SYS_mprotect          10
#define SYS_munmap            11
#define SYS_brk               12
#define SYS_rt_sigaction      13
#define SYS_rt_sigprocmask    14
#define SYS_ioctl             16
#define SYS_writev            20
#define SYS_access            21
#define SYS_sched_yield       24
#define SYS_madvise           28
#define SYS_nanosleep         35
#define SYS_getpid            39
#define SYS_clone             56
#define SYS_exit              60
#define SYS_kill              62
#define SYS_uname             63
#define SYS_fcntl             72
#define SYS_getcwd            79
#define SYS_readlink          89
#define SYS_gettimeofday      96
#define SYS_getrlimit         97
#define SYS_getuid           102
#define SYS_getgid           104
#define SYS_geteuid          107
#define SYS_getegid          108
#define SYS_getppid          110
#define SYS_prctl            157
#define SYS_arch_prctl       158
#define SYS_gettid           186
#define SYS_tkill            200
#define SYS_time             201
#define SYS_futex            202
#define SYS_sched_setaffinity 203
#define SYS_sched_getaffinity 204
#define SYS_set_tid_address  218
#define SYS_clock_gettime    228
#define SYS_clock_nanosleep  230
#define SYS_exit_group       231
#define SYS_tgkill           234
#define SYS_openat           257
#define SYS_newfstatat       262
#define SYS_readlinkat       267
#define SYS_set_robust_list  273
#define SYS_prlimit64        302
#define SYS_getcpu           309
#define SYS_getrandom        318
#define SYS_rseq             334
#define SYS_clone3           435

/* ---- LWK calls (seed 002's pmem/aspace/task APIs) */
#define SYS_pmem_alloc       500  /* (size, align, struct lwk_pmem_region *out)        */
#define SYS_pmem_query       501  /* (struct lwk_pmem_region *query, *out)              */
#define SYS_aspace_create    502  /* (const char *name) -> id                          */
#define SYS_aspace_destroy   503  /* (id)                                              */
#define SYS_aspace_add_region 504 /* (id, start, extent, flags, pagesz, const char *name) */
#define SYS_aspace_map_pmem  505  /* (id, paddr, start, extent)                        */
#define SYS_aspace_smartmap  506  /* (src, dst, start, extent)                         */
#define SYS_task_create      507  /* (const struct lwk_start_state *) -> tid           */
#define SYS_task_switch_cpus 508  /* (cpu)                                             */
#define SYS_task_wait        509  /* (struct lwk_task_status *out): a child's end      */
#define SYS_module_get       510  /* (index, void *buf, len, char name[64]) -> size    */
#define SYS_task_setprio     511  /* (tid, prio): seen by sched_pick extensions        */
#define SYS_cpu_count        512  /* () -> CPUs online                                 */
#define SYS_pmem_free        513  /* (start, end): allocated UMEM no aspace maps       */
#define SYS_aspace_del_region 514 /* (id, start, extent): exactly one region            */
#define SYS_module_args      515  /* (index, char *buf, len) -> strlen: after the name  */
#define SYS_aspace_set_cpus  516  /* (id, cpu mask): the CPUs its threads may be put on */
#define SYS_cpu_irqs         517  /* (cpu) -> interrupts that CPU has taken since boot    */

/* ---- Nimble calls */
#define SYS_nx_insert        520  /* (const void *obj, len, struct lwk_nx_error *err) -> handle */
#define SYS_nx_remove        521  /* (handle)                                          */
#define SYS_nimble_call      523  /* (a0, a1, buf, buf_len, aux, aux_len) -> ctx.ret   */
#define SYS_nx_stats         524  /* (handle, struct lwk_nx_stats *out)                */

/* ---- Network calls (kernel/net/, docs/net.md) */
#define SYS_net_open         530  /* (endpoint, void *mem, mem_len)                     */
#define SYS_net_send         531  /* (node, endpoint, const void *buf, len, type)       */
#define SYS_net_recv         532  /* (endpoint, void *buf, len, struct lwk_net_msg *, timeout_ns) -> len */
#define SYS_net_info         533  /* (struct lwk_net_info *out)                         */
#define SYS_net_flush        534  /* (quiet_ns): until all sent is acked, then quiet_ns */
#define SYS_net_close        535  /* (endpoint)                                        */

#define LWK_SYSCALL_MAX      536

#ifndef __ASSEMBLER__   /* the numbers above are also read by entry code */
#include <stdint.h>

/* errno values returned (negated) by the kernel: Linux's numbers */
#define LWK_EPERM    1
#define LWK_ENOENT   2
#define LWK_ESRCH    3
#define LWK_EINTR    4
#define LWK_E2BIG    7
#define LWK_EAGAIN  11
#define LWK_ENOMEM  12
#define LWK_EACCES  13
#define LWK_EFAULT  14
#define LWK_EBUSY   16
#define LWK_EEXIST  17
#define LWK_EINVAL  22
#define LWK_ENOSYS  38
#define LWK_ETIMEDOUT 110
#define LWK_ECHILD  10

/* ---- pmem */
enum lwk_pmem_type {
	LWK_PMEM_ANY = 0,   /* query: match any type */
	LWK_PMEM_KMEM = 1,  /* kernel memory (never handed to user space) */
	LWK_PMEM_UMEM = 2,  /* user memory, managed by the PCT */
	LWK_PMEM_MODULE = 3,/* a GRUB module */
};

struct lwk_pmem_region {
	uint64_t start, end;      /* [start, end) physical */
	uint32_t type;            /* enum lwk_pmem_type */
	uint32_t allocated;       /* 0 free, 1 allocated */
	char name[32];
};

/* ---- aspace: region flags and page sizes */
#define LWK_VM_READ   0x1u
#define LWK_VM_WRITE  0x2u
#define LWK_VM_EXEC   0x4u
#define LWK_VM_USER   0x8u     /* always set for user regions */
#define LWK_VM_SMARTMAP 0x10u  /* set by aspace_smartmap, not by users */

#define LWK_PAGE_4K   0x1000ull
#define LWK_PAGE_2M   0x200000ull
#define LWK_USER_TOP  0x0000800000000000ull  /* user half ends here */
#define LWK_SMARTMAP_SLOT 0x0000008000000000ull /* 512 GiB: smartmap unit */

/* ---- tasks (seed 002's start_state_t) */
struct lwk_start_state {
	uint32_t task_id;         /* 0 = any */
	char task_name[32];
	uint32_t user_id, group_id;
	uint32_t aspace_id;
	uint32_t cpu_id;
	uint64_t stack_ptr;
	uint64_t entry_point;
	uint32_t use_args;
	uint32_t pad;
	uint64_t arg[4];          /* in rdi, rsi, rdx, rcx when use_args */
	int32_t prio;             /* LWK extension: priority seen by sched_pick */
	uint32_t pad2;
};

/* Why a task ended, as task_wait reports it. */
enum lwk_exit_kind {
	LWK_EXIT_NORMAL = 0,  /* exit() or exit_group(): code is the status */
	LWK_EXIT_FAULT = 1,   /* a CPU exception: code = vector, addr = cr2/rip */
	LWK_EXIT_KILLED = 2,  /* killed by the kernel (e.g. its aspace went away) */
};

struct lwk_task_status {
	uint32_t tid, aspace_id;
	uint32_t kind;            /* enum lwk_exit_kind */
	int32_t code;
	uint64_t rip, addr;       /* fault: where and which address */
};

/* ---- Nimble */
struct lwk_nx_error {
	int32_t code, func, insn, pad;
	char msg[160];
};

struct lwk_nx_stats {
	uint64_t runs, faults, aborted_fuel, insns;
	uint32_t last_fault, last_func, last_insn, attached;
};

/* ---- network */
#define LWK_NET_PAYLOAD_MAX 1024  /* bytes per message                              */
#define LWK_NET_EP_MAX      16    /* endpoint ids 0..15, one owner each per node    */
#define LWK_VEC_NIC       0x50    /* the NIC's interrupt vector: `hook irq(0x50)`   */

struct lwk_net_msg {              /* what net_recv reports besides the payload */
	uint32_t src, type, len, pad;
};

struct lwk_net_info {
	uint32_t rank, nnodes;
	uint64_t tx_data, rx_data, tx_ack, rx_ack, retransmits, dup, out_of_order;
	uint64_t no_endpoint, ep_full, echoes, not_for_us, malformed, hook_consumed, hook_faults;
	uint64_t delivered, user_wakeups;
	uint64_t injected_drops;      /* boot parameters net_drop=N, net_loss=P (testing) */
	/* Interrupt mode (docs/net.md): NIC interrupts taken, frames drained
	 * in them, drains cut short by the per-interrupt budget (finished on
	 * the timer), timer runs and the frames they drained.  irq_mode 0:
	 * polled from the net calls. */
	uint32_t irq_mode, irq_vector;
	uint64_t irqs, irq_frames, rx_deferred, timer_runs, timer_frames;
	/* Per endpoint: hops from a NIC interrupt (rdtsc at its entry) that
	 * delivered a DATA frame to the doorbell of the next DATA frame sent
	 * for that endpoint (by an extension in the same interrupt, or by
	 * the woken user task): count, smallest and sum, in TSC ticks. */
	uint64_t hop_n[LWK_NET_EP_MAX], hop_min[LWK_NET_EP_MAX], hop_sum[LWK_NET_EP_MAX];
	/* NIC interrupts from irq_common's entry to the EOI, in TSC ticks:
	 * [0] with no irq extension on the NIC's vector, [1] with one. */
	uint64_t irq_cost_n[2], irq_cost_min[2], irq_cost_sum[2];
	uint64_t closed;              /* endpoints closed: net_close, or their application ended */
	uint64_t open;                /* endpoints open now */
};

/* ---- Linux structures */
struct lwk_timespec { int64_t tv_sec, tv_nsec; };
struct lwk_utsname { char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65]; };

#define LWK_FUTEX_WAIT 0
#define LWK_FUTEX_WAKE 1
#define LWK_FUTEX_PRIVATE 128

#define LWK_ARCH_SET_FS 0x1002
#define LWK_ARCH_GET_FS 0x1003

#define LWK_MAP_PRIVATE   0x02
#define LWK_MAP_FIXED     0x10
#define LWK_MAP_ANONYMOUS 0x20
#define LWK_PROT_READ  1
#define LWK_PROT_WRITE 2
#define LWK_PROT_EXEC  4

#endif /* __ASSEMBLER__ */
#endif /* UAPI_LWK_H */

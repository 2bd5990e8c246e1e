/*
 * The trap and irq hook sites: the nimble_call system call (trap(0)),
 * the syscall-entry filter (trap(1)) and device interrupts (irq).  Each
 * tests nx_hook_armed before it builds anything, and fills only what
 * changes per event in a context prepared once.
 */
#include <nimble/nimble.h>
#include <uapi/lwk.h>
#include <lwk/syscall.h>
#include <lwk/task.h>
#include <lwk/smp.h>
#include <lwk/nxk.h>
#include "nxk_internal.h"

/* ---- the trap hook ---- */

/*
 * The task's prepared context (task.c): a task makes one system call at a
 * time and a run never blocks, so the syscall filter and nimble_call
 * share it.  This fills what changes per call: the caller's identity and
 * owner (set after creation), the call, and the lent buffers.
 */
static inline __attribute__((always_inline))
struct nx_ctx_trap *trap_ctx(struct task *t, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			     uint64_t a3, uint64_t a4, uint64_t a5,
			     void *buf, uint64_t blen, void *aux, uint64_t alen)
{
	struct nx_ctx_trap *ctx = &t->nx_trap_ctx;
	ctx->nr = nr;
	ctx->arg[0] = a0, ctx->arg[1] = a1, ctx->arg[2] = a2;   /* stores, not a loop */
	ctx->arg[3] = a3, ctx->arg[4] = a4, ctx->arg[5] = a5;
	ctx->pid = t->pid;
	ctx->tid = t->tid;
	ctx->buf_len = (uint32_t)blen;
	ctx->aux_len = (uint32_t)alen;
	ctx->ret = 0;
	struct nx_env *env = &t->nx_trap_env;
	env->owner = t->owner;
	nx_env_bufs(env, NX_HOOK_TRAP, buf, blen, aux, alen);
	return ctx;
}

/* nimble_call(a0, a1, buf, buf_len, aux, aux_len): the buffers are lent
 * to the extension in place (checked writable user memory). */
long nxk_call(uint64_t a0, uint64_t a1, uint64_t buf, uint64_t blen, uint64_t aux, uint64_t alen)
{
	if (blen > NX_MAX_OBJECT || alen > NX_MAX_OBJECT)
		return -LWK_EINVAL;
	if ((blen && !user_ok(buf, blen, 1)) || (alen && !user_ok(aux, alen, 1)))
		return -LWK_EFAULT;
	/* Nothing attached: no context to build (one bit to look at). */
	if (!nx_hook_armed(NX_HOOK_TRAP))
		return -LWK_ENOSYS;
	struct task *t = this_cpu()->current;
	struct nx_ctx_trap *ctx = trap_ctx(t, SYS_nimble_call, a0, a1, buf, blen, aux, alen,
					   (void *)buf, blen, (void *)aux, alen);
	if (nx_fire(NX_HOOK_TRAP, NX_TRAP_CALL, &t->nx_trap_env, NULL) == NX_RET_DEFAULT)
		return -LWK_ENOSYS;
	return ctx->ret;
}

/* Reached only while syscall_filter_on (a filter is inserted). */
int nxk_trap_filter(const struct syscall_frame *f, long *ret)
{
	struct task *t = task_current();
	if (!t->as || !nxk_filters_owner(t->owner))
		return 0;
	struct nx_ctx_trap *ctx = trap_ctx(t, f->nr, f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9,
					   NULL, 0, NULL, 0);
	if (nx_fire(NX_HOOK_TRAP, NX_TRAP_SYSCALL, &t->nx_trap_env, NULL) == NX_RET_DEFAULT)
		return 0;
	*ret = ctx->ret;
	return 1;
}

/* ---- the irq hook ---- */

/*
 * An interrupt's context lives in its CPU's struct cpu and is prepared
 * before the first extension is inserted (so before the irq hook can be
 * armed): interrupts arrive through interrupt gates (IF clear) and
 * irq_common does not set it, so one CPU handles one at a time, and an
 * event writes only the fields that change.
 */
static int irq_events_ready;

void nxk_irq_events_prepare_locked(void)
{
	for (uint32_t i = 0; i < MAX_CPUS && !irq_events_ready; i++) {
		cpus[i].nx_irq_ctx.cpu = i;
		nx_env_setup(&cpus[i].nx_irq_env, NX_HOOK_IRQ, &cpus[i].nx_irq_ctx, NULL, 0, NULL, 0);
	}
	irq_events_ready = 1;
}

/* Nonzero if an extension handled the interrupt (the kernel handler is
 * skipped): the hook's answer. */
uint64_t nxk_irq(uint32_t vector, uint64_t count)
{
	if (!nx_hook_armed(NX_HOOK_IRQ))
		return NX_RET_DEFAULT;
	struct cpu *c = this_cpu();
	c->nx_irq_ctx.vector = vector;
	c->nx_irq_ctx.count = count;
	c->nx_irq_env.owner = __atomic_load_n(&nxk_irq_owner, __ATOMIC_RELAXED);
	return nx_fire(NX_HOOK_IRQ, vector, &c->nx_irq_env, NULL);
}

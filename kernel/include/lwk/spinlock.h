/*
 * Spinlocks.  Waiters spin with PAUSE: under QEMU -icount a vCPU only
 * yields to another on HLT or PAUSE (ENVIRONMENT.md), so a spin without
 * it would hang an SMP guest.  The _irqsave forms also keep interrupts
 * off while the lock is held, so a handler on the same CPU cannot
 * deadlock on a lock its own CPU holds.  arch_irq_save/restore are the
 * machine's (kernel/arch/x86_64/cpu.c; a no-op shim in host tests).
 */
#ifndef LWK_SPINLOCK_H
#define LWK_SPINLOCK_H

struct spinlock {
	volatile int locked;
};

#define SPINLOCK_INIT { 0 }

unsigned long arch_irq_save(void);       /* disable; return previous state */
void arch_irq_restore(unsigned long flags);

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = arch_irq_save();
	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

#endif /* LWK_SPINLOCK_H */

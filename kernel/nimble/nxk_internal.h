/*
 * Shared by the files of kernel/nimble/ only: table.c owns the table of
 * inserted extensions and nimble_lock; retire.c frees removed extensions
 * after their grace period; hooksite.c fires the trap and irq hooks.
 * Other kernel code uses lwk/nxk.h and lwk/syscall.h.
 */
#ifndef NXK_INTERNAL_H
#define NXK_INTERNAL_H

#include <stdint.h>
#include <nimble/nimble.h>
#include <lwk/spinlock.h>

/* Serialises every insert and remove, as nimble.h requires, and guards
 * the table, the retired list and the irq hook's prepared contexts. */
extern struct spinlock nimble_lock;

/* retire.c, nimble_lock held.  Take ext out of the engine and retire it:
 * 0, or -EBUSY while too many removed extensions still wait. */
long nxk_retire_locked(struct nx_ext *ext);
/* Free the retired extensions whose grace period is over; how many wait. */
int nxk_reap_locked(void);
/* table.c: the runaway stop's tick on or off; returns the retired
 * extensions still waiting for their grace period. */
int nxk_watch_locked(void);
/* retire.c: reap again every ms until nothing waits (call without locks). */
void nxk_reap_later(void);

/* hooksite.c, nimble_lock held: prepare the irq hook's per-CPU contexts
 * (before the first insert, so before the hook can be armed). */
void nxk_irq_events_prepare_locked(void);

/* table.c: is a syscall filter inserted whose owner's tasks include
 * those of owner (the PCT's filters see every task)?  Read without the
 * lock on the syscall path: a stale answer only means the event races
 * the insert or remove. */
int nxk_filters_owner(uint32_t owner);

/* table.c: on whose behalf irq extensions run (env.owner, what the
 * helpers check): 0 with only the PCT's attached, the application with
 * one application's, NXK_OWNER_NOBODY (owns no task and no endpoint)
 * with several applications'.  An interrupt has no owner of its own, and
 * owner 0 would let an application's extension act as the PCT. */
#define NXK_OWNER_NOBODY 0xffffffffu
extern uint32_t nxk_irq_owner;

#endif /* NXK_INTERNAL_H */

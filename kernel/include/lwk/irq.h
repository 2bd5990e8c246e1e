/* Interrupt vectors (kernel/arch/x86_64/irq.c): hookable device vectors. */
#ifndef LWK_IRQ_H
#define LWK_IRQ_H

#include <stdint.h>
#include <arch/trap.h>

typedef void (*irq_handler_t)(struct trapframe *tf);

void irq_init(void);      /* user-fault containment, timer, spurious */
/* The handler runs whatever the irq hook answers (the hook observes). */
#define IRQ_F_DRIVER 1u
/* Take a device vector (>= 32) behind the irq hook; -1 if taken or invalid.
 * The handler sends the EOI. */
int irq_register(unsigned vector, irq_handler_t h, unsigned flags);
uint64_t irq_count(unsigned vector);

#endif /* LWK_IRQ_H */

/*
 * Local APIC (timer, IPIs, EOI), IOAPIC routing, and the clock built on
 * the TSC.  Both the TSC and the APIC timer are calibrated once against
 * the PIT at boot (kernel/arch/x86_64/apic.c).
 */
#ifndef LWK_APIC_H
#define LWK_APIC_H

#include <stdint.h>

#define VEC_TIMER     0x20   /* LAPIC timer                          */
#define VEC_IRQ_BASE  0x30   /* IOAPIC inputs 0..23 -> 0x30..0x47     */
#define VEC_NIC       0x50   /* the NIC, whatever its GSI (= LWK_VEC_NIC) */
#define VEC_TEST      0x81   /* free vector the tests raise by self-IPI */
#define VEC_XCALL     0xf0   /* cross-CPU call                        */
#define VEC_KICK      0xf1   /* reschedule                            */
#define VEC_TLB       0xf2   /* TLB shootdown (smp_tlb_flush)         */
#define VEC_SPURIOUS  0xff

void apic_init_bsp(void);     /* map, calibrate, enable on the boot CPU */
void apic_init_ap(void);      /* enable on an application processor    */
uint32_t apic_id(void);
void apic_eoi(void);
void apic_send_ipi(uint32_t apic_id, uint8_t vector);
void apic_send_self(uint8_t vector);
void apic_send_init_sipi_all(uint8_t page);  /* start every other CPU at page*4K */
/* One-shot timer firing after ns; 0 stops it. */
void apic_timer_oneshot(uint64_t ns);
/* Periodic timer every ns; 0 stops it. */
void apic_timer_periodic(uint64_t ns);

uint64_t time_now_ns(void);   /* since calibration */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void ioapic_init(void);
unsigned ioapic_inputs(void);   /* GSIs 0..ioapic_inputs()-1 */
/* Redirection entry mode bits (82093AA 3.2.4): level-triggered, active low. */
#define IOAPIC_LEVEL (1u << 15)
#define IOAPIC_LOW   (1u << 13)
#define IOAPIC_NMI   (4u << 8)    /* delivery mode NMI (edge only; vector ignored) */
/* Deliver IOAPIC input gsi as vector to apic_id (0xff: every CPU), with
 * mode's trigger and polarity (0: edge, active high), or IOAPIC_NMI as an
 * NMI; masked if !on.  -LWK_EINVAL (nothing
 * changed) for a gsi past the last input, a vector below 32, an apic_id
 * above 255 or other mode bits. */
int ioapic_route(unsigned gsi, uint8_t vector, uint32_t apic_id, unsigned mode, int on);
/* What input gsi is routed to now; -LWK_EINVAL past the last input. */
int ioapic_route_get(unsigned gsi, uint8_t *vector, uint32_t *apic_id, int *on);

#endif /* LWK_APIC_H */

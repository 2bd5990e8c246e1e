/*
 * Local APIC in xAPIC mode through the direct map (0xfee00000 lies below
 * 4 GiB), and the clock.  Register offsets: Intel SDM vol. 3, 11.4.
 * Calibration counts TSC cycles and APIC timer ticks (divide by 16)
 * across 10 ms of PIT channel 2 in mode 0; under -icount these are
 * virtual-time figures, which is what the guest should see.
 */
#include <lwk/apic.h>
#include <lwk/printk.h>
#include <arch/cpu.h>
#include <arch/io.h>
#include <arch/page.h>

#define MSR_APIC_BASE 0x1b
#define APIC_ID      0x020
#define APIC_EOI     0x0b0
#define APIC_SVR     0x0f0
#define APIC_ICR_LO  0x300
#define APIC_ICR_HI  0x310
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR  0x390
#define APIC_TIMER_DIV  0x3e0
#define LVT_MASKED   (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define ICR_PENDING  (1u << 12)

static volatile uint32_t *lapic;
static uint64_t tsc_hz, tsc_base, ns_mult;  /* ns = (tsc - base) * ns_mult >> 32 */
static uint64_t apic_hz;                      /* timer ticks/s at divide 16 */

static inline uint32_t rd(unsigned reg) { return lapic[reg / 4]; }
static inline void wr(unsigned reg, uint32_t v) { lapic[reg / 4] = v; }

uint32_t apic_id(void) { return rd(APIC_ID) >> 24; }
void apic_eoi(void) { wr(APIC_EOI, 0); }

static void enable(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11));
	wr(APIC_SVR, 0x100 | VEC_SPURIOUS);
	wr(APIC_TIMER_DIV, 0x3);
	wr(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
}

/* 10 ms of PIT channel 2 (1193182 Hz), gate on, speaker off. */
static void calibrate(void)
{
	const uint16_t count = 11932;
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	wr(APIC_TIMER_INIT, 0xffffffffu);
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		cpu_pause();
	uint64_t t1 = rdtsc();
	uint32_t ticks = 0xffffffffu - rd(APIC_TIMER_CUR);
	wr(APIC_TIMER_INIT, 0);
	tsc_hz = (t1 - t0) * 100;
	apic_hz = (uint64_t)ticks * 100;
	tsc_base = t1;
	ns_mult = (1000000000ull << 32) / tsc_hz;
}

void apic_init_bsp(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) & 0xffffff000ull;
	lapic = phys_to_virt(base);
	enable();
	outb(0x21, 0xff);   /* mask the legacy PICs: the IOAPIC routes IRQs */
	outb(0xa1, 0xff);
	calibrate();
	printk("apic: id %u, tsc %llu kHz, timer %llu kHz (div 16)\n", apic_id(),
	       (unsigned long long)(tsc_hz / 1000), (unsigned long long)(apic_hz / 1000));
}

void apic_init_ap(void) { enable(); }

static void icr(uint32_t hi, uint32_t lo)
{
	while (rd(APIC_ICR_LO) & ICR_PENDING)
		cpu_pause();
	wr(APIC_ICR_HI, hi);
	wr(APIC_ICR_LO, lo);
	while (rd(APIC_ICR_LO) & ICR_PENDING)
		cpu_pause();
}

void apic_send_ipi(uint32_t id, uint8_t vector) { icr(id << 24, vector); }
void apic_send_self(uint8_t vector) { icr(0, (1u << 18) | vector); }

/* INIT, then two STARTUPs, to all but self (SDM vol. 3, 8.4.4.1).  The
 * waits between them are counted in TSC time. */
static void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_hz / 1000000 * us;
	while (rdtsc() < end)
		cpu_pause();
}

void apic_send_init_sipi_all(uint8_t page)
{
	const uint32_t all_but_self = 3u << 18;
	icr(0, all_but_self | 0x4500);           /* INIT, level assert */
	delay_us(10000);
	icr(0, all_but_self | 0x4600 | page);    /* STARTUP */
	delay_us(200);
	icr(0, all_but_self | 0x4600 | page);
}

/* Timer ticks for ns, in 64-bit arithmetic: ns is capped at a minute
 * (longer waits simply re-arm when the timer fires early). */
static uint32_t ticks_for(uint64_t ns)
{
	if (ns > 60000000000ull)
		ns = 60000000000ull;
	uint64_t t = ns * (apic_hz / 1000) / 1000000;
	return t == 0 ? 1 : t > 0xffffffffu ? 0xffffffffu : (uint32_t)t;
}

void apic_timer_oneshot(uint64_t ns)
{
	wr(APIC_LVT_TIMER, (ns ? 0 : LVT_MASKED) | VEC_TIMER);
	wr(APIC_TIMER_INIT, ns ? ticks_for(ns) : 0);
}

void apic_timer_periodic(uint64_t ns)
{
	wr(APIC_LVT_TIMER, (ns ? LVT_PERIODIC : LVT_MASKED) | VEC_TIMER);
	wr(APIC_TIMER_INIT, ns ? ticks_for(ns) : 0);
}

uint64_t time_now_ns(void)
{
	return (uint64_t)(((unsigned __int128)(rdtsc() - tsc_base) * ns_mult) >> 32);
}


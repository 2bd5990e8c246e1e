/*
 * The noise an application CPU sees while frames arrive (make kbench,
 * tests/yod): a 2-node job, 2 CPUs each, in message-coprocessor mode (or
 * heater, for contrast).
 * Rank 1 sends rank 0 a stream of messages; rank 0 computes a fixed loop
 * meanwhile, not reading them (its endpoint's queue fills, the sender
 * retransmits every 10 ms: frames keep arriving), and counts the
 * interrupts its own CPU and CPU 0 took during the loop.  Then it reads
 * every message.  Goal: none on the application's CPU.
 */
#include "ulib.h"
#include "lwknet.h"

#define MSGS  64
#define ITERS (300ull * 1000 * 1000)

static int64_t mem[8] __attribute__((aligned(64)));

int main(void)
{
	struct lwk_net_info ni;
	unsigned cpu = ~0u;
	if (net_info(&ni) != 0 || ni.nnodes != 2) {
		printf("noise: wants a 2-node job with a network\n");
		return 2;
	}
	if (net_open(1, mem, sizeof mem) != 0)
		return 2;
	if (ni.rank == 1) {
		for (int64_t i = 0; i < MSGS; i++)
			if (net_send(0, 1, &i, sizeof i, 1) != 0)
				return 1;
		return net_flush(300ull * 1000 * 1000) == 0 ? 0 : 1;
	}
	syscall3(309, (long)&cpu, 0, 0);
	nanosleep_ns(20ull * 1000 * 1000);    /* let the stream start */
	long mine0 = cpu_irqs(cpu), sys0 = cpu_irqs(0);
	for (volatile uint64_t i = 0; i < ITERS; i++)
		;
	long mine = cpu_irqs(cpu) - mine0, sys = cpu_irqs(0) - sys0;
	int got = 0;
	for (int64_t v; got < MSGS && net_recv(1, &v, sizeof v, NULL, 5ull * 1000 * 1000 * 1000) == 8; got++)
		;
	printf("noise: application on CPU %u: %ld interrupts on its CPU, %ld on CPU 0 during %llu "
	       "iterations while frames arrived; %d of %d messages read after\n", cpu, mine, sys,
	       (unsigned long long)ITERS, got, MSGS);
	net_flush(300ull * 1000 * 1000);
	/* CPU 0 (heater mode): the kernel's interrupts are its noise, by design */
	return got == MSGS && sys > 0 && (cpu == 0 || mine == 0) ? 0 : 1;
}

/*
 * A test application for tools/yod's CPU modes (tests/yod): says on which
 * CPU it runs (getcpu), yielding between the looks so that the
 * scheduler, and a sched_pick extension the PCT inserted, run.
 */
#include "ulib.h"

int main(void)
{
	unsigned cpu = ~0u, first = ~0u;
	int moved = 0;
	for (int i = 0; i < 20; i++) {
		syscall3(309, (long)&cpu, 0, 0);      /* getcpu(&cpu, NULL, NULL) */
		if (i == 0)
			first = cpu;
		moved |= cpu != first;
		sched_yield();
	}
	/* Two of us on two CPUs (virtual-node) would share the console:
	 * take turns, so that the lines do not interleave. */
	nanosleep_ns((uint64_t)first * 100 * 1000 * 1000);
	printf("where: on CPU %u%s\n", first, moved ? " (and moved)" : ", all along");
	return 0;
}

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
	printf("where: on CPU %u%s\n", first, moved ? " (and moved)" : ", all along");
	return 0;
}

/*
 * A test application for tools/yod (tests/yod): prints a line, then
 * writes through a null pointer.  The node must end it alone, the PCT
 * report the fault and yod say so and exit 139 (as a shell reports a
 * SIGSEGV).
 */
#include "ulib.h"

int main(void)
{
	printf("crash: about to write through a null pointer\n");
	*(volatile int *)0 = 1;
	printf("crash: still running (wrong)\n");
	return 0;
}

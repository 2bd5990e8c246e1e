/* A failed assert: glibc prints the assertion on stderr and abort()s
 * (raise SIGABRT with every signal blocked, then unblocked): the status
 * is 134 on the host's shell and on a node. */
#include <assert.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argv;
	fprintf(stderr, "about to fail\n");
	assert(argc > 5);
	return 0;
}

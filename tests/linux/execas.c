/* execas PATH ARGV0 [ARG]...: run PATH with argv[0] = ARGV0 and the
 * environment unchanged (env -i sets it): how run.sh runs a test case on
 * the host exactly as the node's PCT starts it. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: execas PATH ARGV0 [ARG]...\n");
		return 64;
	}
	execv(argv[1], argv + 2);
	perror(argv[1]);
	return 127;
}

/* execas PATH ARGV0 [ARG]...: run PATH with argv[0] = ARGV0 and the
 * environment unchanged (env -i sets it): how run.sh runs a test case on
 * the host exactly as the node's PCT starts it.  Its status is the
 * program's, or 128 + the signal that ended it, as a shell reports it
 * (without the shell's "Aborted" line, which no node prints). */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: execas PATH ARGV0 [ARG]...\n");
		return 64;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 126;
	}
	if (pid == 0) {
		execv(argv[1], argv + 2);
		perror(argv[1]);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0) {
		perror("waitpid");
		return 126;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

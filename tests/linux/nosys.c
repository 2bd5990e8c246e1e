/* System calls Linux lacks too (afs_syscall, 183, is never implemented;
 * 1000 is past the table): ENOSYS each time on both, and on a node one
 * console line for each number however often it is called. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	const long nrs[] = { 183, 1000, 183, 1000 };
	for (int i = 0; i < 4; i++) {
		errno = 0;
		long rc = syscall(nrs[i]);
		printf("syscall %ld: %ld %s\n", nrs[i], rc, errno == ENOSYS ? "ENOSYS" : strerror(errno));
	}
	return 0;
}

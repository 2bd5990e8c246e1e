#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv, char **envp)
{
	printf("hello from %s, argc %d\n", argv[0], argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	for (char **e = envp; *e; e++)
		printf("env %s\n", *e);
	long sum = 0;
	int *v = malloc(1000 * sizeof *v);
	for (int i = 0; i < 1000; i++)
		sum += (v[i] = i * i);
	printf("ints: %d %ld %lld %x %u\n", -42, sum, -1234567890123ll, 0xbeef, 3000000000u);
	printf("doubles: %f %.3f %e %g %g\n", 3.14159, -2.5 / 3, 6.02e23, 1e-5, sum / 7.0);
	char *big = malloc(1 << 20);
	memset(big, 'x', 1 << 20);
	printf("big: %c %zu\n", big[12345], strlen(strcpy(big + 1000, "tail")));
	free(big);
	free(v);
	return 3;
}

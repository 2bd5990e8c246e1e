/* OpenMP (libgomp) on 2 threads: a parallel loop with a reduction and
 * an atomic counter in a parallel region. */
#include <omp.h>
#include <stdio.h>
int main(void)
{
	long sum = 0;
	#pragma omp parallel for reduction(+:sum) num_threads(2)
	for (long i = 1; i <= 1000000; i++)
		sum += i % 7;
	printf("sum %ld\n", sum);
	int n = 0;
	#pragma omp parallel num_threads(2)
	{
		#pragma omp atomic
		n++;
	}
	printf("threads %d\n", n);
	return 0;
}

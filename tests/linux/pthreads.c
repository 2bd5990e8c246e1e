/* Two threads that meet at a barrier, add to a shared counter under a
 * mutex, hand results back through pthread_join. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t meet;
static long counter;

static void *work(void *arg)
{
	long id = (long)arg, mine = 0;
	pthread_barrier_wait(&meet);
	for (long i = 1; i <= ROUNDS; i++) {
		pthread_mutex_lock(&lock);
		counter += id;
		pthread_mutex_unlock(&lock);
		mine += i * id;
	}
	long *out = malloc(sizeof *out);
	*out = mine;
	return out;
}

int main(void)
{
	pthread_t t[2];
	pthread_barrier_init(&meet, NULL, 2);
	for (long i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, work, (void *)(i + 1))) {
			printf("pthread_create failed\n");
			return 1;
		}
	for (int i = 0; i < 2; i++) {
		void *r;
		pthread_join(t[i], &r);
		printf("thread %d: %ld\n", i + 1, *(long *)r);
		free(r);
	}
	printf("counter: %ld (expected %ld)\n", counter, 3L * ROUNDS);
	return counter == 3L * ROUNDS ? 0 : 1;
}

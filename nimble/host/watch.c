/*
 * The host's runaway stop (docs/engine.md, "Runaway stop"), as the
 * kernel's but with signals: SIGALRM every half budget plays the NMI, TF
 * stepping with SIGTRAP plays #DB, and the dispatch they find goes to the
 * set's watch handler, which asks nx_host_watch.  One run at a time (the
 * process's main thread: nxrun, which ticks only around its runs).
 * Without a debug register to wait at a helper's return, a helper is
 * stepped through too, up to STEPS_MAX instructions in all; past that,
 * the next tick tries again.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include "host.h"

#define EFL_TF    0x100
#define STEPS_MAX 4096

static uint64_t budget_ns;               /* 0: no watchdog */
static const void *volatile marked;      /* the run L_WATCH last marked */
static volatile uint64_t since;          /* and when */
static volatile sig_atomic_t steps;      /* > 0 while stepping */

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int nx_host_watch(const void *run, int first)
{
	uint64_t now = now_ns();
	if (first || marked != run) {
		marked = run;
		since = now;
		return 0;
	}
	return budget_ns && now - since >= budget_ns;
}

static void on_alarm(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si;
	greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;
	/* The ticks run only around the runs (nxrun starts and stops them), so
	 * wherever the process is -- in a helper, most likely -- it is on its
	 * way back into a handler set: step from here. */
	if (steps || !budget_ns)
		return;
	if (marked && now_ns() - since < budget_ns)
		return;                 /* a run marked lately: look after the budget */
	steps = STEPS_MAX;
	g[REG_EFL] |= EFL_TF;
}

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	(void)si;
	greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;
	if (!steps) {                   /* not ours: what SIGTRAP would have done */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	uintptr_t ip = (uintptr_t)g[REG_RIP];
	if (nx_watch_dispatch(ip))
		g[REG_RIP] = (greg_t)nx_watch_target(ip);
	else if (--steps > 0)
		return;                 /* step on, through a helper too */
	steps = 0;
	g[REG_EFL] &= ~(greg_t)EFL_TF;
}

int nx_host_watchdog(uint64_t ns)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_alarm;
	if (sigaction(SIGALRM, &sa, NULL))
		return -1;
	sa.sa_sigaction = on_trap;
	if (sigaction(SIGTRAP, &sa, NULL))
		return -1;
	budget_ns = ns;
	uint64_t half = !ns ? 0 : ns / 2 < 100000 ? 100000 : ns / 2;
	struct itimerval it = { { (time_t)(half / 1000000000), (suseconds_t)(half % 1000000000 / 1000) },
				{ (time_t)(half / 1000000000), (suseconds_t)(half % 1000000000 / 1000) } };
	return setitimer(ITIMER_REAL, &it, NULL);
}

/*
 * libFuzzer target: any bytes through load + verify + translate, and every
 * function of an accepted object run in the checked set and in the
 * reference interpreter, which must agree.  Nothing may crash, hang
 * (fuel bounds every run), leak, or trip a sanitizer.
 */
#include <stdio.h>
#include <stdlib.h>
#include "common.h"

static uint8_t ctx[sizeof(struct nx_ctx_trap)], buf0[40], buf1[16];

/* Everything a run can change: the hook's segments and the whole data segment. */
struct world { uint8_t ctx[sizeof ctx], buf0[sizeof buf0], buf1[sizeof buf1], *data; };

static void save(struct world *w, const struct nx_ext *e)
{
	memcpy(w->ctx, ctx, sizeof ctx);
	memcpy(w->buf0, buf0, sizeof buf0);
	memcpy(w->buf1, buf1, sizeof buf1);
	w->data = malloc(e->data_len ? e->data_len : 1);
	memcpy(w->data, e->data, e->data_len);
}

static void restore(const struct world *w, struct nx_ext *e)
{
	memcpy(ctx, w->ctx, sizeof ctx);
	memcpy(buf0, w->buf0, sizeof buf0);
	memcpy(buf1, w->buf1, sizeof buf1);
	memcpy(e->data, w->data, e->data_len);
}

static int same_world(const struct world *a, const struct world *b, uint32_t data_len)
{
	return !memcmp(a->ctx, b->ctx, sizeof a->ctx) && !memcmp(a->buf0, b->buf0, sizeof a->buf0) &&
	       !memcmp(a->buf1, b->buf1, sizeof a->buf1) && !memcmp(a->data, b->data, data_len);
}

/* Each function (up to 8) in the checked set, then again from the same
 * state in ref: same result, same fault, same memory afterwards. */
static void run_all(struct nx_ext *e)
{
	static const uint64_t args[NX_MAX_ARGS] = { 3, 1, (uint64_t)-1, 7, 0, 40, 2, 5 };
	for (uint32_t f = 0; f < e->nfn && f < 8; f++) {
		struct nx_env env = { .fuel = 2000 };
		struct nx_result a, b;
		struct world w0, w1, w2;
		nx_env_setup(&env, NX_HOOK_TRAP, ctx, buf0, sizeof buf0, buf1, sizeof buf1);
		save(&w0, e);
		nx_run(e, f, &env, args, e->fn[f].nargs, &a);
		save(&w1, e);
		restore(&w0, e);
		nx_run_ref(e, f, &env, args, e->fn[f].nargs, &b);
		save(&w2, e);
		int same = same_result(&a, &b) && same_world(&w1, &w2, e->data_len);
		free(w0.data);
		free(w1.data);
		free(w2.data);
		if (!same) {
			fprintf(stderr, "checked and ref disagree on function %u: %s@%u=%llu vs %s@%u=%llu%s\n", f,
				nx_fault_name(a.fault), a.insn, (unsigned long long)a.value,
				nx_fault_name(b.fault), b.insn, (unsigned long long)b.value,
				same_result(&a, &b) ? " (memory differs)" : "");
			abort();
		}
	}
}

/* How deep inputs get: refused by the loader (header, sections, tables),
 * refused by the verifier (a function or instruction named), accepted and
 * run.  Printed at exit, so a mutator's depth can be compared. */
static uint64_t n_in, n_loader, n_verifier, n_run;

static void print_depth(void)
{
	if (n_in)
		fprintf(stderr, "nx depth: %llu inputs: %.1f%% refused by the loader, %.1f%% by the verifier, "
			"%.1f%% accepted and run\n", (unsigned long long)n_in, 100.0 * n_loader / n_in,
			100.0 * n_verifier / n_in, 100.0 * n_run / n_in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!n_in++)
		atexit(print_depth);
	nx_host_trace = 0;
	size_t before = nx_host_bytes;
	uint8_t *obj = malloc(size ? size : 1);
	memcpy(obj, data, size);
	/* Keep file_size consistent so mutations reach the sections. */
	if (size >= sizeof(struct nx_header)) {
		uint32_t n = (uint32_t)size;
		memcpy(obj + 8, &n, 4);
	}
	struct nx_ext *e;
	struct nx_error err;
	if (nx_insert(obj, size, 1, 0, &e, &err)) {
		if (err.func >= 0 || err.insn >= 0)
			n_verifier++;
		else
			n_loader++;
	} else {
		n_run++;
		memset(ctx, 0x5a, sizeof ctx);
		run_all(e);
		if (nx_remove(e))
			abort();
	}
	free(obj);
	nx_run_cache_drain();
	if (nx_host_bytes != before) {
		fprintf(stderr, "leak: %zu bytes\n", nx_host_bytes - before);
		abort();
	}
	return 0;
}

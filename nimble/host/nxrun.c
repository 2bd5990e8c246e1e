/*
 * nxrun: insert an .nx object through the engine (as the kernel would)
 * and run one entry: a hook name or a function name.
 *
 *   nxrun [options] FILE.nx [ENTRY]
 *
 * Exit: 0 ran without fault, 1 the run faulted, 2 insert refused,
 * 64 usage error.  With --repeat 1 (the default) the run uses the
 * counting handler set (checked + counts) and prints "insns: N"; with
 * --repeat N > 1 it runs the extension's own set N times, for timing.
 * --mode picks the set (or the reference interpreter) explicitly, for
 * measurements; counting and ref print "insns: N".
 * --ctx takes scalar fields and elements of fixed arrays: arg[2]=5.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "host.h"
#include "internal.h"

#define BUF_MAX (1u << 20)

struct buf { uint8_t *p; uint64_t len; int set; };

struct opts {
	int trusted, quiet, dump[2];
	uint64_t args[NX_MAX_ARGS];
	unsigned nargs;
	uint64_t fuel, repeat, budget_ms;
	struct buf buf[2];
	struct nx_task_view tasks[256];
	unsigned ntasks;
	const char *ctxset[32];
	unsigned nctxset;
	const char *file, *entry;
	int mode;   /* -1: default; else enum nx_set, or NX_SET_COUNT for ref */
};

#define USAGE \
	"usage: nxrun [--trusted] [--arg V]... [--ctx NAME=V]... [--task TID:PRIO[:OWNER[:FLAGS[:RUNTIME[:WAITED]]]]]...\n" \
	"             [--buf0 SPEC] [--buf1 SPEC] [--fuel N] [--budget-ms N] [--repeat N] [--dump-buf0] [--dump-buf1] [-q]\n" \
	"             [--mode unchecked|checked|counting|ref]\n" \
	"             FILE.nx [ENTRY]\n" \
	"       nxrun --help\n"

static void usage(const char *why)
{
	fprintf(stderr, "nxrun: %s\n" USAGE "  SPEC: i64:1,2,3 | u8:1,2,3 | hex:0a0b.. | @file\n", why);
	exit(64);
}

/* --help: what every option does, on stdout, exit 0. */
static void help(void)
{
	printf("nxrun: insert an .nx object through the engine (as a node would) and run one\n"
	       "entry, a hook name or a function name (default: the first hook).\n\n" USAGE "\n"
	       "  --trusted         insert as the PCT would: a trusted object runs unchecked\n"
	       "  --arg V           an argument of the entry (up to %d)\n"
	       "  --ctx NAME=V      a context field of the entry's hook, e.g. endpoint=2, arg[1]=5\n"
	       "  --task T:P[:O[:F[:R[:W]]]]  a task in the sched_pick view: tid, prio, owner,\n"
	       "                    flags, runtime and waited (ns); unset fields are 0\n"
	       "  --buf0/--buf1 SPEC  the hook's buffers: i64:1,2,3 | u8:1,2,3 | hex:0a0b.. | @file\n"
	       "  --fuel N          the untrusted fuel budget\n"
	       "  --budget-ms N     a run longer than N ms ends with fault TIME (default 1000;\n"
	       "                    0: never; the reference interpreter has no such stop)\n"
	       "  --repeat N        run N times (N > 1: the extension's own handler set, for timing)\n"
	       "  --mode M          unchecked, checked, counting (prints insns) or ref (the oracle);\n"
	       "                    unchecked takes an untrusted object only with --trusted\n"
	       "  --dump-buf0/1     print a buffer after the run\n"
	       "  -q                no traces\n\n"
	       "Prints \"result: V\", after a fault \"fault: KIND in FUNC at insn N\" and\n"
	       "\"FILE.ext:LINE: fault KIND in FUNC\", and changed context fields.\n"
	       "Exit: 0 ran, 1 the run faulted, 2 the insert was refused, 64 usage.\n"
	       "docs/language.md, docs/engine.md.\n", NX_MAX_ARGS);
	exit(0);
}

static uint64_t num(const char *s, const char *what)
{
	char *end;
	errno = 0;
	uint64_t v = *s == '-' ? (uint64_t)strtoll(s, &end, 0) : strtoull(s, &end, 0);
	if (errno || end == s || *end) {
		char msg[128];
		snprintf(msg, sizeof msg, "%s: '%s' is not a number", what, s);
		usage(msg);
	}
	return v;
}

static void buf_append(struct buf *b, uint64_t v, unsigned width, const char *what)
{
	if (b->len + width > BUF_MAX)
		usage(what);
	for (unsigned i = 0; i < width; i++)
		b->p[b->len++] = (uint8_t)(v >> 8 * i);
}

static void parse_buf(struct buf *b, const char *spec, const char *what)
{
	b->p = calloc(1, BUF_MAX);
	b->len = 0;
	b->set = 1;
	if (!b->p)
		usage("out of memory");
	if (spec[0] == '@') {
		FILE *f = fopen(spec + 1, "rb");
		if (!f)
			usage("cannot open the buffer file");
		b->len = fread(b->p, 1, BUF_MAX, f);
		fclose(f);
		return;
	}
	if (!strncmp(spec, "hex:", 4)) {
		for (const char *s = spec + 4; *s; s += 2) {
			char two[3] = { s[0], s[1], 0 }, *end;
			unsigned long v = strtoul(two, &end, 16);
			if (!s[1] || *end || two[0] == '-' || two[0] == '+' || two[0] == ' ')
				usage("hex buffer: pairs of hex digits expected");
			buf_append(b, v, 1, what);
		}
		return;
	}
	unsigned width = !strncmp(spec, "i64:", 4) ? 8 : !strncmp(spec, "u8:", 3) ? 1 : 0;
	if (!width)
		usage("buffer spec must start with i64:, u8:, hex: or @");
	char *list = strdup(strchr(spec, ':') + 1), *save = NULL;
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
		buf_append(b, num(t, what), width, what);
	free(list);
}

/* --task TID:PRIO[:OWNER[:FLAGS[:RUNTIME[:WAITED]]]]: every field of a
 * struct nx_task_view, so any sched_pick policy can be tried on the host. */
static void parse_task(struct opts *o, const char *spec)
{
	if (o->ntasks == 256)
		usage("more than 256 --task");
	char *s = strdup(spec), *save = NULL, *f[7] = { 0 };
	int n = 0;
	for (char *t = strtok_r(s, ":", &save); t && n < 7; t = strtok_r(NULL, ":", &save))
		f[n++] = t;
	if (n < 2 || n > 6)
		usage("--task wants TID:PRIO[:OWNER[:FLAGS[:RUNTIME[:WAITED]]]]");
	struct nx_task_view *t = &o->tasks[o->ntasks++];
	t->tid = (uint32_t)num(f[0], "--task");
	t->prio = (int32_t)num(f[1], "--task");
	t->owner = f[2] ? (uint32_t)num(f[2], "--task") : 0;
	t->flags = f[3] ? (uint32_t)num(f[3], "--task") : 0;
	t->runtime = f[4] ? num(f[4], "--task") : 0;
	t->waited = f[5] ? num(f[5], "--task") : 0;
	free(s);
}

static int parse_mode(const char *v)
{
	static const char *const names[] = { "unchecked", "checked", "counting", "ref" };
	for (int m = 0; m <= NX_SET_COUNT; m++)
		if (!strcmp(v, names[m]))
			return m;
	usage("--mode wants unchecked, checked, counting or ref");
	return -1;
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	o->mode = -1;
	o->budget_ms = 1000;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = 1;
		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			help();
		if (!strcmp(a, "--trusted")) { o->trusted = 1; takes = 0; }
		else if (!strcmp(a, "-q")) { o->quiet = 1; takes = 0; }
		else if (!strcmp(a, "--dump-buf0")) { o->dump[0] = 1; takes = 0; }
		else if (!strcmp(a, "--dump-buf1")) { o->dump[1] = 1; takes = 0; }
		else if (a[0] == '-' && a[1] && !v) usage("option needs a value");
		else if (!strcmp(a, "--arg")) {
			if (o->nargs == NX_MAX_ARGS)
				usage("too many --arg");
			o->args[o->nargs++] = num(v, "--arg");
		}
		else if (!strcmp(a, "--ctx")) {
			if (o->nctxset == 32 || !strchr(v, '='))
				usage("--ctx wants NAME=V (at most 32)");
			o->ctxset[o->nctxset++] = v;
		}
		else if (!strcmp(a, "--task")) parse_task(o, v);
		else if (!strcmp(a, "--buf0")) parse_buf(&o->buf[0], v, "--buf0");
		else if (!strcmp(a, "--buf1")) parse_buf(&o->buf[1], v, "--buf1");
		else if (!strcmp(a, "--fuel")) o->fuel = num(v, "--fuel");
		else if (!strcmp(a, "--repeat")) o->repeat = num(v, "--repeat");
		else if (!strcmp(a, "--budget-ms")) o->budget_ms = num(v, "--budget-ms");
		else if (!strcmp(a, "--mode")) o->mode = parse_mode(v);
		else if (a[0] == '-' && a[1]) usage("unknown option");
		else {
			takes = 0;
			if (!o->file) o->file = a;
			else if (!o->entry) o->entry = a;
			else usage("too many operands");
		}
		i += takes;
	}
	if (!o->file)
		usage("no object file");
	if (!o->repeat)
		o->repeat = 1;
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *p = malloc(NX_MAX_OBJECT + 1);
	*len = p ? fread(p, 1, NX_MAX_OBJECT + 1, f) : 0;
	fclose(f);
	return p;
}

/* A scalar context field of hook by name: offset, width and signedness. */
struct field { const char *name; uint32_t off; enum nx_type type; };

/* NAME or NAME[i] (a fixed-size array in CTX), n chars of name. */
static int find_field(enum nx_hook_id hook, const char *name, size_t n, struct field *out)
{
	const char *br = memchr(name, '[', n);
	size_t base = br ? (size_t)(br - name) : n;
	unsigned long idx = br ? strtoul(br + 1, NULL, 0) : 0;
#define NX_FIND(h, arr, nm, seg, off, type, count, stride, acc) \
	if (NX_HOOK_##h == hook && !arr[0] && seg == NX_SEG_CTX && count != NX_DYN && \
	    idx <= (count ? count - 1 : 0) && strlen(nm) == base && !strncmp(nm, name, base)) { \
		*out = (struct field){ nm, (uint32_t)(off + idx * stride), type }; return 1; }
	NX_CTX_FIELDS(NX_FIND)
#undef NX_FIND
	return 0;
}

static unsigned type_width(enum nx_type t)
{
	return 1u << (t & 3);
}

static uint64_t field_get(const uint8_t *ctx, const struct field *f)
{
	uint64_t v = 0;
	memcpy(&v, ctx + f->off, type_width(f->type));
	if (f->type >= NX_T_I8 && type_width(f->type) < 8) {
		unsigned sh = 64 - 8 * type_width(f->type);
		v = (uint64_t)((int64_t)(v << sh) >> sh);
	}
	return v;
}

static void put_u32(uint8_t *ctx, uint32_t off, uint64_t v)
{
	uint32_t w = (uint32_t)v;
	memcpy(ctx + off, &w, 4);
}

/* Lengths the buffers imply, per hook (see hooks.h). */
static void set_lengths(enum nx_hook_id hook, uint8_t *ctx, const struct opts *o)
{
	if (hook == NX_HOOK_TRAP) {
		put_u32(ctx, 64, o->buf[0].len);
		put_u32(ctx, 68, o->buf[1].len);
	} else if (hook == NX_HOOK_NET_RX) {
		put_u32(ctx, 0, o->buf[0].len);
		put_u32(ctx, 16, o->buf[1].len);
	} else if (hook == NX_HOOK_SCHED_PICK) {
		put_u32(ctx, 4, o->buf[0].len / sizeof(struct nx_task_view));
	}
}

static void set_ctx(enum nx_hook_id hook, uint8_t *ctx, const struct opts *o)
{
	set_lengths(hook, ctx, o);
	for (unsigned i = 0; i < o->nctxset; i++) {
		const char *eq = strchr(o->ctxset[i], '=');
		struct field f;
		if (!find_field(hook, o->ctxset[i], (size_t)(eq - o->ctxset[i]), &f)) {
			fprintf(stderr, "nxrun: --ctx %s: hook %s has no scalar field of that name\n",
				o->ctxset[i], nx_hook_name(hook));
			exit(64);
		}
		uint64_t v = num(eq + 1, "--ctx");
		memcpy(ctx + f.off, &v, type_width(f.type));
	}
}

static void print_changed(enum nx_hook_id hook, const uint8_t *before, const uint8_t *after)
{
#define NX_PRINT(h, arr, nm, seg, off, type, count, stride, acc) \
	if (NX_HOOK_##h == hook && !arr[0] && seg == NX_SEG_CTX && count == 0 && acc == NX_RW) { \
		struct field f = { nm, off, type }; \
		if (field_get(before, &f) != field_get(after, &f)) \
			printf("ctx.%s: %lld\n", nm, (long long)field_get(after, &f)); }
	NX_CTX_FIELDS(NX_PRINT)
#undef NX_PRINT
}

/* The entry: a hook the object declares, or a function; default the first hook. */
static int pick_entry(struct nx_ext *ext, const char *entry, enum nx_hook_id *hook)
{
	*hook = NX_HOOK_NONE;
	if (!entry) {
		if (!ext->nhooks)
			return -1;
		*hook = ext->hooks[0].hook;
		return (int)ext->hooks[0].func;
	}
	enum nx_hook_id h = nx_hook_by_name(entry);
	for (uint32_t i = 0; h && i < ext->nhooks; i++)
		if (ext->hooks[i].hook == h) {
			*hook = h;
			return (int)ext->hooks[i].func;
		}
	int f = nx_ext_func(ext, entry);
	return f < 0 ? -1 : f;
}

static void dump_buf(const char *name, const struct buf *b)
{
	printf("%s:", name);
	for (uint64_t i = 0; i + 8 <= b->len; i += 8) {
		int64_t v;
		memcpy(&v, b->p + i, 8);
		printf(" %lld", (long long)v);
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	static struct opts o;
	parse_args(&o, argc, argv);
	nx_host_trace = !o.quiet;
	size_t len;
	void *obj = read_file(o.file, &len);
	if (!obj) {
		fprintf(stderr, "nxrun: %s: %s\n", o.file, strerror(errno));
		return 64;
	}
	struct nx_ext *ext;
	struct nx_error err;
	if (nx_insert(obj, len, 1, o.trusted, &ext, &err)) {
		fprintf(stderr, "nxrun: %s: %s\n", o.file, err.msg);
		return 2;
	}
	enum nx_hook_id hook;
	int func = pick_entry(ext, o.entry, &hook);
	if (func < 0) {
		fprintf(stderr, "nxrun: %s: no entry '%s' (neither a declared hook nor a function)\n",
			o.file, o.entry ? o.entry : "(first hook)");
		return 64;
	}
	if (o.nargs != ext->fn[func].nargs) {
		fprintf(stderr, "nxrun: %s: '%s' takes %u arguments, %u given with --arg\n", o.file,
			nx_str(ext, ext->fn[func].name), ext->fn[func].nargs, o.nargs);
		return 64;
	}
	if (o.ntasks) {
		o.buf[0].p = (uint8_t *)o.tasks;
		o.buf[0].len = o.ntasks * sizeof o.tasks[0];
	}
	/* A plain function entry sees the context of the object's first hook. */
	if (!hook)
		hook = ext->nhooks ? (enum nx_hook_id)ext->hooks[0].hook : NX_HOOK_TRAP;
	uint64_t ctxmem[16] = { 0 }, before[16];
	set_ctx(hook, (uint8_t *)ctxmem, &o);
	memcpy(before, ctxmem, sizeof before);
	struct nx_env env = { .owner = 1, .fuel = o.fuel };
	nx_env_setup(&env, hook, ctxmem, o.buf[0].p, o.buf[0].len, o.buf[1].p, o.buf[1].len);
	/* The unchecked set has no fuel and no bounds: an untrusted object run
	 * there could loop forever or touch memory outside its segments, which
	 * no node would ever let it do.  Only on request. */
	if (o.mode == NX_SET_UNCHECKED && ext->trust != NX_TRUST_TRUSTED && !o.trusted) {
		fprintf(stderr, "nxrun: %s: extension '%s' is untrusted and --mode unchecked runs it without "
			"fuel or bounds checks; add --trusted to run it so anyway\n", o.file, ext->name);
		return 64;
	}
	int mode = o.mode >= 0 ? o.mode : o.repeat == 1 ? NX_SET_COUNTING : (int)ext->set;
	if (mode < NX_SET_COUNT)
		nx_ext_set_mode(ext, (enum nx_set)mode);
	struct nx_result res;
	/* The reference interpreter has no watch handler to send a run to. */
	if (o.budget_ms && mode != NX_SET_COUNT && nx_host_watchdog(o.budget_ms * 1000000)) {
		perror("nxrun: cannot start the runaway stop");
		return 64;
	}
	for (uint64_t i = 0; i < o.repeat; i++) {
		if (mode == NX_SET_COUNT)
			nx_run_ref(ext, (uint32_t)func, &env, o.args, o.nargs, &res);
		else
			nx_run(ext, (uint32_t)func, &env, o.args, o.nargs, &res);
	}
	nx_host_watchdog(0);
	printf("result: %lld\n", (long long)res.value);
	if (res.fault) {
		char where[128];
		printf("fault: %s in %s at insn %u\n", nx_fault_name(res.fault),
		       nx_str(ext, ext->fn[res.func].name), res.insn);
		nx_fault_text(ext, res.fault, res.func, res.insn, where, sizeof where);
		printf("%s\n", where);
	}
	if (mode == NX_SET_COUNTING || mode == NX_SET_COUNT)
		printf("insns: %llu\n", (unsigned long long)ext->st.insns);
	print_changed(hook, (uint8_t *)before, (uint8_t *)ctxmem);
	if (o.dump[0])
		dump_buf("buf0", &o.buf[0]);
	if (o.dump[1])
		dump_buf("buf1", &o.buf[1]);
	return res.fault ? 1 : 0;
}

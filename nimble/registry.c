/*
 * The registry: inserted extensions by name, their hook attachments, and
 * the calls between them.
 *
 * Insert and remove are serialised by the embedder (nimble.h); runs and
 * fires may be concurrent with each other.  An extension is freed only
 * when no run is in flight: remove sets `dying`, then looks at
 * `inflight`; a run increments `inflight`, then looks at `dying` (both
 * sequentially consistent), so one of the two always sees the other.
 *
 * Hook order: the attachments of one (hook, arg) run in ascending prio
 * (struct nx_hook.prio), ties in insertion order.
 *
 * XCALL trust rule, checked at insert: an untrusted extension may import
 * exports of trusted extensions and of untrusted ones with the same
 * owner; a trusted one may import any.  The callee always runs its own
 * handler set with its own data segment, so a trusted caller's call into
 * an untrusted export runs checked.  Removing a provider unresolves its
 * importers' XCALLs, which then fault XCALL.
 */
#include "internal.h"
#include <lwk/fmt.h>
#include "str.h"

static struct nx_ext *exts;
/* One list per hook, so a fire walks only its own hook's attachments;
 * nx_hooks_armed has bit h set while hook h's list is not empty, so a hook
 * site tests it inline before it builds a context (nimble.h). */
struct nx_attach *nx_attached[NX_HOOK_COUNT];
struct nx_solo *nx_hook_solo[NX_HOOK_COUNT];
uint32_t nx_hooks_armed;
uint8_t nx_hook_reach[NX_HOOK_COUNT];

/* The hook's attachment if it is the only one and nx_fire can run it in
 * one exec call (small entry, not ejected), else NULL. */
static struct nx_solo *solo_of(unsigned h)
{
	struct nx_attach *a = nx_attached[h];
	return a && !a->next && a->solo.run && !__atomic_load_n(&a->ejected, __ATOMIC_RELAXED) ? &a->solo : NULL;
}

/* After an attach, detach or retranslation: which hooks are armed, their
 * solo attachments, and which segments their extensions can reach (a hook
 * site builds only those). */
static void armed_update(void)
{
	uint32_t m = 0;
	for (unsigned h = 0; h < NX_HOOK_COUNT; h++) {
		unsigned reach = 0;
		for (struct nx_attach *a = nx_attached[h]; a; a = a->next)
			reach |= a->ext->reach;
		__atomic_store_n(&nx_hook_reach[h], (uint8_t)reach, __ATOMIC_RELAXED);
		__atomic_store_n(&nx_hook_solo[h], solo_of(h), __ATOMIC_RELEASE);
		m |= (nx_attached[h] != NULL) << h;
	}
	__atomic_store_n(&nx_hooks_armed, m, __ATOMIC_RELEASE);
}

/* Too many faults: fires skip a from now on (it stays attached). */
void nx_attach_eject(struct nx_attach *a)
{
	__atomic_store_n(&a->ejected, 1, __ATOMIC_RELAXED);
	struct nx_solo *self = &a->solo;
	__atomic_compare_exchange_n(&nx_hook_solo[a->hook], &self, NULL, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}
static uint64_t attach_seq;

struct nx_ext *nx_lookup(const char *name)
{
	for (struct nx_ext *e = exts; e; e = e->next)
		if (nx_streq(e->name, name))
			return e;
	return NULL;
}

const char *nx_ext_name(const struct nx_ext *e) { return e->name; }
enum nx_trust nx_ext_trust(const struct nx_ext *e) { return e->trust; }
uint32_t nx_ext_owner(const struct nx_ext *e) { return e->owner; }

void nx_ext_stats(const struct nx_ext *e, struct nx_stats *st)
{
	*st = e->st;
}

/* The source line of instruction insn: the last LINES range starting at or
 * before it (the table is sorted, checked at load); 0 if none. */
static uint32_t line_of(const struct nx_ext *e, uint32_t insn)
{
	uint32_t lo = 0, hi = e->nlines;     /* first range starting after insn */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (e->lines[mid].insn <= insn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? e->lines[lo - 1].line : 0;
}

void nx_fault_text(const struct nx_ext *e, enum nx_fault f, uint32_t func, uint32_t insn,
		   char *buf, size_t size)
{
	uint32_t line = line_of(e, insn);
	const char *fn = func < e->nfn ? nx_str(e, e->fn[func].name) : "?";
	if (e->source[0] && line)
		fmt_snprintf(buf, size, "%s:%u: fault %s in %s", e->source, line, nx_fault_name(f), fn);
	else
		fmt_snprintf(buf, size, "%s: fault %s in %s at insn %u", e->name, nx_fault_name(f), fn,
			     insn);
}

int nx_ext_func(const struct nx_ext *e, const char *name)
{
	for (uint32_t i = 0; i < e->nfn; i++)
		if (nx_streq(nx_str(e, e->fn[i].name), name))
			return (int)i;
	for (uint32_t i = 0; i < e->nexports; i++)
		if (nx_streq(nx_str(e, e->exports[i].name), name))
			return (int)e->exports[i].func;
	return -NX_ENOENT;
}

static int resolve_one(struct nx_ext *e, uint32_t i, struct nx_error *err)
{
	const char *pname = nx_str(e, e->ximp_name[2 * i]), *xname = nx_str(e, e->ximp_name[2 * i + 1]);
	struct nx_ext *p = nx_lookup(pname);
	if (!p)
		return nx_errf(err, NX_ENOENT, -1, -1, "extension import %u: extension '%s' is not inserted", i, pname);
	uint32_t x = 0;
	while (x < p->nexports && !nx_streq(nx_str(p, p->exports[x].name), xname))
		x++;
	if (x == p->nexports)
		return nx_errf(err, NX_ENOENT, -1, -1, "extension import %u: '%s' exports no '%s'", i, pname, xname);
	uint32_t fi = p->exports[x].func;
	if (p->fn[fi].nargs != e->ximp_fn[i])
		return nx_errf(err, NX_EINVAL, -1, -1, "extension import %u: %s.%s takes %u arguments, the import says %u",
			       i, pname, xname, p->fn[fi].nargs, e->ximp_fn[i]);
	if (e->trust == NX_TRUST_UNTRUSTED && p->trust == NX_TRUST_UNTRUSTED && p->owner != e->owner)
		return nx_errf(err, NX_EPERM, -1, -1, "extension import %u: untrusted '%s' belongs to another owner",
			       i, pname);
	e->ximp[i] = p;
	e->ximp_fn[i] = fi;
	return 0;
}

/* What a hook entry of a needs from its function and handler set. */
static void attach_entry(struct nx_attach *a)
{
	a->solo.run = a->fn->small ? nx_exec_set[a->ext->set] : NULL;
	a->zlo = a->fn->zlo;
	a->zn = a->fn->zn;
	a->prep = a->ext->segs || a->zn;
}

/* After e was retranslated for another handler set. */
void nx_attach_retarget(struct nx_ext *e)
{
	for (unsigned h = 0; h < NX_HOOK_COUNT; h++)
		for (struct nx_attach *a = nx_attached[h]; a; a = a->next)
			if (a->ext == e)
				attach_entry(a);
	armed_update();
}

static int attach_hooks(struct nx_ext *e)
{
	/* What the new runs can reach is known before they can start. */
	for (uint32_t i = 0; i < e->nhooks; i++)
		__atomic_fetch_or(&nx_hook_reach[e->hooks[i].hook], e->reach, __ATOMIC_RELEASE);
	for (uint32_t i = 0; i < e->nhooks; i++) {
		struct nx_attach *a = nx_host_alloc(sizeof *a);
		if (!a)
			return -NX_ENOMEM;
		*a = (struct nx_attach){ .solo.arg = e->hooks[i].arg, .ext = e, .hook = e->hooks[i].hook,
					 .prio = e->hooks[i].prio, .fn = &e->fn[e->hooks[i].func],
					 .entry = &e->cells[e->fn[e->hooks[i].func].start],
					 .seq = attach_seq++ };
		attach_entry(a);
		a->sibling = e->att;
		e->att = a;
		struct nx_attach **pp = &nx_attached[a->hook];
		while (*pp && ((*pp)->prio < a->prio || ((*pp)->prio == a->prio && (*pp)->seq < a->seq)))
			pp = &(*pp)->next;
		a->next = *pp;
		/* Publish a fully built node: concurrent fires may be walking. */
		__atomic_store_n(pp, a, __ATOMIC_RELEASE);
		armed_update();
	}
	return 0;
}

/* Take e's attachments off the hook lists; they stay on e->att, for a
 * fire that loaded one just before, until nx_free. */
static void detach_hooks(struct nx_ext *e)
{
	for (unsigned h = 0; h < NX_HOOK_COUNT; h++)
		for (struct nx_attach **pp = &nx_attached[h]; *pp;) {
			struct nx_attach *a = *pp;
			if (a->ext == e)
				__atomic_store_n(pp, a->next, __ATOMIC_RELEASE);
			else
				pp = &a->next;
		}
	armed_update();
}

static void free_attachments(struct nx_ext *e)
{
	while (e->att) {
		struct nx_attach *a = e->att;
		e->att = a->sibling;
		nx_host_free(a, sizeof *a);
	}
}

/* The segments some load or store names (fused cells keep their plain
 * instructions' segments): a checked run computes limits for these only. */
static uint8_t segs_used(const struct nx_ext *e)
{
	unsigned m = 0;
	for (uint32_t i = 0; i < e->ncode; i++) {
		enum nx_fmt f = nx_op_fmt(NX_INSN_OP(e->code[i]));
		if (f == NX_F_LD || f == NX_F_ST)
			m |= 1u << NX_INSN_C(e->code[i]);
	}
	return (uint8_t)m;
}

/* The segments a run of e may touch: those its loads and stores name,
 * or all of them if a helper takes segment numbers or an XCALL runs
 * another extension's code. */
static uint8_t segs_reach(const struct nx_ext *e)
{
	int any = e->nximp > 0;
	for (uint32_t i = 0; i < e->nhelpers; i++)
		any |= (nx_helper_flags(e->helper[i]) & NX_HF_SEGS) != 0;
	return any ? (uint8_t)((1u << NX_SEG_COUNT) - 1) : e->segs;
}

/* Load, verify and translate; nothing is attached or registered yet, so
 * no fire, lookup or XCALL can find the result. */
int nx_prepare(const void *obj, size_t len, uint32_t owner, int may_trust,
	       struct nx_ext **out, struct nx_error *err)
{
	struct nx_ext *e;
	int rc = nx_load(obj, len, &e, err);
	if (rc)
		return rc;
	e->owner = owner;
	if (e->trust == NX_TRUST_TRUSTED && !may_trust)
		rc = nx_errf(err, NX_EPERM, -1, -1, "extension '%s' asks for trust; the inserter is not privileged", e->name);
	if (!rc)
		rc = nx_verify(e, err);
	if (rc) {
		nx_ext_free(e);
		return rc;
	}
	e->segs = segs_used(e);
	e->reach = segs_reach(e);
	nx_mark_small(e);
	nx_translate(e, e->trust == NX_TRUST_TRUSTED ? NX_SET_UNCHECKED : NX_SET_CHECKED);
	*out = e;
	return 0;
}

uint32_t nx_ext_hooks(const struct nx_ext *e)
{
	uint32_t m = 0;
	for (uint32_t i = 0; i < e->nhooks; i++)
		m |= 1u << e->hooks[i].hook;     /* verified: hook < NX_HOOK_COUNT */
	return m;
}

int nx_ext_attaches(const struct nx_ext *e, enum nx_hook_id hook, uint32_t arg)
{
	for (uint32_t i = 0; i < e->nhooks; i++)
		if (e->hooks[i].hook == hook && e->hooks[i].arg == arg)
			return 1;
	return 0;
}

/* What depends on the registry is checked here, against the registry as
 * it is now: the name, and the XCALL imports.  Then the hooks. */
int nx_commit(struct nx_ext *e, struct nx_error *err)
{
	int rc = 0;
	if (nx_lookup(e->name))
		rc = nx_errf(err, NX_EEXIST, -1, -1, "an extension named '%s' is already inserted", e->name);
	for (uint32_t i = 0; !rc && i < e->nximp; i++)
		rc = resolve_one(e, i, err);
	if (!rc && attach_hooks(e)) {
		detach_hooks(e);
		free_attachments(e);
		rc = nx_errf(err, NX_ENOMEM, -1, -1, "out of memory attaching hooks");
	}
	if (rc) {
		nx_ext_free(e);
		return rc;
	}
	e->next = exts;
	exts = e;
	return 0;
}

void nx_discard(struct nx_ext *e)
{
	nx_ext_free(e);
}

int nx_insert(const void *obj, size_t len, uint32_t owner, int may_trust,
	      struct nx_ext **out, struct nx_error *err)
{
	struct nx_ext *e;
	int rc = nx_prepare(obj, len, owner, may_trust, &e, err);
	if (!rc)
		rc = nx_commit(e, err);
	if (!rc && out)
		*out = e;
	return rc;
}

/* Off the registry, its hooks and its importers: a lookup, fire or XCALL
 * that starts later does not find e. */
static void unlink_ext(struct nx_ext *e)
{
	detach_hooks(e);
	for (struct nx_ext **pp = &exts; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	for (struct nx_ext *o = exts; o; o = o->next)
		for (uint32_t i = 0; i < o->nximp; i++)
			if (o->ximp[i] == e)
				__atomic_store_n(&o->ximp[i], NULL, __ATOMIC_RELEASE);
}

/* The embedder frees e after its grace period, which also covers runs in
 * flight: no refusal here.  dying makes a run that found e just before
 * back out instead of starting. */
void nx_unlink(struct nx_ext *e)
{
	__atomic_store_n(&e->dying, 1, __ATOMIC_SEQ_CST);
	unlink_ext(e);
}

void nx_free(struct nx_ext *e)
{
	free_attachments(e);
	nx_ext_free(e);
}

int nx_remove(struct nx_ext *e)
{
	__atomic_store_n(&e->dying, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&e->inflight, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&e->dying, 0, __ATOMIC_SEQ_CST);
		return -NX_EBUSY;
	}
	unlink_ext(e);
	nx_free(e);
	return 0;
}

int nx_hook_attached(enum nx_hook_id hook, uint32_t arg)
{
	int n = 0;
	for (struct nx_attach *a = nx_hook_first(hook); a; a = a->next)
		n += a->solo.arg == arg && !a->ejected;
	return n;
}

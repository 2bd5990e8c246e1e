/*
 * The reference interpreter: a plain decode-and-switch loop over the raw
 * bytecode, written independently of the threaded handlers so that the
 * differential tests compare two implementations of isa.h, and kept as
 * the benchmark baseline.  Same contract as nx_run; checks (bounds, fuel)
 * apply when the extension's handler set is checked.  It counts every
 * executed instruction into rs->insns.
 */
#include <string.h>
#include "internal.h"

struct ref {
	struct nx_run *rs;
	struct nx_ext *e;
	int checked;
};

static int ref_exec(struct nx_run *rs, struct nx_ext *e, uint32_t pc, uint64_t *r);

uint64_t (*nx_ref_pairs)[NX_OP_COUNT];

static int mem_width(unsigned op)
{
	switch (op) {
	case NX_OP_LD8: case NX_OP_LDS8: case NX_OP_ST8: return 1;
	case NX_OP_LD16: case NX_OP_LDS16: case NX_OP_ST16: return 2;
	case NX_OP_LD32: case NX_OP_LDS32: case NX_OP_ST32: return 4;
	default: return 8;
	}
}

/* Little-endian load/store of w bytes, byte by byte. */
static uint64_t get_le(const uint8_t *p, int w)
{
	uint64_t v = 0;
	for (int i = w - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put_le(uint8_t *p, int w, uint64_t v)
{
	for (int i = 0; i < w; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t sext(uint64_t v, int w)
{
	int sh = 64 - 8 * w;
	return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* Fault: remember where (instruction index) and return the kind. */
static int ref_fault(struct nx_run *rs, struct nx_ext *e, uint32_t pc, int f)
{
	rs->fault = (enum nx_fault)f;
	rs->fault_ext = e;
	rs->fault_cell = &e->cells[pc];
	return f;
}

static int ref_mem(struct nx_run *rs, int checked, uint64_t w, uint64_t *r)
{
	unsigned op = NX_INSN_OP(w), seg = NX_INSN_C(w);
	int width = mem_width(op);
	uint64_t off = r[NX_INSN_B(w)] + (uint64_t)(int64_t)NX_INSN_IMM(w);
	uint64_t len = rs->len[seg];
	int fits = off < len && len - off >= (uint64_t)width;
	if (op >= NX_OP_ST8) {
		if (checked && !fits)
			return NX_FAULT_OOB_STORE;
		if (checked && off < rs->wr[seg])
			return NX_FAULT_RO_STORE;
		put_le(rs->base[seg] + off, width, r[NX_INSN_A(w)]);
		return 0;
	}
	if (checked && !fits)
		return NX_FAULT_OOB_LOAD;
	uint64_t v = get_le(rs->base[seg] + off, width);
	r[NX_INSN_A(w)] = op >= NX_OP_LDS8 ? sext(v, width) : v;
	return 0;
}

/* Unsigned or signed division or remainder; 0 or fault DIV_ZERO. */
static int divide(uint64_t x, uint64_t y, int is_signed, int rem, uint64_t *out)
{
	if (y == 0)
		return NX_FAULT_DIV_ZERO;
	if (!is_signed)
		*out = rem ? x % y : x / y;
	else if ((int64_t)y == -1)   /* INT64_MIN / -1 wraps; its remainder is 0 */
		*out = rem ? 0 : ~x + 1;
	else
		*out = rem ? (uint64_t)((int64_t)x % (int64_t)y) : (uint64_t)((int64_t)x / (int64_t)y);
	return 0;
}

/* A CALL's frame must fit the register stack: then zero its registers. */
static int ref_call_fits(struct nx_run *rs, struct nx_ext *e, uint32_t fi, uint64_t *nr)
{
	const struct nx_fn *f = &e->fn[fi];
	if (nr + f->nregs > rs->stack_end || rs->depth == NX_MAX_DEPTH)
		return 0;
	for (unsigned i = f->nargs; i < f->nregs; i++)
		nr[i] = 0;
	return 1;
}

static int ref_xcall(struct nx_run *rs, struct nx_ext *callee, uint32_t fi, uint64_t *nr)
{
	if (!callee)
		return NX_FAULT_XCALL;
	const struct nx_fn *f = &callee->fn[fi];
	if (rs->xdepth == NX_MAX_XDEPTH || nr + f->nregs > rs->stack_end)
		return NX_FAULT_STACK;
	for (unsigned i = f->nargs; i < f->nregs; i++)
		nr[i] = 0;
	struct nx_ext *caller = rs->ext;
	uint8_t *b = rs->base[0];
	uint64_t l = rs->len[0];
	rs->ext = callee;
	rs->base[0] = callee->data;
	rs->len[0] = callee->data_len;
	rs->xdepth++;
	int rc = ref_exec(rs, callee, f->start, nr);
	rs->xdepth--;
	rs->ext = caller;
	rs->base[0] = b;
	rs->len[0] = l;
	return rc;
}

static int burn(struct nx_run *rs, int checked)
{
	if (!checked)
		return 0;
	if (rs->fuel == 0)
		return NX_FAULT_FUEL;
	rs->fuel--;
	return 0;
}

/* Run from instruction pc with frame r until RET; the result goes to r[0]. */
static int ref_exec(struct nx_run *rs, struct nx_ext *e, uint32_t pc, uint64_t *r)
{
	int checked = e->set != NX_SET_UNCHECKED;
	unsigned prev = NX_OP_COUNT;   /* the instruction that fell into this one */
	for (;;) {
		uint64_t w = e->code[pc];
		unsigned op = NX_INSN_OP(w), a = NX_INSN_A(w), b = NX_INSN_B(w), c = NX_INSN_C(w);
		if (nx_ref_pairs && prev < NX_OP_COUNT)
			nx_ref_pairs[prev][op]++;
		prev = op;
		int64_t imm = NX_INSN_IMM(w), off = imm, off16 = NX_INSN_OFF16(w);
		uint64_t k = (uint64_t)imm;
		int rc = 0, taken = 0;
		rs->insns++;
		/* One case per opcode and no default: the build fails (-Wswitch)
		 * until a new instruction has its line here. */
		switch ((enum nx_op)op) {
		case NX_OP_MOV:   r[a] = r[b]; break;
		case NX_OP_MOVI:  r[a] = k; break;
		case NX_OP_MOVHI: r[a] = (r[a] & 0xffffffffull) | k << 32; break;
		case NX_OP_ADD:   r[a] = r[b] + r[c]; break;
		case NX_OP_SUB:   r[a] = r[b] - r[c]; break;
		case NX_OP_MUL:   r[a] = r[b] * r[c]; break;
		case NX_OP_DIVU:  rc = divide(r[b], r[c], 0, 0, &r[a]); break;
		case NX_OP_DIVS:  rc = divide(r[b], r[c], 1, 0, &r[a]); break;
		case NX_OP_MODU:  rc = divide(r[b], r[c], 0, 1, &r[a]); break;
		case NX_OP_MODS:  rc = divide(r[b], r[c], 1, 1, &r[a]); break;
		case NX_OP_AND:   r[a] = r[b] & r[c]; break;
		case NX_OP_OR:    r[a] = r[b] | r[c]; break;
		case NX_OP_XOR:   r[a] = r[b] ^ r[c]; break;
		case NX_OP_SHL:   r[a] = r[b] << (r[c] % 64); break;
		case NX_OP_SHR:   r[a] = r[b] >> (r[c] % 64); break;
		case NX_OP_SAR:   r[a] = (uint64_t)((int64_t)r[b] >> (r[c] % 64)); break;
		case NX_OP_ADDI:  r[a] = r[b] + k; break;
		case NX_OP_MULI:  r[a] = r[b] * k; break;
		case NX_OP_DIVUI: rc = divide(r[b], k, 0, 0, &r[a]); break;
		case NX_OP_DIVSI: rc = divide(r[b], k, 1, 0, &r[a]); break;
		case NX_OP_MODUI: rc = divide(r[b], k, 0, 1, &r[a]); break;
		case NX_OP_MODSI: rc = divide(r[b], k, 1, 1, &r[a]); break;
		case NX_OP_ANDI:  r[a] = r[b] & k; break;
		case NX_OP_ORI:   r[a] = r[b] | k; break;
		case NX_OP_XORI:  r[a] = r[b] ^ k; break;
		case NX_OP_SHLI:  r[a] = r[b] << (k % 64); break;
		case NX_OP_SHRI:  r[a] = r[b] >> (k % 64); break;
		case NX_OP_SARI:  r[a] = (uint64_t)((int64_t)r[b] >> (k % 64)); break;
		case NX_OP_NEG:   r[a] = ~r[b] + 1; break;
		case NX_OP_NOT:   r[a] = ~r[b]; break;
		case NX_OP_SEQ:   r[a] = r[b] == r[c]; break;
		case NX_OP_SNE:   r[a] = r[b] != r[c]; break;
		case NX_OP_SLTU:  r[a] = r[b] < r[c]; break;
		case NX_OP_SLTS:  r[a] = (int64_t)r[b] < (int64_t)r[c]; break;
		case NX_OP_SLEU:  r[a] = r[b] <= r[c]; break;
		case NX_OP_SLES:  r[a] = (int64_t)r[b] <= (int64_t)r[c]; break;
		case NX_OP_SEQI:  r[a] = r[b] == k; break;
		case NX_OP_SNEI:  r[a] = r[b] != k; break;
		case NX_OP_SLTUI: r[a] = r[b] < k; break;
		case NX_OP_SLTSI: r[a] = (int64_t)r[b] < imm; break;
		case NX_OP_SGTUI: r[a] = r[b] > k; break;
		case NX_OP_SGTSI: r[a] = (int64_t)r[b] > imm; break;
		case NX_OP_LD8: case NX_OP_LD16: case NX_OP_LD32: case NX_OP_LD64:
		case NX_OP_LDS8: case NX_OP_LDS16: case NX_OP_LDS32:
		case NX_OP_ST8: case NX_OP_ST16: case NX_OP_ST32: case NX_OP_ST64:
			rc = ref_mem(rs, checked, w, r);
			break;
		case NX_OP_JMP:   taken = 1; break;
		case NX_OP_JEQ:   taken = r[a] == r[b]; break;
		case NX_OP_JNE:   taken = r[a] != r[b]; break;
		case NX_OP_JLTU:  taken = r[a] < r[b]; break;
		case NX_OP_JLTS:  taken = (int64_t)r[a] < (int64_t)r[b]; break;
		case NX_OP_JLEU:  taken = r[a] <= r[b]; break;
		case NX_OP_JLES:  taken = (int64_t)r[a] <= (int64_t)r[b]; break;
		case NX_OP_JEQI:  taken = r[a] == k, off = off16; break;
		case NX_OP_JNEI:  taken = r[a] != k, off = off16; break;
		case NX_OP_JLTUI: taken = r[a] < k, off = off16; break;
		case NX_OP_JLTSI: taken = (int64_t)r[a] < imm, off = off16; break;
		case NX_OP_JGTUI: taken = r[a] > k, off = off16; break;
		case NX_OP_JGTSI: taken = (int64_t)r[a] > imm, off = off16; break;
		case NX_OP_HCALL: {
			uint64_t v = nx_call_helper(rs, e->helper[imm], &r[a]);
			if (rs->fault)
				return ref_fault(rs, e, pc, rs->fault);
			r[a] = v;
			break;
		}
		case NX_OP_XCALL:
			if (!(rc = burn(rs, checked)))
				rc = ref_xcall(rs, e->ximp[imm], e->ximp_fn[imm], r + a);
			break;
		case NX_OP_CALL:
			if ((rc = burn(rs, checked)))
				break;
			if (!ref_call_fits(rs, e, (uint32_t)imm, r + a)) {
				rc = NX_FAULT_STACK;
				break;
			}
			rs->depth++;
			rc = ref_exec(rs, e, e->fn[imm].start, r + a);
			rs->depth--;
			if (rc)
				return rc;  /* located inside the callee */
			break;
		case NX_OP_RET:
			r[0] = r[a];
			return 0;
		case NX_OP_COUNT:   /* the verifier refused it */
			break;
		}
		if (taken && !rc) {
			if (off < 0 && (rc = burn(rs, checked)))
				return ref_fault(rs, e, pc, rc);
			pc = (uint32_t)((int64_t)pc + 1 + off);
			prev = NX_OP_COUNT;
			continue;
		}
		if (rc)
			return ref_fault(rs, e, pc, rc);
		pc++;
	}
}

int nx_run_ref(struct nx_ext *ext, uint32_t func, struct nx_env *env,
	       const uint64_t *args, unsigned nargs, struct nx_result *res)
{
	memset(res, 0, sizeof *res);
	if (!ext || func >= ext->nfn || nargs != ext->fn[func].nargs || !env)
		return -NX_EINVAL;
	struct nx_run_mem *mem = nx_host_alloc(sizeof *mem);
	if (!mem)
		return -NX_ENOMEM;
	struct nx_run run, *rs = &run;
	const struct nx_fn *f = &ext->fn[func];
	nx_run_setup(rs, mem, ext, env);
	memset(mem->stack, 0, f->nregs * sizeof *mem->stack);
	if (nargs)
		memcpy(mem->stack, args, nargs * sizeof *args);
	int rc = ref_exec(rs, ext, f->start, mem->stack);
	res->value = rc ? 0 : mem->stack[0];
	res->fault = (enum nx_fault)rc;
	res->abort_code = rs->code;
	if (rc) {
		res->insn = (uint32_t)(rs->fault_cell - rs->fault_ext->cells);
		res->func = (uint32_t)nx_func_of(rs->fault_ext, res->insn);
	}
	ext->st.insns += rs->insns;
	nx_host_free(mem, sizeof *mem);
	return 0;
}

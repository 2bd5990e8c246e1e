/*
 * The Nimble bytecode instruction set, defined once.
 *
 * Every tool that touches bytecode includes this table: extc's code
 * generator, the verifier, the translator, the threaded and reference
 * interpreters, the disassembler and the generator of docs/isa.md.
 *
 * Encoding: every instruction is one little-endian 64-bit word
 *
 *     bits  0..7   op     opcode (NX_OP_*)
 *     bits  8..15  a      register (usually the destination)
 *     bits 16..23  b      register
 *     bits 24..31  c      register, memory segment or argument count
 *     bits 32..63  imm    signed 32-bit immediate
 *
 * Machine model: a register machine.  A function declares nregs <= 255
 * 64-bit registers r0..r(nregs-1); they live in a frame of the run's
 * register stack.  A function's arguments arrive in r0..r(nargs-1); all
 * other registers start at 0.  Arithmetic wraps modulo 2^64.
 *
 * Memory is reached only through segments (see enum nx_seg_id): an address is
 * seg[c].base + r[b] + imm, and must lie inside the segment.  The checked
 * handler set enforces this on every access; the unchecked set trusts the
 * verifier and the inserter.
 *
 * Branch offsets are in instructions, relative to the NEXT instruction:
 * "pc = pc + 1 + off".  A target must lie inside the same function.
 *
 * Calls (Lua-style register windows): CALL a, imm=f, c=n calls function f
 * with a frame that starts at the caller's r[a]; the n arguments must be in
 * r[a]..r[a+n-1] and become the callee's r0..r(n-1).  The callee's result
 * lands in the caller's r[a]; the caller's registers above r[a] are
 * clobbered, the ones below are preserved.  HCALL (kernel helper) and
 * XCALL (exported function of another extension) take their arguments the
 * same way; HCALL clobbers only r[a].
 */
#ifndef NIMBLE_ISA_H
#define NIMBLE_ISA_H

/*
 * Operand formats, each defined once: which fields it uses and what they
 * mean, which registers it reads and writes, and how extc -S prints it.
 * The verifier, the translator's register analysis, the disassembler and
 * docs/isa.md all read this table.
 *
 * X(NAME, fields, reads, writes, operands as printed, what the fields are)
 *   fields   NX_FA/FB/FC/FI: a, b, c, imm are used (the others must be 0);
 *            NX_FSEG: c names a segment; NX_FOFF: imm is a branch offset;
 *            NX_FOFF16: b | c << 8 is a signed 16-bit branch offset;
 *            NX_FWIN: r[a] .. r[a+c-1] is an argument window, c a count
 *   reads    NX_FA/FB/FC: registers the instruction reads
 *   writes   NX_FA: it writes r[a]
 *   operands ra/rb/rc register, imm immediate, seg segment, off/off16
 *            branch target, fn callee index, n argument count
 */
#define NX_FA     0x01u
#define NX_FB     0x02u
#define NX_FC     0x04u
#define NX_FI     0x08u
#define NX_FSEG   0x10u
#define NX_FOFF   0x20u
#define NX_FOFF16 0x40u
#define NX_FWIN   0x80u

#define NX_FORMATS(X) \
	X(NONE, 0,                      0,           0,     "",                  "no operands") \
	X(RR,   NX_FA | NX_FB,          NX_FB,       NX_FA, "ra, rb",            "a, b: registers") \
	X(RI,   NX_FA | NX_FI,          0,           NX_FA, "ra, imm",           "a: register; imm: signed 32-bit immediate") \
	X(RMI,  NX_FA | NX_FI,          NX_FA,       NX_FA, "ra, imm",           "a: register, read and written; imm: signed 32-bit immediate") \
	X(RRR,  NX_FA | NX_FB | NX_FC,  NX_FB|NX_FC, NX_FA, "ra, rb, rc",        "a, b, c: registers") \
	X(RRI,  NX_FA | NX_FB | NX_FI,  NX_FB,       NX_FA, "ra, rb, imm",       "a, b: registers; imm: signed 32-bit immediate") \
	X(LD,   NX_FA | NX_FB | NX_FC | NX_FI | NX_FSEG, NX_FB, NX_FA, "ra, seg[rb + imm]", "a: destination; b: base register; c: segment; imm: signed offset") \
	X(ST,   NX_FA | NX_FB | NX_FC | NX_FI | NX_FSEG, NX_FA|NX_FB, 0, "seg[rb + imm], ra", "a: source; b: base register; c: segment; imm: signed offset") \
	X(J,    NX_FI | NX_FOFF,        0,           0,     "off",               "imm: branch offset in instructions, from the next one") \
	X(BRR,  NX_FA | NX_FB | NX_FI | NX_FOFF, NX_FA|NX_FB, 0, "ra, rb, off",  "a, b: registers compared; imm: branch offset") \
	X(BRI,  NX_FA | NX_FB | NX_FC | NX_FI | NX_FOFF16, NX_FA, 0, "ra, imm, off16", "a: register; imm: constant compared; b | c << 8: signed 16-bit branch offset") \
	X(CALL, NX_FA | NX_FC | NX_FI | NX_FWIN, NX_FA,  NX_FA, "ra, fn, n args",  "a: first argument register (and result); imm: function or import index; c: argument count") \
	X(R,    NX_FA,                  NX_FA,       0,     "ra",                "a: register")

enum nx_fmt {
#define NX_FMT_ENUM(name, fields, reads, writes, ops, doc) NX_F_##name,
	NX_FORMATS(NX_FMT_ENUM)
#undef NX_FMT_ENUM
	NX_F_COUNT
};

/*
 * Instruction classes: what kind of effect the expression column states.
 * X(NAME, meaning for the docs)
 */
#define NX_CLASSES(X) \
	X(ALU,    "r[a] = the expression") \
	X(DIV,    "r[a] = the expression; fault DIV_ZERO when r[c] == 0") \
	X(DIVI,   "r[a] = the expression; an immediate 0 is refused at insert") \
	X(LOAD,   "r[a] = the value of that type at seg[c] + r[b] + imm, extended to 64 bits") \
	X(STORE,  "the low bytes of r[a], as that type, to seg[c] + r[b] + imm") \
	X(BRANCH, "when the expression holds, go to the target") \
	X(CALL,   "a call (handlers written by hand)") \
	X(RET,    "return (handler written by hand)")

enum nx_class {
#define NX_CLASS_ENUM(name, doc) NX_K_##name,
	NX_CLASSES(NX_CLASS_ENUM)
#undef NX_CLASS_ENUM
	NX_K_COUNT
};

/* The signed view of a 64-bit value, for the expressions below. */
#define NX_S(x) ((int64_t)(x))

/*
 * The table: X(NAME, format, class, expression)
 *
 * The expression is C over the operands as unsigned 64-bit values:
 * va, vb, vc the registers r[a], r[b], r[c]; vi the immediate,
 * sign-extended.  It is the instruction's one definition: the threaded
 * handlers (exec_body.h), extc's constant folding (nx_isa_eval) and
 * docs/isa.md are expanded from it.  For LOAD and STORE it is the memory
 * type (u8 .. i32); for CALL and RET a description, their handlers being
 * written by hand.  nimble/ref.c, the differential tests' oracle, is
 * written independently and must name every opcode (the build fails
 * otherwise).
 *
 * The order is the opcode numbering: NX_OP_<NAME> = position.  Append new
 * instructions at the end and bump NX_VERSION_MINOR (include/nimble/nx.h).
 */
#define NX_ISA(X) \
	/* moves and constants */                                                     \
	X(MOV,   RR,   ALU,    vb)                                                     \
	X(MOVI,  RI,   ALU,    vi)                                                     \
	X(MOVHI, RMI,  ALU,    (va & 0xffffffffu) | vi << 32)                          \
	/* arithmetic and logic, register-register */                                \
	X(ADD,   RRR,  ALU,    vb + vc)                                                \
	X(SUB,   RRR,  ALU,    vb - vc)                                                \
	X(MUL,   RRR,  ALU,    vb * vc)                                                \
	X(DIVU,  RRR,  DIV,    vb / vc)                                                \
	X(DIVS,  RRR,  DIV,    NX_S(vc) == -1 ? 0 - vb : (uint64_t)(NX_S(vb) / NX_S(vc))) \
	X(MODU,  RRR,  DIV,    vb % vc)                                                \
	X(MODS,  RRR,  DIV,    NX_S(vc) == -1 ? 0 : (uint64_t)(NX_S(vb) % NX_S(vc)))   \
	X(AND,   RRR,  ALU,    vb & vc)                                                \
	X(OR,    RRR,  ALU,    vb | vc)                                                \
	X(XOR,   RRR,  ALU,    vb ^ vc)                                                \
	X(SHL,   RRR,  ALU,    vb << (vc & 63))                                        \
	X(SHR,   RRR,  ALU,    vb >> (vc & 63))                                        \
	X(SAR,   RRR,  ALU,    (uint64_t)(NX_S(vb) >> (vc & 63)))                      \
	/* arithmetic and logic, register-immediate */                               \
	X(ADDI,  RRI,  ALU,    vb + vi)                                                \
	X(MULI,  RRI,  ALU,    vb * vi)                                                \
	X(DIVUI, RRI,  DIVI,   vb / vi)                                                \
	X(DIVSI, RRI,  DIVI,   NX_S(vi) == -1 ? 0 - vb : (uint64_t)(NX_S(vb) / NX_S(vi))) \
	X(MODUI, RRI,  DIVI,   vb % vi)                                                \
	X(MODSI, RRI,  DIVI,   NX_S(vi) == -1 ? 0 : (uint64_t)(NX_S(vb) % NX_S(vi)))   \
	X(ANDI,  RRI,  ALU,    vb & vi)                                                \
	X(ORI,   RRI,  ALU,    vb | vi)                                                \
	X(XORI,  RRI,  ALU,    vb ^ vi)                                                \
	X(SHLI,  RRI,  ALU,    vb << (vi & 63))                                        \
	X(SHRI,  RRI,  ALU,    vb >> (vi & 63))                                        \
	X(SARI,  RRI,  ALU,    (uint64_t)(NX_S(vb) >> (vi & 63)))                      \
	X(NEG,   RR,   ALU,    0 - vb)                                                 \
	X(NOT,   RR,   ALU,    ~vb)                                                    \
	/* comparisons producing 0 or 1 */                                           \
	X(SEQ,   RRR,  ALU,    vb == vc)                                               \
	X(SNE,   RRR,  ALU,    vb != vc)                                               \
	X(SLTU,  RRR,  ALU,    vb < vc)                                                \
	X(SLTS,  RRR,  ALU,    NX_S(vb) < NX_S(vc))                                    \
	X(SLEU,  RRR,  ALU,    vb <= vc)                                               \
	X(SLES,  RRR,  ALU,    NX_S(vb) <= NX_S(vc))                                   \
	X(SEQI,  RRI,  ALU,    vb == vi)                                               \
	X(SNEI,  RRI,  ALU,    vb != vi)                                               \
	X(SLTUI, RRI,  ALU,    vb < vi)                                                \
	X(SLTSI, RRI,  ALU,    NX_S(vb) < NX_S(vi))                                    \
	X(SGTUI, RRI,  ALU,    vb > vi)                                                \
	X(SGTSI, RRI,  ALU,    NX_S(vb) > NX_S(vi))                                    \
	/* memory: a <- seg[c] at r[b] + imm, zero- (u) or sign- (i) extended */     \
	X(LD8,   LD,   LOAD,   u8)                                                     \
	X(LD16,  LD,   LOAD,   u16)                                                    \
	X(LD32,  LD,   LOAD,   u32)                                                    \
	X(LD64,  LD,   LOAD,   u64)                                                    \
	X(LDS8,  LD,   LOAD,   i8)                                                     \
	X(LDS16, LD,   LOAD,   i16)                                                    \
	X(LDS32, LD,   LOAD,   i32)                                                    \
	X(ST8,   ST,   STORE,  u8)                                                     \
	X(ST16,  ST,   STORE,  u16)                                                    \
	X(ST32,  ST,   STORE,  u32)                                                    \
	X(ST64,  ST,   STORE,  u64)                                                    \
	/* control flow; backward branches and calls cost fuel when checked */      \
	X(JMP,   J,    BRANCH, 1)                                                      \
	X(JEQ,   BRR,  BRANCH, va == vb)                                               \
	X(JNE,   BRR,  BRANCH, va != vb)                                               \
	X(JLTU,  BRR,  BRANCH, va < vb)                                                \
	X(JLTS,  BRR,  BRANCH, NX_S(va) < NX_S(vb))                                    \
	X(JLEU,  BRR,  BRANCH, va <= vb)                                               \
	X(JLES,  BRR,  BRANCH, NX_S(va) <= NX_S(vb))                                   \
	X(JEQI,  BRI,  BRANCH, va == vi)                                               \
	X(JNEI,  BRI,  BRANCH, va != vi)                                               \
	X(JLTUI, BRI,  BRANCH, va < vi)                                                \
	X(JLTSI, BRI,  BRANCH, NX_S(va) < NX_S(vi))                                    \
	X(JGTUI, BRI,  BRANCH, va > vi)                                                \
	X(JGTSI, BRI,  BRANCH, NX_S(va) > NX_S(vi))                                    \
	X(CALL,  CALL, CALL,   "r[a] = function fn(r[a] .. r[a+n-1]), its frame at r[a]") \
	X(HCALL, CALL, CALL,   "r[a] = helper import fn(r[a] .. r[a+n-1])")            \
	X(XCALL, CALL, CALL,   "r[a] = extension import fn(r[a] .. r[a+n-1]), its frame at r[a]") \
	X(RET,   R,    RET,    "return r[a]")

enum nx_op {
#define NX_OP_ENUM(name, fmt, cls, expr) NX_OP_##name,
	NX_ISA(NX_OP_ENUM)
#undef NX_OP_ENUM
	NX_OP_COUNT
};

/* Memory segments an instruction's c field names.  X(NAME, "name", what) */
#define NX_SEGS(X) \
	X(DATA, "data", "the extension's own globals (read-write), kept across runs") \
	X(CTX,  "ctx",  "the hook's context structure (docs/hooks.md); stores below its first writable byte fault RO_STORE") \
	X(BUF0, "buf0", "first byte buffer the hook lends (frame, task view, caller's buffer)") \
	X(BUF1, "buf1", "second byte buffer the hook lends")

enum nx_seg_id {
#define NX_SEG_ENUM(name, str, doc) NX_SEG_##name,
	NX_SEGS(NX_SEG_ENUM)
#undef NX_SEG_ENUM
	NX_SEG_COUNT
};

/* Limits the verifier enforces (and extc respects). */
#define NX_MAX_REGS        255   /* registers per function                  */
#define NX_MAX_ARGS        8     /* arguments of a call, a hook entry       */
#define NX_MAX_FUNC_INSNS  32767 /* so every BRI offset fits in 16 bits     */
#define NX_STACK_SLOTS     4096  /* register stack of one run, in u64 slots */

/* Decoding one instruction word. */
#define NX_INSN(op, a, b, c, imm) \
	((unsigned long long)(op) | (unsigned long long)(a) << 8 | \
	 (unsigned long long)(b) << 16 | (unsigned long long)(c) << 24 | \
	 (unsigned long long)(unsigned int)(imm) << 32)
#define NX_INSN_OP(w)  ((unsigned)((w) & 0xff))
#define NX_INSN_A(w)   ((unsigned)(((w) >> 8) & 0xff))
#define NX_INSN_B(w)   ((unsigned)(((w) >> 16) & 0xff))
#define NX_INSN_C(w)   ((unsigned)(((w) >> 24) & 0xff))
#define NX_INSN_IMM(w) ((int)(unsigned)((w) >> 32))
#define NX_INSN_OFF16(w) ((int)(short)(unsigned short)(((w) >> 16) & 0xffff))
/* The branch offset of an instruction whose format has these fields. */
#define NX_INSN_BRANCH_OFF(w, fields) ((fields) & NX_FOFF16 ? NX_INSN_OFF16(w) : NX_INSN_IMM(w))

/* Fault kinds a run can end with.  X(NAME, description) */
#define NX_FAULTS(X) \
	X(NONE,       "no fault")                                          \
	X(OOB_LOAD,   "load outside its segment")                          \
	X(OOB_STORE,  "store outside its segment")                         \
	X(RO_STORE,   "store into a read-only part of a segment")          \
	X(DIV_ZERO,   "division by zero")                                  \
	X(FUEL,       "fuel exhausted (too many backward branches or calls)") \
	X(STACK,      "register stack overflow (call depth)")              \
	X(HELPER,     "a helper refused its arguments")                    \
	X(XCALL,      "called extension is gone or refused the call")      \
	X(ABORT,      "the extension aborted")                             \
	X(TIME,       "run over its time budget (the embedder's watchdog)")

enum nx_fault {
#define NX_FAULT_ENUM(name, desc) NX_FAULT_##name,
	NX_FAULTS(NX_FAULT_ENUM)
#undef NX_FAULT_ENUM
	NX_FAULT_COUNT
};

#endif /* NIMBLE_ISA_H */

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

/* Operand formats: which fields an instruction uses and how. */
enum nx_fmt {
	NX_F_NONE,  /* no operands                                   */
	NX_F_RR,    /* a, b          register-register               */
	NX_F_RI,    /* a, imm        register-immediate             */
	NX_F_RRR,   /* a, b, c       three registers                */
	NX_F_RRI,   /* a, b, imm     two registers and an immediate */
	NX_F_LD,    /* a <- seg[c] at r[b] + imm                    */
	NX_F_ST,    /* seg[c] at r[b] + imm <- a                    */
	NX_F_J,     /* imm = branch offset                          */
	NX_F_BRR,   /* a, b, imm = branch offset                    */
	NX_F_BRI,   /* a, imm; offset = (int16_t)(b | c << 8)       */
	NX_F_CALL,  /* a = first argument register, imm = index, c = nargs */
	NX_F_R,     /* a                                            */
};

/*
 * The table.  X(NAME, format, semantics in C-like notation for the docs)
 * Semantics notation: r[x] registers, u/s = unsigned/signed 64-bit view,
 * imm is sign-extended to 64 bits, M[seg, addr] is a memory access of the
 * width given, "goto off" branches relative to the next instruction.
 *
 * The order is the opcode numbering: NX_OP_<NAME> = position.  Append new
 * instructions at the end and bump NX_VERSION_MINOR (include/nimble/nx.h).
 */
#define NX_ISA(X) \
	/* moves and constants */                                                \
	X(MOV,   NX_F_RR,   "r[a] = r[b]")                                        \
	X(MOVI,  NX_F_RI,   "r[a] = imm")                                         \
	X(MOVHI, NX_F_RI,   "r[a] = (r[a] & 0xffffffff) | ((u64)imm << 32)")      \
	/* arithmetic and logic, register-register */                           \
	X(ADD,   NX_F_RRR,  "r[a] = r[b] + r[c]")                                 \
	X(SUB,   NX_F_RRR,  "r[a] = r[b] - r[c]")                                 \
	X(MUL,   NX_F_RRR,  "r[a] = r[b] * r[c]")                                 \
	X(DIVU,  NX_F_RRR,  "r[a] = u(r[b]) / u(r[c]); fault DIV_ZERO if r[c] == 0") \
	X(DIVS,  NX_F_RRR,  "r[a] = s(r[b]) / s(r[c]); fault DIV_ZERO if r[c] == 0; INT64_MIN / -1 = INT64_MIN") \
	X(MODU,  NX_F_RRR,  "r[a] = u(r[b]) % u(r[c]); fault DIV_ZERO if r[c] == 0") \
	X(MODS,  NX_F_RRR,  "r[a] = s(r[b]) % s(r[c]); fault DIV_ZERO if r[c] == 0; INT64_MIN % -1 = 0") \
	X(AND,   NX_F_RRR,  "r[a] = r[b] & r[c]")                                 \
	X(OR,    NX_F_RRR,  "r[a] = r[b] | r[c]")                                 \
	X(XOR,   NX_F_RRR,  "r[a] = r[b] ^ r[c]")                                 \
	X(SHL,   NX_F_RRR,  "r[a] = r[b] << (r[c] & 63)")                         \
	X(SHR,   NX_F_RRR,  "r[a] = u(r[b]) >> (r[c] & 63)")                      \
	X(SAR,   NX_F_RRR,  "r[a] = s(r[b]) >> (r[c] & 63)")                      \
	/* arithmetic and logic, register-immediate */                          \
	X(ADDI,  NX_F_RRI,  "r[a] = r[b] + imm")                                  \
	X(MULI,  NX_F_RRI,  "r[a] = r[b] * imm")                                  \
	X(DIVUI, NX_F_RRI,  "r[a] = u(r[b]) / u(imm); imm == 0 is rejected at insert") \
	X(DIVSI, NX_F_RRI,  "r[a] = s(r[b]) / imm; imm == 0 is rejected at insert; INT64_MIN / -1 = INT64_MIN") \
	X(MODUI, NX_F_RRI,  "r[a] = u(r[b]) % u(imm); imm == 0 is rejected at insert") \
	X(MODSI, NX_F_RRI,  "r[a] = s(r[b]) % imm; imm == 0 is rejected at insert; INT64_MIN % -1 = 0") \
	X(ANDI,  NX_F_RRI,  "r[a] = r[b] & imm")                                  \
	X(ORI,   NX_F_RRI,  "r[a] = r[b] | imm")                                  \
	X(XORI,  NX_F_RRI,  "r[a] = r[b] ^ imm")                                  \
	X(SHLI,  NX_F_RRI,  "r[a] = r[b] << (imm & 63)")                          \
	X(SHRI,  NX_F_RRI,  "r[a] = u(r[b]) >> (imm & 63)")                       \
	X(SARI,  NX_F_RRI,  "r[a] = s(r[b]) >> (imm & 63)")                       \
	X(NEG,   NX_F_RR,   "r[a] = -r[b]")                                       \
	X(NOT,   NX_F_RR,   "r[a] = ~r[b]")                                       \
	/* comparisons producing 0 or 1 */                                      \
	X(SEQ,   NX_F_RRR,  "r[a] = r[b] == r[c]")                                \
	X(SNE,   NX_F_RRR,  "r[a] = r[b] != r[c]")                                \
	X(SLTU,  NX_F_RRR,  "r[a] = u(r[b]) < u(r[c])")                           \
	X(SLTS,  NX_F_RRR,  "r[a] = s(r[b]) < s(r[c])")                           \
	X(SLEU,  NX_F_RRR,  "r[a] = u(r[b]) <= u(r[c])")                          \
	X(SLES,  NX_F_RRR,  "r[a] = s(r[b]) <= s(r[c])")                          \
	X(SEQI,  NX_F_RRI,  "r[a] = r[b] == imm")                                 \
	X(SNEI,  NX_F_RRI,  "r[a] = r[b] != imm")                                 \
	X(SLTUI, NX_F_RRI,  "r[a] = u(r[b]) < u(imm)")                            \
	X(SLTSI, NX_F_RRI,  "r[a] = s(r[b]) < imm")                               \
	X(SGTUI, NX_F_RRI,  "r[a] = u(r[b]) > u(imm)")                            \
	X(SGTSI, NX_F_RRI,  "r[a] = s(r[b]) > imm")                               \
	/* memory: a <- seg[c] at r[b] + imm (zero- or sign-extended) */       \
	X(LD8,   NX_F_LD,   "r[a] = zext M8[c, r[b] + imm]")                      \
	X(LD16,  NX_F_LD,   "r[a] = zext M16[c, r[b] + imm]")                     \
	X(LD32,  NX_F_LD,   "r[a] = zext M32[c, r[b] + imm]")                     \
	X(LD64,  NX_F_LD,   "r[a] = M64[c, r[b] + imm]")                          \
	X(LDS8,  NX_F_LD,   "r[a] = sext M8[c, r[b] + imm]")                      \
	X(LDS16, NX_F_LD,   "r[a] = sext M16[c, r[b] + imm]")                     \
	X(LDS32, NX_F_LD,   "r[a] = sext M32[c, r[b] + imm]")                     \
	X(ST8,   NX_F_ST,   "M8[c, r[b] + imm] = r[a]")                           \
	X(ST16,  NX_F_ST,   "M16[c, r[b] + imm] = r[a]")                          \
	X(ST32,  NX_F_ST,   "M32[c, r[b] + imm] = r[a]")                          \
	X(ST64,  NX_F_ST,   "M64[c, r[b] + imm] = r[a]")                          \
	/* control flow; backward branches and calls cost fuel when checked */ \
	X(JMP,   NX_F_J,    "goto imm")                                           \
	X(JEQ,   NX_F_BRR,  "if r[a] == r[b] goto imm")                           \
	X(JNE,   NX_F_BRR,  "if r[a] != r[b] goto imm")                           \
	X(JLTU,  NX_F_BRR,  "if u(r[a]) < u(r[b]) goto imm")                      \
	X(JLTS,  NX_F_BRR,  "if s(r[a]) < s(r[b]) goto imm")                      \
	X(JLEU,  NX_F_BRR,  "if u(r[a]) <= u(r[b]) goto imm")                     \
	X(JLES,  NX_F_BRR,  "if s(r[a]) <= s(r[b]) goto imm")                     \
	X(JEQI,  NX_F_BRI,  "if r[a] == imm goto off16")                          \
	X(JNEI,  NX_F_BRI,  "if r[a] != imm goto off16")                          \
	X(JLTUI, NX_F_BRI,  "if u(r[a]) < u(imm) goto off16")                     \
	X(JLTSI, NX_F_BRI,  "if s(r[a]) < imm goto off16")                        \
	X(JGTUI, NX_F_BRI,  "if u(r[a]) > u(imm) goto off16")                     \
	X(JGTSI, NX_F_BRI,  "if s(r[a]) > imm goto off16")                        \
	X(CALL,  NX_F_CALL, "r[a] = function imm(r[a] .. r[a+c-1]); frame at r[a]") \
	X(HCALL, NX_F_CALL, "r[a] = helper import imm(r[a] .. r[a+c-1])")         \
	X(XCALL, NX_F_CALL, "r[a] = extension import imm(r[a] .. r[a+c-1]); frame at r[a]") \
	X(RET,   NX_F_R,    "return r[a]")

enum nx_op {
#define NX_OP_ENUM(name, fmt, sem) NX_OP_##name,
	NX_ISA(NX_OP_ENUM)
#undef NX_OP_ENUM
	NX_OP_COUNT
};

/* Memory segments an instruction's c field names. */
enum nx_seg_id {
	NX_SEG_DATA = 0, /* the extension's own globals (rw), kept across runs  */
	NX_SEG_CTX  = 1, /* the hook context structure (see hooks.h)            */
	NX_SEG_BUF0 = 2, /* first byte buffer the hook lends (frame, vector...) */
	NX_SEG_BUF1 = 3, /* second byte buffer the hook lends                   */
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
	X(ABORT,      "the extension aborted")

enum nx_fault {
#define NX_FAULT_ENUM(name, desc) NX_FAULT_##name,
	NX_FAULTS(NX_FAULT_ENUM)
#undef NX_FAULT_ENUM
	NX_FAULT_COUNT
};

#endif /* NIMBLE_ISA_H */

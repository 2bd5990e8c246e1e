/*
 * A small .nx object builder for the engine's tests: emit functions
 * instruction by instruction, add tables, get the bytes of a valid object
 * (which a test may then corrupt on purpose).
 */
#ifndef NXBUILD_H
#define NXBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <nimble/isa.h>
#include <nimble/nx.h>

struct nxb;

struct nxb *nxb_new(const char *name, enum nx_trust trust);
void nxb_free(struct nxb *b);
/* Start a function; the following nxb_emit calls append to it.  Returns its index. */
uint32_t nxb_func(struct nxb *b, const char *name, unsigned nregs, unsigned nargs);
/* Append one instruction to the current function; returns its index in CODE. */
uint32_t nxb_emit(struct nxb *b, uint64_t insn);
uint32_t nxb_here(const struct nxb *b);   /* index the next instruction gets */
void nxb_patch(struct nxb *b, uint32_t at, uint64_t insn);
void nxb_hook(struct nxb *b, unsigned hook, unsigned arg, uint32_t func, unsigned prio);
void nxb_export(struct nxb *b, const char *name, uint32_t func);
uint32_t nxb_helper(struct nxb *b, const char *name, unsigned nargs);
uint32_t nxb_ximport(struct nxb *b, const char *ext, const char *name, unsigned nargs);
void nxb_data(struct nxb *b, const void *init, uint32_t init_len, uint32_t full_size);
void nxb_line(struct nxb *b, uint32_t insn, uint32_t line);
/* The classic recursive fib(n) as a function "fib" (4 registers, 1 argument);
 * its index.  fib(10) = 55 in 794 VM instructions. */
uint32_t nxb_fib(struct nxb *b);
/* The object's bytes (malloc'd, the caller frees) and length. */
uint8_t *nxb_finish(struct nxb *b, size_t *len);

/* Encoding shorthands. */
#define I_RRR(op, a, b, c)   NX_INSN(NX_OP_##op, a, b, c, 0)
#define I_RRI(op, a, b, k)   NX_INSN(NX_OP_##op, a, b, 0, k)
#define I_RR(op, a, b)       NX_INSN(NX_OP_##op, a, b, 0, 0)
#define I_RI(op, a, k)       NX_INSN(NX_OP_##op, a, 0, 0, k)
#define I_MEM(op, a, b, s, k) NX_INSN(NX_OP_##op, a, b, s, k)
#define I_J(off)             NX_INSN(NX_OP_JMP, 0, 0, 0, off)
#define I_BRR(op, a, b, off) NX_INSN(NX_OP_##op, a, b, 0, off)
#define I_BRI(op, a, k, off) NX_INSN(NX_OP_##op, a, (unsigned)(off) & 0xff, ((unsigned)(off) >> 8) & 0xff, k)
#define I_CALL(op, a, idx, n) NX_INSN(NX_OP_##op, a, 0, n, idx)
#define I_RET(a)             NX_INSN(NX_OP_RET, a, 0, 0, 0)

#endif

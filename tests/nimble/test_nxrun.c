/*
 * nxrun, the host runner: objects written here with the test builder,
 * run through the real binary; output lines and exit status checked.
 *   test_nxrun NXRUN
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "nxbuild.h"
#include <nimble/hooks.h>
#include "tap.h"

static char dir[] = "/tmp/nxrun-test-XXXXXX";
static const char *nxrun;

static void save(struct nxb *b, const char *name)
{
	char path[256];
	size_t len;
	uint8_t *obj = nxb_finish(b, &len);
	nxb_free(b);
	snprintf(path, sizeof path, "%s/%s.nx", dir, name);
	FILE *f = fopen(path, "wb");
	fwrite(obj, 1, len, f);
	fclose(f);
	free(obj);
}

/* Run nxrun with args (the object named by %s/); stdout+stderr in out. */
static int run(char *out, size_t outlen, const char *args)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cd %s && %s %s 2>&1", dir, nxrun, args);
	FILE *p = popen(cmd, "r");
	size_t n = fread(out, 1, outlen - 1, p);
	out[n] = 0;
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void objects(void)
{
	struct nxb *b = nxb_new("fib", NX_TRUST_UNTRUSTED);
	nxb_fib(b);
	nxb_func(b, "peek", 2, 1);                  /* data[r0] : OOB for r0 >= 8 */
	nxb_emit(b, I_MEM(LD64, 0, 0, NX_SEG_DATA, 0));
	nxb_emit(b, I_RET(0));
	nxb_data(b, NULL, 0, 8);
	save(b, "fib");

	b = nxb_new("tr", NX_TRUST_TRUSTED);
	nxb_func(b, "main", 1, 0);
	nxb_emit(b, I_RI(MOVI, 0, 7));
	nxb_emit(b, I_RET(0));
	save(b, "trusted");

	b = nxb_new("bad", NX_TRUST_UNTRUSTED);
	nxb_func(b, "main", 1, 0);
	nxb_emit(b, I_RI(MOVI, 0, 7));
	nxb_emit(b, I_RRR(ADD, 0, 0, 9));
	nxb_emit(b, I_RET(0));
	save(b, "bad");

	/* sched_pick: index+1 of the highest prio task; sets quantum = 5. */
	b = nxb_new("pick", NX_TRUST_UNTRUSTED);
	uint32_t f = nxb_func(b, "pick", 8, 0);
	nxb_emit(b, I_MEM(LD32, 1, 0, NX_SEG_CTX, 4));      /* 0 n */
	nxb_emit(b, I_RI(MOVI, 2, 0));                      /* 1 best */
	nxb_emit(b, I_RI(MOVI, 3, INT32_MIN));              /* 2 bp */
	nxb_emit(b, I_RI(MOVI, 4, 0));                      /* 3 i */
	nxb_emit(b, I_BRR(JLEU, 1, 4, 7));                  /* 4 -> 12 */
	nxb_emit(b, I_RRI(SHLI, 5, 4, 5));                  /* 5 */
	nxb_emit(b, I_MEM(LDS32, 5, 5, NX_SEG_BUF0, 4));    /* 6 */
	nxb_emit(b, I_BRR(JLES, 5, 3, 2));                  /* 7 -> 10 */
	nxb_emit(b, I_RR(MOV, 3, 5));                       /* 8 */
	nxb_emit(b, I_RRI(ADDI, 2, 4, 1));                  /* 9 */
	nxb_emit(b, I_RRI(ADDI, 4, 4, 1));                  /* 10 */
	nxb_emit(b, I_BRR(JLTU, 4, 1, -7));                 /* 11 -> 5 */
	nxb_emit(b, I_RI(MOVI, 6, 5));                      /* 12 */
	nxb_emit(b, I_MEM(ST64, 6, 0, NX_SEG_CTX, 24));     /* 13 quantum = 5 */
	nxb_emit(b, I_RET(2));                              /* 14 */
	nxb_hook(b, NX_HOOK_SCHED_PICK, 0, f, 0);
	save(b, "pick");

	/* trap: buf[i] *= 2 for the i64 buffer; returns ctx.buf_len. */
	b = nxb_new("dbl", NX_TRUST_UNTRUSTED);
	f = nxb_func(b, "run", 6, 0);
	nxb_emit(b, I_MEM(LD32, 1, 0, NX_SEG_CTX, 64));     /* 0 len */
	nxb_emit(b, I_RI(MOVI, 2, 0));                      /* 1 off */
	nxb_emit(b, I_BRR(JLEU, 1, 2, 4));                  /* 2 -> 7 */
	nxb_emit(b, I_MEM(LD64, 3, 2, NX_SEG_BUF0, 0));     /* 3 */
	nxb_emit(b, I_RRI(SHLI, 3, 3, 1));                  /* 4 */
	nxb_emit(b, I_MEM(ST64, 3, 2, NX_SEG_BUF0, 0));     /* 5 */
	nxb_emit(b, I_RRI(ADDI, 2, 2, 8));                  /* 6 */
	nxb_emit(b, I_BRR(JLTU, 2, 1, -5));                 /* 7... */
	nxb_patch(b, 2, I_BRR(JLEU, 1, 2, 5));              /* 2 -> 8 */
	nxb_emit(b, I_RET(1));                              /* 8 */
	nxb_hook(b, NX_HOOK_TRAP, 0, f, 0);
	save(b, "dbl");
}

#define HAS(s) (strstr(out, (s)) != NULL)

int main(int argc, char **argv)
{
	char out[4096];
	if (argc != 2 || !mkdtemp(dir)) {
		fprintf(stderr, "usage: test_nxrun NXRUN\n");
		return 2;
	}
	nxrun = argv[1];
	objects();
	tap_plan(15);
	int rc = run(out, sizeof out, "--help");
	ok(rc == 0 && HAS("usage: nxrun") && HAS("--ctx NAME=V"), "--help: exit 0, the usage and every option (%d)", rc);
	rc = run(out, sizeof out, "fib.nx fib --arg 10");
	ok(rc == 0 && HAS("result: 55\n") && HAS("insns: 794\n"), "fib --arg 10: result 55, 794 VM instructions (exit %d)", rc);
	rc = run(out, sizeof out, "--mode ref fib.nx fib --arg 10");
	ok(rc == 0 && HAS("result: 55\n") && HAS("insns: 794\n"), "--mode ref counts the same instructions");
	rc = run(out, sizeof out, "--mode unchecked fib.nx fib --arg 10");
	ok(rc == 64 && HAS("is untrusted and --mode unchecked runs it without fuel or bounds checks"),
	   "--mode unchecked refuses an untrusted object (exit %d)", rc);
	rc = run(out, sizeof out, "--trusted --mode unchecked fib.nx fib --arg 10");
	ok(rc == 0 && HAS("result: 55\n"), "... and runs it when told --trusted (exit %d)", rc);
	rc = run(out, sizeof out, "fib.nx peek --arg 9");
	ok(rc == 1 && HAS("fault: OOB_LOAD in peek at insn 8\n") &&
	   HAS("\nfib: fault OOB_LOAD in peek at insn 8\n"),
	   "a faulting run: exit 1, the fault line, and without SOURCE the extension's name (%d)", rc);
	rc = run(out, sizeof out, "trusted.nx");
	ok(rc == 2 && HAS("nxrun: trusted.nx: extension 'tr' asks for trust"), "a trusted object without --trusted: exit 2 (%d)", rc);
	rc = run(out, sizeof out, "--trusted trusted.nx main");
	ok(rc == 0 && HAS("result: 7\n"), "with --trusted it runs");
	rc = run(out, sizeof out, "bad.nx main");
	ok(rc == 2 && HAS("nxrun: bad.nx: insn 1: register c=9 >= nregs 1"), "a malformed object: exit 2 and the verifier's message");
	rc = run(out, sizeof out, "pick.nx --task 10:3 --task 11:9:4 --task 12:9 --task 13:-1");
	ok(rc == 0 && HAS("result: 2\n") && HAS("ctx.quantum: 5\n"), "sched_pick with --task: picks task 2 of 4, reports ctx.quantum");
	rc = run(out, sizeof out, "pick.nx sched_pick --task 10:3 --fuel 1");
	ok(rc == 0 && HAS("result: 1\n"), "entry by hook name");
	rc = run(out, sizeof out, "-q dbl.nx --buf0 i64:1,-2,300 --dump-buf0");
	ok(rc == 0 && HAS("result: 24\n") && HAS("buf0: 2 -4 600\n"), "--buf0 i64 sets buf_len; --dump-buf0 prints the buffer");
	rc = run(out, sizeof out, "dbl.nx --buf0 hex:0100000000000000 --dump-buf0");
	ok(rc == 0 && HAS("buf0: 2\n"), "--buf0 hex");
	rc = run(out, sizeof out, "--bogus fib.nx");
	ok(rc == 64 && HAS("unknown option"), "an unknown option: exit 64");
	rc = run(out, sizeof out, "fib.nx nosuch");
	ok(rc == 64 && HAS("no entry 'nosuch'"), "an unknown entry: exit 64");
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd))
		return 1;
	return tap_done();
}

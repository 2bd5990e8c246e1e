/*
 * Lua peers through the C API: the same file builds against Lua 5.4
 * (lua54.c) and LuaJIT 2.1 (luajit.c, interpreter only); each of those
 * creates the state and names the scripts.  The workloads are Lua
 * functions in the .lua files beside it; the data comes from data.c, pushed
 * into Lua tables before the scripts load, so every system works on the
 * same tasks, frames and vectors.  Per-call workloads are entered from C
 * once per call, as a kernel would fire an embedded Lua hook.
 */
#include <stdio.h>
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "bench.h"
#include "lua_sys.h"

static lua_State *L;

/* t = { v0, v1, ... } from an int64 array, 1-based as Lua likes. */
static void push_ints(const int64_t *v, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushinteger(L, (lua_Integer)v[i]);
		lua_rawseti(L, -2, (int)i + 1);
	}
}

static void data_push(void)
{
	static int64_t prio[BENCH_NTASKS_MAX];
	for (int i = 0; i < BENCH_NTASKS_MAX; i++)
		prio[i] = bench_tasks[i].prio;
	push_ints(prio, BENCH_NTASKS_MAX);
	lua_setglobal(L, "task_prio");
	lua_createtable(L, BENCH_NFRAMES, 0);
	for (int i = 0; i < BENCH_NFRAMES; i++) {
		lua_pushlstring(L, (const char *)bench_frames[i], BENCH_FRAME_LEN);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setglobal(L, "frames");
	lua_createtable(L, BENCH_NRULES, 0);
	for (int k = 0; k < BENCH_NRULES; k++) {
		int64_t r[10];
		for (int f = 0; f < 5; f++) {
			r[2 * f] = bench_rules[k].val[f];
			r[2 * f + 1] = bench_rules[k].mask[f];
		}
		push_ints(r, 10);
		lua_rawseti(L, -2, k + 1);
	}
	lua_setglobal(L, "rules");
	push_ints(bench_x, BENCH_VLEN);
	lua_setglobal(L, "vec_x");
	push_ints(bench_y0, BENCH_VLEN);
	lua_setglobal(L, "vec_y0");
}

/* The caller has opened the standard libraries (and set its modes). */
int lua_sys_start(lua_State *state, const char *const *scripts)
{
	const char *dir = getenv("BENCH_PEERS");
	char path[512];
	L = state;
	data_init();
	data_push();
	for (; *scripts; scripts++) {
		snprintf(path, sizeof path, "%s/%s", dir ? dir : "bench/peers", *scripts);
		if (luaL_dofile(L, path) != 0) {
			fprintf(stderr, "bench-%s: %s\n", sys_name, lua_tostring(L, -1));
			return -1;
		}
	}
	return 0;
}

/* Leave global function name at stack index 1 for the run. */
static uint64_t fn_setup(const char *name)
{
	lua_settop(L, 0);
	lua_getglobal(L, name);
	if (!lua_isfunction(L, 1)) {
		bench_fail("the scripts define no function %s", name);
		return 0;
	}
	return 1;
}

/* n calls of the function at index 1 with argument arg(i); the checksum
 * is the sum of result(i) * weight(i). */
static uint64_t call_n(uint64_t n, lua_Integer arg, int round_robin)
{
	uint64_t s = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t f = i % BENCH_NFRAMES;
		lua_pushvalue(L, 1);
		lua_pushinteger(L, round_robin ? (lua_Integer)f + 1 : arg);
		lua_call(L, 1, 1);
		s += (uint64_t)lua_tointeger(L, -1) * (round_robin ? f + 1 : 1);
		lua_pop(L, 1);
	}
	return s;
}

static uint64_t loop_setup(void) { return fn_setup("loop"); }
static uint64_t loop_run(uint64_t n)
{
	lua_pushvalue(L, 1);
	lua_pushinteger(L, (lua_Integer)n);
	lua_call(L, 1, 1);
	uint64_t s = (uint64_t)lua_tointeger(L, -1);
	lua_pop(L, 1);
	return s;
}

static uint64_t fib_setup(void)
{
	return fn_setup("fib") ? bench_fib_calls(BENCH_FIB_ARG) : 0;
}
static uint64_t fib_run(uint64_t n) { return call_n(n, BENCH_FIB_ARG, 0); }

static uint64_t pick_setup(void) { return fn_setup("pick"); }
static uint64_t sched8_run(uint64_t n) { return call_n(n, 8, 0); }
static uint64_t sched64_run(uint64_t n) { return call_n(n, 64, 0); }
static uint64_t sched1024_run(uint64_t n) { return call_n(n, 1024, 0); }

static uint64_t match_setup(void) { return fn_setup("match"); }
static uint64_t packet_run(uint64_t n) { return call_n(n, 0, 1); }

static uint64_t sum_setup(void) { return fn_setup("sum") ? BENCH_VLEN : 0; }
static uint64_t sum_run(uint64_t n) { return call_n(n, 0, 0); }

/* vadd accumulates into vec_y: reset it from vec_y0 before each run. */
static uint64_t vadd_setup(void)
{
	if (!fn_setup("vreset"))
		return 0;
	lua_call(L, 0, 0);
	return fn_setup("vadd") ? BENCH_VLEN : 0;
}
static uint64_t vadd_run(uint64_t n)
{
	call_n(n, 0, 0);
	lua_getglobal(L, "vtotal");
	lua_call(L, 0, 1);
	uint64_t s = (uint64_t)lua_tointeger(L, -1);
	lua_pop(L, 1);
	return s;
}

static uint64_t entry_setup(void) { return fn_setup("empty"); }
static uint64_t entry_run(uint64_t n) { return call_n(n, 0, 0) + n; }

static const struct bench_work works[] = {
	{ "loop", loop_setup, loop_run },
	{ "fib", fib_setup, fib_run },
	{ "sched8", pick_setup, sched8_run },
	{ "sched64", pick_setup, sched64_run },
	{ "sched1024", pick_setup, sched1024_run },
	{ "packet", match_setup, packet_run },
	{ "sum", sum_setup, sum_run },
	{ "vadd", vadd_setup, vadd_run },
	{ "entry", entry_setup, entry_run },
	{ NULL, NULL, NULL },
};

const struct bench_work *sys_works = works;

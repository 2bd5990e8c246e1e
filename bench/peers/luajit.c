/* LuaJIT 2.1 (Debian libluajit-5.1-dev) as a peer interpreter, with the
 * JIT compiler switched off: its hand-written assembler interpreter only.
 * The mode is set after luaL_openlibs, which (re)initialises the JIT;
 * packetjit.lua asserts that it is off. */
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <luajit.h>
#include "bench.h"
#include "lua_sys.h"

const char *const sys_name = "luajit";
const int sys_has_mode = 0;

int sys_init(const char *mode)
{
	static const char *const scripts[] = { "common.lua", "packetjit.lua", NULL };
	lua_State *L = luaL_newstate();
	(void)mode;
	if (!L)
		return -1;
	luaL_openlibs(L);
	if (!luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF)) {
		bench_fail("cannot switch the JIT off");
		return -1;
	}
	return lua_sys_start(L, scripts);
}

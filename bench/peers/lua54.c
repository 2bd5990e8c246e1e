/* Lua 5.4 (Debian liblua5.4-dev) as a peer interpreter. */
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "bench.h"
#include "lua_sys.h"

const char *const sys_name = "lua54";
const int sys_has_mode = 0;

int sys_init(const char *mode)
{
	static const char *const scripts[] = { "common.lua", "packet54.lua", NULL };
	lua_State *L = luaL_newstate();
	(void)mode;
	if (!L)
		return -1;
	luaL_openlibs(L);
	return lua_sys_start(L, scripts);
}

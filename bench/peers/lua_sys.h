/* The Lua peers' shared driver (lua_sys.c); lua54.c and luajit.c call it. */
#ifndef BENCH_LUA_SYS_H
#define BENCH_LUA_SYS_H

/* With the libraries open: push the data, run the scripts (NULL-terminated
 * list of file names under $BENCH_PEERS, default bench/peers). */
int lua_sys_start(lua_State *L, const char *const *scripts);

#endif

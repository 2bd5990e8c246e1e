/*
 * Boot-parameter parsing on the host, with parameters declared the way
 * kernel code declares them: sizes, numbers, strings, functions; unknown
 * names warned about, bad values rejected with a message, defaults kept.
 */
#include <stdint.h>
#include <string.h>
#include <lwk/params.h>
#include "host_shim.h"
#include "tap.h"

/* params.h declares these for the kernel; the host test defines them. */
uint64_t kmem_size, init_heap_size, init_stack_size;

static uint64_t t_size = 4096, t_uint = 7;
static char t_name[8] = "dflt";
static int fn_calls;
static char fn_seen[32];

static const char *t_fn(const char *val)
{
	fn_calls++;
	strncpy(fn_seen, val, sizeof(fn_seen) - 1);
	return strcmp(val, "bad") == 0 ? "the value 'bad' is refused" : NULL;
}

BOOT_PARAM_SIZE(t_size, t_size, 8192, 1ull << 30);
BOOT_PARAM_UINT(t_uint, t_uint, 1, 1000);
BOOT_PARAM_STR(t_name, t_name);
BOOT_PARAM_FUNC(t_fn, t_fn);

static int logged(const char *s)
{
	return strstr(shim_log, s) != NULL;
}

static void test_sizes(void)
{
	uint64_t v = 0;

	ok(!param_parse_size("65536", &v) && v == 65536, "size: decimal");
	ok(!param_parse_size("0x10000", &v) && v == 65536, "size: hex");
	ok(!param_parse_size("64K", &v) && v == 65536, "size: K suffix");
	ok(!param_parse_size("64M", &v) && v == 64ull << 20, "size: M suffix");
	ok(!param_parse_size("2g", &v) && v == 2ull << 30, "size: g suffix");
	ok(param_parse_size("", &v) != NULL, "size: empty rejected");
	ok(param_parse_size("12x", &v) != NULL, "size: junk suffix rejected");
	ok(param_parse_size("64MB", &v) != NULL, "size: two-letter suffix rejected");
	ok(param_parse_size("1000", &v) != NULL, "size: not a page multiple rejected");
	ok(param_parse_size("99999999999999999999", &v) != NULL, "size: overflowing number rejected");
	ok(param_parse_size("17179869184G", &v) != NULL, "size: overflow through the suffix rejected");
	ok(param_parse_size("-4096", &v) != NULL, "size: negative rejected");
	ok(param_parse_uint("0x", &v) != NULL, "uint: bare 0x rejected");
	ok(!param_parse_uint("18446744073709551615", &v) && v == UINT64_MAX, "uint: the largest value");
}

static void test_line(void)
{
	int bad;

	shim_log_reset();
	bad = params_parse("  t_size=64K\tt_uint=0x20 t_name=abc  t_fn=hello ");
	ok(bad == 0 && t_size == 65536 && t_uint == 32 && strcmp(t_name, "abc") == 0 &&
	   fn_calls == 1 && strcmp(fn_seen, "hello") == 0, "a good line sets every kind");
	ok(shim_log[0] == 0, "a good line prints nothing");

	shim_log_reset();
	bad = params_parse("nosuch=1 t_size=4K t_uint=5000 t_uint=zz t_name=toolong! t_fn=bad t_sizex=1");
	ok(bad == 7, "seven bad words counted (got %d)", bad);
	ok(t_size == 65536 && t_uint == 32 && strcmp(t_name, "abc") == 0, "rejected values keep the old ones");
	ok(logged("unknown parameter 'nosuch=1' ignored"), "unknown parameter warned about");
	ok(logged("unknown parameter 't_sizex=1'"), "a name that only starts like a parameter is unknown");
	ok(logged("bad value '4K' for parameter t_size: out of range"), "size below the minimum named");
	ok(logged("bad value '5000' for parameter t_uint: out of range"), "number above the maximum named");
	ok(logged("bad value 'zz' for parameter t_uint: not a number"), "non-number named");
	ok(logged("bad value 'toolong!' for parameter t_name: too long"), "string too long named");
	ok(logged("bad value 'bad' for parameter t_fn: the value 'bad' is refused"), "function's own message shown");

	shim_log_reset();
	bad = params_parse("t_uint=3 t_uint=9");
	ok(bad == 0 && t_uint == 9, "a later word overrides an earlier one");
	shim_log_reset();
	bad = params_parse("t_uint");
	ok(bad == 1 && logged("bad value '' for parameter t_uint"), "a number parameter without a value is rejected");
	ok(params_parse("") == 0 && params_parse("   ") == 0, "empty lines are fine");
}

int main(void)
{
	test_sizes();
	test_line();
	return tap_done();
}

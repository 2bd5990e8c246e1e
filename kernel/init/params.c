/*
 * The boot-parameter parser (lwk/params.h).  Portable: the host tests
 * run it with their own parameters in the same section.
 */
#include <lwk/params.h>
#include <lwk/printk.h>
#include <lwk/string.h>

#define PARAM_WORD_MAX 256

extern const struct boot_param __start_boot_params[], __stop_boot_params[];

static const struct boot_param *param_find(const char *name, size_t len)
{
	const struct boot_param *p;

	for (p = __start_boot_params; p < __stop_boot_params; p++)
		if (strncmp(p->name, name, len) == 0 && p->name[len] == 0)
			return p;
	return NULL;
}

static int digit_value(char c, unsigned base)
{
	int d = c >= '0' && c <= '9' ? c - '0' :
		c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
	return d < (int)base ? d : -1;
}

/* A number; *end is left at the first character after it. */
static const char *parse_number(const char *s, uint64_t *out, const char **end)
{
	unsigned base = 10;
	uint64_t v = 0;
	int d, any = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16, s += 2;
	for (; (d = digit_value(*s, base)) >= 0; s++, any = 1) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return "number too large";
		v = v * base + (uint64_t)d;
	}
	if (!any)
		return "not a number";
	*out = v;
	*end = s;
	return NULL;
}

const char *param_parse_uint(const char *s, uint64_t *out)
{
	const char *end, *err = parse_number(s, out, &end);

	if (err)
		return err;
	return *end ? "trailing characters after the number" : NULL;
}

const char *param_parse_size(const char *s, uint64_t *out)
{
	const char *end, *err = parse_number(s, out, &end);
	unsigned shift = 0;

	if (err)
		return err;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end)
		return "expected a size such as 65536, 0x10000, 64K, 64M or 1G";
	if (*out > (UINT64_MAX >> shift))
		return "size too large";
	*out <<= shift;
	if (*out & 4095)
		return "not a multiple of 4 KiB";
	return NULL;
}

static const char *param_apply(const struct boot_param *p, const char *val)
{
	uint64_t v;
	const char *err;

	switch (p->kind) {
	case PARAM_SIZE:
	case PARAM_UINT:
		err = p->kind == PARAM_SIZE ? param_parse_size(val, &v) : param_parse_uint(val, &v);
		if (err)
			return err;
		if (v < p->min || v > p->max)
			return "out of range";
		*(uint64_t *)p->var = v;
		return NULL;
	case PARAM_STR:
		if (strlen(val) >= p->size)
			return "too long";
		strlcpy(p->var, val, p->size);
		return NULL;
	case PARAM_FUNC:
		return p->fn(val);
	}
	return "unknown parameter kind";
}

/* One word "name=value" (or "name"); returns 1 if it was not accepted. */
static int param_word(const char *w, size_t len)
{
	char word[PARAM_WORD_MAX];
	const struct boot_param *p;
	const char *eq, *err;
	size_t nlen;

	if (len >= sizeof(word)) {
		printk("boot: parameter '%.32s...' longer than %d bytes, ignored\n", w,
		       PARAM_WORD_MAX - 1);
		return 1;
	}
	memcpy(word, w, len);
	word[len] = 0;
	eq = strchr(word, '=');
	nlen = eq ? (size_t)(eq - word) : len;
	p = param_find(word, nlen);
	if (p == NULL) {
		printk("boot: unknown parameter '%s' ignored\n", word);
		return 1;
	}
	err = param_apply(p, eq ? eq + 1 : "");
	if (err) {
		printk("boot: bad value '%s' for parameter %s: %s; keeping the default\n",
		       eq ? eq + 1 : "", p->name, err);
		return 1;
	}
	return 0;
}

int params_parse(const char *cmdline)
{
	const char *w = cmdline;
	int bad = 0;
	size_t n;

	for (;;) {
		while (*w == ' ' || *w == '\t')
			w++;
		if (*w == 0)
			return bad;
		for (n = 0; w[n] && w[n] != ' ' && w[n] != '\t'; n++)
			;
		bad += param_word(w, n);
		w += n;
	}
}

void params_print(void)
{
	const struct boot_param *p;

	printk("boot parameters:");
	for (p = __start_boot_params; p < __stop_boot_params; p++) {
		if (p->kind == PARAM_SIZE || p->kind == PARAM_UINT)
			printk(" %s=%llu", p->name, (unsigned long long)*(uint64_t *)p->var);
		else if (p->kind == PARAM_STR)
			printk(" %s=\"%s\"", p->name, (const char *)p->var);
	}
	printk("\n");
}

/*
 * extc: the command line.  Compile FILE.ext to FILE.nx (or -o OUT), or
 * disassemble an object with -S.  Exit status: 0 ok, 1 errors in the
 * input, 2 cannot read or write a file, 64 usage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "extc.h"

static const char usage[] =
	"usage: extc [-v] [-O0|-O1] [-o OUT.nx] FILE.ext   compile an extension\n"
	"       extc -S FILE.nx                  disassemble an object\n"
	"       extc --help\n"
	"  -o OUT   write the object to OUT (default: FILE with .ext replaced by .nx)\n"
	"  -v       also print notes (bounded loops) and code size on stderr\n"
	"  -O1      optimise (the default): loop-invariant constants, value numbering,\n"
	"           copies, dead code and branch threading (docs/language.md)\n"
	"  -O0      emit the generator's code as it is, for comparison\n"
	"  -S       print header, sections, data, imports and annotated instructions\n"
	"The language: docs/language.md.\n";

/* Read a whole file; NULL with a message on failure. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "extc: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			fputs("extc: out of memory\n", stderr);
			fclose(f);
			return NULL;
		}
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		cap *= 2;
		char *nb = realloc(buf, cap);
		if (!nb)
			free(buf);
		buf = nb;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		fprintf(stderr, "extc: %s: read error\n", path);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int disassemble(const char *path)
{
	size_t len;
	char *buf = read_file(path, &len);
	if (!buf)
		return 2;
	int rc = nx_disasm(stdout, (const uint8_t *)buf, len, path) ? 1 : 0;
	free(buf);
	return rc;
}

static char *default_output(const char *in)
{
	size_t n = strlen(in);
	char *out = malloc(n + 4);
	if (!out)
		return NULL;
	memcpy(out, in, n + 1);
	if (n > 4 && !strcmp(out + n - 4, ".ext"))
		out[n - 4] = 0;
	strcat(out, ".nx");
	return out;
}

static int compile(const char *in, const char *outpath, int flags)
{
	size_t len;
	char *src = read_file(in, &len);
	struct extc c;
	if (!src)
		return 2;
	extc_compile(&c, in, src, len, flags);
	free(src);
	if (c.diag)
		fputs(c.diag, stderr);
	int rc = c.errors ? 1 : 0;
	if (!rc) {
		char *def = outpath ? NULL : default_output(in);
		const char *op = outpath ? outpath : def;
		FILE *f = op ? fopen(op, "wb") : NULL;
		if (!f || fwrite(c.out, 1, c.outlen, f) != c.outlen || fclose(f)) {
			fprintf(stderr, "extc: cannot write %s: %s\n", op ? op : "output", strerror(errno));
			rc = 2;
		}
		free(def);
	}
	extc_free(&c);
	return rc;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *in = NULL;
	int flags = 0, dis = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "-v")) {
			flags |= EXTC_VERBOSE;
		} else if (!strcmp(argv[i], "-O0")) {
			flags |= EXTC_O0;
		} else if (!strcmp(argv[i], "-O1")) {
			flags &= ~EXTC_O0;
		} else if (!strcmp(argv[i], "-S")) {
			dis = 1;
		} else if (argv[i][0] == '-' || in) {
			fprintf(stderr, "extc: unexpected argument '%s'\n%s", argv[i], usage);
			return 64;
		} else {
			in = argv[i];
		}
	}
	if (!in) {
		fputs(usage, stderr);
		return 64;
	}
	return dis ? disassemble(in) : compile(in, out, flags);
}

/*
 * The .nx extension object format, version 1.
 *
 * An .nx file is what extc writes and what the kernel (and the host
 * library) loads.  Everything is little-endian; every offset is from the
 * start of the file; every structure below is packed by construction
 * (natural alignment, no padding) and its size is fixed.
 *
 *   struct nx_header            at offset 0
 *   struct nx_section[nsect]    at header.sect_off
 *   section bodies              anywhere inside the file, 8-byte aligned
 *
 * Sections (each at most once; kind = enum nx_sect_kind):
 *   STRTAB   bytes: NUL-terminated names; a "name" elsewhere is an offset
 *            into it.  Offset 0 is the empty string.  Required.
 *   FUNCS    struct nx_func[count].  Required, count >= 1.
 *   CODE     uint64_t insn[count] (include/nimble/isa.h).  Required.
 *   DATA     initial bytes of the data segment; count = the segment's full
 *            size in bytes (>= size of the body; the rest is zero).
 *   HOOKS    struct nx_hook[count]: the hooks the extension attaches to.
 *   EXPORTS  struct nx_export[count]: functions other extensions may call.
 *   HELPERS  struct nx_import[count]: kernel helpers by name; HCALL's imm
 *            indexes this table.
 *   XIMPORTS struct nx_ximport[count]: other extensions' exports; XCALL's
 *            imm indexes this table.
 *   LINES    struct nx_line[count], sorted by insn: source line of each
 *            instruction range (optional, for fault reports).
 *   SOURCE   the source file's name, count bytes of printable ASCII, at
 *            most NX_SOURCE_MAX, no NUL (optional, for fault reports:
 *            "file.ext:LINE: fault ...").
 *
 * A loader must reject, naming the field: a bad magic or major version, a
 * section outside the file or overlapping the header or another section,
 * an unknown section kind, a duplicate section, a name offset outside
 * STRTAB or not NUL-terminated inside it, a function whose code range is
 * outside CODE, and every malformed instruction (the verifier's job).
 */
#ifndef NIMBLE_NX_H
#define NIMBLE_NX_H

#include <stdint.h>

#define NX_MAGIC          0x4f584e7fu  /* "\x7fNXO" read as a LE uint32 */
#define NX_VERSION_MAJOR  1
#define NX_VERSION_MINOR  1   /* 1: the optional SOURCE section */
#define NX_SOURCE_MAX     63
#define NX_NAME_MAX       31           /* extension/function name chars  */
#define NX_MAX_OBJECT     (1u << 20)   /* largest object a loader takes  */

enum nx_trust {
	NX_TRUST_UNTRUSTED = 0, /* checked handlers, untrusted helpers only  */
	NX_TRUST_TRUSTED   = 1, /* unchecked handlers; PCT/boot insert only  */
};

struct nx_header {
	uint32_t magic;         /* NX_MAGIC                                */
	uint16_t version_major; /* NX_VERSION_MAJOR: must match            */
	uint16_t version_minor; /* may be older than the loader's          */
	uint32_t file_size;     /* bytes in the whole object               */
	uint32_t trust;         /* enum nx_trust requested                 */
	uint32_t name;          /* STRTAB offset of the extension's name   */
	uint32_t nsect;         /* sections in the table                   */
	uint32_t sect_off;      /* file offset of the section table        */
	uint32_t flags;         /* reserved, must be 0                     */
};                              /* 32 bytes */

enum nx_sect_kind {
	NX_SECT_STRTAB   = 1,
	NX_SECT_FUNCS    = 2,
	NX_SECT_CODE     = 3,
	NX_SECT_DATA     = 4,
	NX_SECT_HOOKS    = 5,
	NX_SECT_EXPORTS  = 6,
	NX_SECT_HELPERS  = 7,
	NX_SECT_XIMPORTS = 8,
	NX_SECT_LINES    = 9,
	NX_SECT_SOURCE   = 10,
	NX_SECT_KIND_MAX = 10,
};

struct nx_section {
	uint32_t kind;   /* enum nx_sect_kind                                 */
	uint32_t off;    /* file offset of the body, 8-byte aligned          */
	uint32_t size;   /* bytes of the body                                */
	uint32_t count;  /* entries (DATA: full segment size in bytes)       */
};                       /* 16 bytes */

struct nx_func {
	uint32_t name;     /* STRTAB offset                                   */
	uint32_t start;    /* first instruction (index into CODE)            */
	uint32_t len;      /* instructions; the last must be RET or JMP      */
	uint8_t  nregs;    /* registers used, 1..NX_MAX_REGS                  */
	uint8_t  nargs;    /* 0..NX_MAX_ARGS, <= nregs                        */
	uint16_t flags;    /* reserved, 0                                     */
};                         /* 16 bytes */

struct nx_hook {
	uint32_t hook;     /* enum nx_hook_id (include/nimble/hooks.h)        */
	uint32_t arg;      /* hook argument: the vector for irq, else 0      */
	uint32_t func;     /* entry function (index into FUNCS)              */
	uint32_t prio;     /* order among extensions on the same hook: lower first */
};                         /* 16 bytes */

struct nx_export {
	uint32_t name;     /* STRTAB offset: the exported name               */
	uint32_t func;     /* index into FUNCS                               */
};                         /* 8 bytes */

struct nx_import {
	uint32_t name;     /* STRTAB offset of the helper's name             */
	uint32_t nargs;    /* arguments the call sites pass                  */
};                         /* 8 bytes */

struct nx_ximport {
	uint32_t ext;      /* STRTAB offset: the providing extension's name  */
	uint32_t name;     /* STRTAB offset: its exported function's name    */
	uint32_t nargs;    /* arguments the call sites pass                  */
	uint32_t flags;    /* reserved, 0                                     */
};                         /* 16 bytes */

struct nx_line {
	uint32_t insn;     /* first instruction of the range                 */
	uint32_t line;     /* source line (1-based)                           */
};                         /* 8 bytes */

#endif /* NIMBLE_NX_H */

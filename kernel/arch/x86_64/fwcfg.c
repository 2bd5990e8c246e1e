/*
 * QEMU's fw_cfg device, read through its I/O ports (selector 0x510,
 * data 0x511; QEMU docs/specs/fw_cfg.txt).  tools/node.sh -a puts extra
 * boot parameters in the file "opt/nimble/cmdline", so tests choose
 * parameters at run time without rebuilding the ISO.  All multi-byte
 * fw_cfg directory fields are big-endian.
 */
#include <arch/io.h>
#include <lwk/bootinfo.h>
#include <lwk/printk.h>
#include <lwk/string.h>

#define FW_CFG_SEL  0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR  0x0019
#define FW_CFG_CMDLINE_FILE "opt/nimble/cmdline"

static void fwcfg_read(void *buf, unsigned n)
{
	uint8_t *b = buf;
	while (n--)
		*b++ = inb(FW_CFG_DATA);
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The selector and size of a named file, or 0 if absent. */
static uint16_t fwcfg_find(const char *name, uint32_t *size)
{
	uint8_t sig[4], cnt[4], ent[64];
	uint32_t n, i;

	outw(FW_CFG_SEL, FW_CFG_SIGNATURE);
	fwcfg_read(sig, 4);
	if (memcmp(sig, "QEMU", 4) != 0)
		return 0;
	outw(FW_CFG_SEL, FW_CFG_FILE_DIR);
	fwcfg_read(cnt, 4);
	n = be32(cnt);
	for (i = 0; i < n; i++) {
		fwcfg_read(ent, sizeof(ent));   /* size(4) select(2) reserved(2) name(56) */
		ent[63] = 0;
		if (strcmp((const char *)ent + 8, name) == 0) {
			*size = be32(ent);
			return (uint16_t)(ent[4] << 8 | ent[5]);
		}
	}
	return 0;
}

void fwcfg_append_cmdline(void)
{
	size_t len = strlen(bootinfo.cmdline), room;
	uint32_t size;
	uint16_t sel = fwcfg_find(FW_CFG_CMDLINE_FILE, &size);

	if (sel == 0 || size == 0)
		return;
	room = sizeof(bootinfo.cmdline) - len - 2;   /* a space and the NUL */
	if (size > room) {
		printk("boot: fw_cfg command line of %u bytes does not fit (%lu free), ignored\n",
		       size, (unsigned long)room);
		return;
	}
	if (len)
		bootinfo.cmdline[len++] = ' ';
	outw(FW_CFG_SEL, sel);
	fwcfg_read(bootinfo.cmdline + len, size);
	bootinfo.cmdline[len + size] = 0;
}

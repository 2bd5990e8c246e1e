/* The multiboot2 boot information (Multiboot2 specification, 3.6). */
#ifndef ARCH_MULTIBOOT2_H
#define ARCH_MULTIBOOT2_H

#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u

#define MB2_TAG_END      0
#define MB2_TAG_CMDLINE  1
#define MB2_TAG_LOADER   2
#define MB2_TAG_MODULE   3
#define MB2_TAG_MEMINFO  4
#define MB2_TAG_MMAP     6
#define MB2_TAG_ACPI_OLD 14   /* a copy of the ACPI 1.0 RSDP */
#define MB2_TAG_ACPI_NEW 15   /* a copy of the ACPI 2.0+ RSDP */

#define MB2_MEM_AVAILABLE 1
#define MB2_MEM_RESERVED  2
#define MB2_MEM_ACPI      3
#define MB2_MEM_NVS       4
#define MB2_MEM_BAD       5

struct mb2_info { uint32_t total_size, reserved; };
struct mb2_tag { uint32_t type, size; };
struct mb2_tag_string { uint32_t type, size; char string[]; };
struct mb2_tag_module { uint32_t type, size, mod_start, mod_end; char string[]; };
struct mb2_mmap_entry { uint64_t addr, len; uint32_t type, zero; };
struct mb2_tag_mmap { uint32_t type, size, entry_size, entry_version; };

#endif /* ARCH_MULTIBOOT2_H */

/*
 * The kernel's names for the shared formatter (lib/fmt.c, lwk/fmt.h):
 * ksnprintf and kvsnprintf are fmt_snprintf and fmt_vsnprintf.
 */
#ifndef LWK_KFMT_H
#define LWK_KFMT_H

#include <lwk/fmt.h>

#define kvsnprintf fmt_vsnprintf
#define ksnprintf  fmt_snprintf

#endif /* LWK_KFMT_H */

/* Compiler attributes used across the kernel. */
#ifndef LWK_COMPILER_H
#define LWK_COMPILER_H

#define __noreturn   __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __used       __attribute__((used))
#define __section(s) __attribute__((section(s)))
#define __aligned(n) __attribute__((aligned(n)))
#define __packed     __attribute__((packed))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)   (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#endif /* LWK_COMPILER_H */

/* The corpus in native C (corpus_native.c): one call of each workload. */
#ifndef BENCH_CORPUS_NATIVE_H
#define BENCH_CORPUS_NATIVE_H

#include <stdint.h>
#include "bench.h"

#define CN_DECL(name) uint64_t cn_##name(uint64_t i, uint64_t key);
BENCH_CORPUS(CN_DECL)
#undef CN_DECL

#endif /* BENCH_CORPUS_NATIVE_H */

#ifndef ENGRAM_SMALL_BATCH_DECLARATIONS_H
#define ENGRAM_SMALL_BATCH_DECLARATIONS_H

#include <stddef.h>

/// Declares one SIMD instance of the loops in small_batch_loops.h, its names prefixed by `prefix`.
/// Their contracts are those of the engram_* functions in small_batch.h.
#define ENGRAM_DECLARE_SMALL_BATCH_LOOPS(prefix) \
    void prefix##batch_dot(const float *a, size_t rows, const float *x, size_t queries, size_t d, float alpha, \
                           float *s, size_t lds); \
    void prefix##batch_combine(const float *p, size_t ldp, size_t queries, const float *a, size_t rows, size_t d, \
                               size_t begin, size_t end, float *g);

#endif

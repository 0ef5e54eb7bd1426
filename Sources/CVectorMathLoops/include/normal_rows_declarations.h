#ifndef ENGRAM_NORMAL_ROWS_DECLARATIONS_H
#define ENGRAM_NORMAL_ROWS_DECLARATIONS_H

#include <stddef.h>
#include <stdint.h>

/// Declares one instance of the loops in normal_rows_loops.h, their names prefixed by `prefix`
/// (e.g. engram_avx2_). Their contracts are those of engram_philox_words and engram_normal_rows in
/// normal_rows.h.
#define ENGRAM_DECLARE_NORMAL_ROWS_LOOPS(prefix) \
    void prefix##philox_words(uint32_t k0, uint32_t k1, uint32_t c1, uint32_t c2, size_t first, size_t count, \
                              uint32_t *out); \
    void prefix##normal_rows(uint32_t k0, uint32_t k1, uint32_t stream, size_t first_row, size_t rows, size_t dim, \
                             float *out);

#endif

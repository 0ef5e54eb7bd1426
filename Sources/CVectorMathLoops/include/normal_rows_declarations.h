#ifndef ENGRAM_NORMAL_ROWS_DECLARATIONS_H
#define ENGRAM_NORMAL_ROWS_DECLARATIONS_H

#include <stddef.h>
#include <stdint.h>

/// Declares one instance of the loop in normal_rows_loops.h, its name prefixed by `prefix`
/// (e.g. engram_avx2_). Its contract is that of engram_normal_rows in normal_rows.h.
#define ENGRAM_DECLARE_NORMAL_ROWS_LOOPS(prefix) \
    void prefix##normal_rows(uint32_t k0, uint32_t k1, uint32_t stream, size_t first_row, size_t rows, size_t dim, \
                             float *out);

#endif

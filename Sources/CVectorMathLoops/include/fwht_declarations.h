#ifndef ENGRAM_FWHT_DECLARATIONS_H
#define ENGRAM_FWHT_DECLARATIONS_H

#include <stddef.h>

/// Declares one SIMD instance of the loop in fwht_loops.h, its name prefixed by `prefix`. Its contract is
/// engram_fwht's (structured.h), for p ≥ the instance's lanes.
#define ENGRAM_DECLARE_FWHT_LOOPS(prefix) \
    void prefix##fwht(float *v, const float *sign, size_t p);

#endif

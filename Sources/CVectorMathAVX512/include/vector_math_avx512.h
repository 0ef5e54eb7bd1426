#ifndef ENGRAM_VECTOR_MATH_AVX512_H
#define ENGRAM_VECTOR_MATH_AVX512_H

#include "vector_math_declarations.h"
#include "small_batch_declarations.h"
#include "fwht_declarations.h"
#include "normal_rows_declarations.h"

/// The AVX-512 instance of the loops (SLEEF's 16-lane functions). Call only on a CPU with AVX-512F:
/// CVectorMath checks.
ENGRAM_DECLARE_VECTOR_LOOPS(engram_avx512_)
ENGRAM_DECLARE_SMALL_BATCH_LOOPS(engram_avx512_)
ENGRAM_DECLARE_FWHT_LOOPS(engram_avx512_)
ENGRAM_DECLARE_NORMAL_ROWS_LOOPS(engram_avx512_)

#endif

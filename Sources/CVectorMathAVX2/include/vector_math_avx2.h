#ifndef ENGRAM_VECTOR_MATH_AVX2_H
#define ENGRAM_VECTOR_MATH_AVX2_H

#include "vector_math_declarations.h"
#include "small_batch_declarations.h"
#include "fwht_declarations.h"
#include "normal_rows_declarations.h"

/// The AVX2 instance of the loops (SLEEF's 8-lane functions). Call only on a CPU with AVX2 and FMA:
/// CVectorMath checks.
ENGRAM_DECLARE_VECTOR_LOOPS(engram_avx2_)
ENGRAM_DECLARE_SMALL_BATCH_LOOPS(engram_avx2_)
ENGRAM_DECLARE_FWHT_LOOPS(engram_avx2_)
ENGRAM_DECLARE_NORMAL_ROWS_LOOPS(engram_avx2_)

#endif

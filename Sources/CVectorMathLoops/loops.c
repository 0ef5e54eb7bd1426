/* Header-only: the loops are in include/vector_math_loops.h. */

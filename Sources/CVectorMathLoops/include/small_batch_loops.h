#ifndef ENGRAM_SMALL_BATCH_LOOPS_H
#define ENGRAM_SMALL_BATCH_LOOPS_H

/// The small-batch products of CVectorMath (contracts in small_batch.h), written once over the macros
/// of vector_math_loops.h. Every output is one accumulator whose operations (zero, then one FMA per
/// VM_LANES-wide chunk in a fixed order, then VM_REDUCE_ADD) do not depend on how many rows or queries
/// are computed beside it, so a query's results are bit for bit the same alone or in any batch.
/// Register blocks: QB ≤ 4 queries × RB rows (dot) or QB queries × CB chunks (combine). The blocks run
/// over tiles of SB_QUERY_TILE queries: every block of a tile's queries visits one tile of rows (dot)
/// or of rows × columns (combine) while it is in L1/L2, so the rows are read from memory once per
/// SB_QUERY_TILE queries. A combine accumulator that spans several row tiles is stored to its output
/// between them and loaded back, which is exact, so the tiling changes no result.

#include <stddef.h>

/// Queries that share one pass over the rows.
#define SB_QUERY_TILE 16
/// Rows per dot tile: a multiple of every dot block's width (8 rows × D floats, in L1 at D = 784).
#define SB_DOT_ROWS 8
/// Chunks (VM_LANES floats) × rows per combine tile: the chunks a multiple of every combine block's
/// width, the tile at most 256 KiB at 16 lanes (in L2).
#define SB_COMBINE_CHUNKS 16
#define SB_COMBINE_ROWS 256
/// Rows per combine tile for one block of queries (at most 4): the tile spans every column, so the
/// rows are read in order, a few streams at a time, while the block's outputs (at most 4·D floats)
/// stay in L2. (Running down all the rows for each slice of columns instead touches every row, a new
/// page each for a wide matrix, once per slice: dense DrDAM at the paper's scale, 4 queries, D = 12 288,
/// reached a third of the memory bandwidth that way, 0.8 of it this way.)
#define SB_COMBINE_STREAM_ROWS 16

/// One block of the dot product: s[q·lds + r] = alpha · x_q · a_r for q < QB, r < RB.
#define SB_DOT_BLOCK(QB, RB)                                                                             \
static inline void VM_NAME(dot_##QB##x##RB)(const float *a, const float *x, size_t d, float alpha,       \
                                             float *s, size_t lds) {                                     \
    VM_F acc[QB][RB];                                                                                    \
    for (int q = 0; q < QB; q++) for (int r = 0; r < RB; r++) acc[q][r] = VM_SET1(0.0f);                 \
    for (size_t j = 0; j < d; j += VM_LANES) {                                                           \
        VM_M m = VM_TAIL(d - j);                                                                         \
        VM_F av[RB];                                                                                     \
        for (int r = 0; r < RB; r++) av[r] = VM_LOAD(m, a + r * d + j);                                  \
        for (int q = 0; q < QB; q++) {                                                                   \
            VM_F xv = VM_LOAD(m, x + q * d + j);                                                         \
            for (int r = 0; r < RB; r++) acc[q][r] = VM_FMADD(xv, av[r], acc[q][r]);                     \
        }                                                                                                \
    }                                                                                                    \
    for (int q = 0; q < QB; q++) for (int r = 0; r < RB; r++) s[q * lds + r] = alpha * VM_REDUCE_ADD(acc[q][r]); \
}

/// One block of the combination over `rows` rows: g[q·d + j + c·VM_LANES + i] = (first ? 0 : g[…]) +
/// Σ_k p[q·ldp + k] · a[k·d + j + c·VM_LANES + i] (one FMA per k, in order) for q < QB and the CB
/// chunks starting at column j (the last one masked by `end`).
#define SB_COMBINE_BLOCK(QB, CB)                                                                         \
static inline void VM_NAME(combine_##QB##x##CB)(const float *p, size_t ldp, const float *a, size_t rows, \
                                                size_t d, size_t j, size_t end, float *g, int first) {   \
    VM_F acc[QB][CB];                                                                                    \
    VM_M m[CB];                                                                                          \
    for (int c = 0; c < CB; c++) m[c] = VM_TAIL(end - j - c * VM_LANES);                                 \
    for (int q = 0; q < QB; q++) for (int c = 0; c < CB; c++)                                            \
        acc[q][c] = first ? VM_SET1(0.0f) : VM_LOAD(m[c], g + q * d + j + c * VM_LANES);                 \
    for (size_t k = 0; k < rows; k++) {                                                                  \
        VM_F av[CB];                                                                                     \
        for (int c = 0; c < CB; c++) av[c] = VM_LOAD(m[c], a + k * d + j + c * VM_LANES);                \
        for (int q = 0; q < QB; q++) {                                                                   \
            VM_F w = VM_SET1(p[q * ldp + k]);                                                            \
            for (int c = 0; c < CB; c++) acc[q][c] = VM_FMADD(w, av[c], acc[q][c]);                      \
        }                                                                                                \
    }                                                                                                    \
    for (int q = 0; q < QB; q++) for (int c = 0; c < CB; c++) VM_STORE(g + q * d + j + c * VM_LANES, m[c], acc[q][c]); \
}

SB_DOT_BLOCK(1, 8) SB_DOT_BLOCK(2, 8) SB_DOT_BLOCK(3, 4) SB_DOT_BLOCK(4, 4)
SB_DOT_BLOCK(1, 1) SB_DOT_BLOCK(2, 1) SB_DOT_BLOCK(3, 1) SB_DOT_BLOCK(4, 1)
SB_COMBINE_BLOCK(1, 16) SB_COMBINE_BLOCK(2, 8) SB_COMBINE_BLOCK(3, 4) SB_COMBINE_BLOCK(4, 4)
SB_COMBINE_BLOCK(1, 1) SB_COMBINE_BLOCK(2, 1) SB_COMBINE_BLOCK(3, 1) SB_COMBINE_BLOCK(4, 1)

/// The blocks by the number of queries in a group (1 to 4): full width, and one row or chunk wide.
typedef void (*VM_NAME(dot_block))(const float *, const float *, size_t, float, float *, size_t);
typedef void (*VM_NAME(combine_block))(const float *, size_t, const float *, size_t, size_t, size_t, size_t, float *, int);
static const VM_NAME(dot_block) VM_NAME(dot_full)[4] = { VM_NAME(dot_1x8), VM_NAME(dot_2x8), VM_NAME(dot_3x4), VM_NAME(dot_4x4) };
static const VM_NAME(dot_block) VM_NAME(dot_edge)[4] = { VM_NAME(dot_1x1), VM_NAME(dot_2x1), VM_NAME(dot_3x1), VM_NAME(dot_4x1) };
static const VM_NAME(combine_block) VM_NAME(combine_full)[4] = {
    VM_NAME(combine_1x16), VM_NAME(combine_2x8), VM_NAME(combine_3x4), VM_NAME(combine_4x4) };
static const VM_NAME(combine_block) VM_NAME(combine_edge)[4] = {
    VM_NAME(combine_1x1), VM_NAME(combine_2x1), VM_NAME(combine_3x1), VM_NAME(combine_4x1) };

/// Rows per full dot block, and chunks per full combine block, for a group of `qb` queries.
static inline size_t VM_NAME(block_width)(size_t qb) { return qb <= 2 ? 8 : 4; }
static inline size_t VM_NAME(combine_width)(size_t qb) { return qb == 1 ? 16 : qb == 2 ? 8 : 4; }

static inline size_t VM_NAME(min)(size_t a, size_t b) { return a < b ? a : b; }

void VM_NAME(batch_dot)(const float *a, size_t rows, const float *x, size_t queries, size_t d, float alpha,
                        float *s, size_t lds) {
    for (size_t q0 = 0; q0 < queries; q0 += SB_QUERY_TILE) {
        size_t q_end = VM_NAME(min)(queries, q0 + SB_QUERY_TILE);
        for (size_t r0 = 0; r0 < rows; r0 += SB_DOT_ROWS) {
            size_t r_end = VM_NAME(min)(rows, r0 + SB_DOT_ROWS);
            for (size_t q = q0; q < q_end; q += 4) {
                size_t qb = VM_NAME(min)(q_end - q, 4), rb = VM_NAME(block_width)(qb), r = r0;
                for (; r + rb <= r_end; r += rb) VM_NAME(dot_full)[qb - 1](a + r * d, x + q * d, d, alpha, s + q * lds + r, lds);
                for (; r < r_end; r++) VM_NAME(dot_edge)[qb - 1](a + r * d, x + q * d, d, alpha, s + q * lds + r, lds);
            }
        }
    }
}

void VM_NAME(batch_combine)(const float *p, size_t ldp, size_t queries, const float *a, size_t rows, size_t d,
                            size_t begin, size_t end, float *g) {
    size_t chunks = (end - begin + VM_LANES - 1) / VM_LANES;
    for (size_t q0 = 0; q0 < queries; q0 += SB_QUERY_TILE) {
        size_t q_end = VM_NAME(min)(queries, q0 + SB_QUERY_TILE);
        // One block of queries streams the rows across every column; more tile rows × columns.
        int tiled = q_end - q0 > 4;
        size_t tile_chunks = tiled ? SB_COMBINE_CHUNKS : chunks, tile_rows = tiled ? SB_COMBINE_ROWS : SB_COMBINE_STREAM_ROWS;
        for (size_t c0 = 0; c0 < chunks; c0 += tile_chunks) {
            size_t c_end = VM_NAME(min)(chunks, c0 + tile_chunks);
            // With no rows, the one pass writes zeros.
            for (size_t k0 = 0; k0 == 0 || k0 < rows; k0 += tile_rows) {
                size_t kt = VM_NAME(min)(rows - k0, tile_rows);
                for (size_t q = q0; q < q_end; q += 4) {
                    size_t qb = VM_NAME(min)(q_end - q, 4), cb = VM_NAME(combine_width)(qb), c = c0;
                    for (; c + cb <= c_end; c += cb)
                        VM_NAME(combine_full)[qb - 1](p + q * ldp + k0, ldp, a + k0 * d, kt, d, begin + c * VM_LANES, end, g + q * d, k0 == 0);
                    for (; c < c_end; c++)
                        VM_NAME(combine_edge)[qb - 1](p + q * ldp + k0, ldp, a + k0 * d, kt, d, begin + c * VM_LANES, end, g + q * d, k0 == 0);
                }
            }
        }
    }
}

#endif

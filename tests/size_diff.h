/* The size/speed differential test: the interface between the main program
 * (tests/size_diff.c) and its two sides (tests/size_diff_side.c, compiled
 * once with ODEUS_OPTIMIZE_SIZE=0 as "speed" and once with 1 as "small").
 *
 * A transcript is text that records everything a caller can observe of one
 * part of the library run on one input, fed in the pieces that split_seed
 * chooses. The contract of ODEUS_OPTIMIZE_SIZE is that the two builds give
 * the same results byte for byte, so the two transcripts of the same
 * (part, input, seed) must be equal. */
#ifndef SD_SIZE_DIFF_H
#define SD_SIZE_DIFF_H

#include <stddef.h>

/* The parts, and the layout of their inputs (the same as the fuzz targets'
 * in tests/fuzz/, so their seed corpora serve here unchanged):
 *  HTTP:   byte 1 chooses head_max and body_max, the rest (from byte 2) is
 *          a stream of responses on one connection (byte 0 is the fuzz
 *          target's split choice: here the seed chooses);
 *  JSON:   the text from byte 1 (byte 0: the fuzz target's split choice);
 *  ANSWER: byte 0 chooses the status and the capacities, the body starts
 *          at byte 2;
 *  CONFIG: the whole input is a request body given as JSON.
 * TABLES, outside the count, takes no input: the library's constant texts,
 * compared once per run. */
enum {
  SD_PART_HTTP,
  SD_PART_JSON,
  SD_PART_ANSWER,
  SD_PART_CONFIG,
  SD_PART_COUNT,
  SD_PART_TABLES = SD_PART_COUNT
};

/* The split seeds worth running: 0 feeds everything at once, 1 one byte at
 * a time, the others pieces of pseudo-random sizes. */
#define SD_SEEDS 20u

/* Writes the transcript of part on in[0..len) into out (at most cap bytes,
 * not NUL-terminated) and returns its whole length, which may exceed cap
 * (then call again with more room). */
size_t sd_transcript_speed(int part, const unsigned char *in, size_t len, unsigned split_seed,
                           char *out, size_t cap);
size_t sd_transcript_small(int part, const unsigned char *in, size_t len, unsigned split_seed,
                           char *out, size_t cap);

/* The ODEUS_OPTIMIZE_SIZE each side was compiled with: a build that mixed
 * them up would compare a build with itself and prove nothing. */
int sd_optimize_size_speed(void);
int sd_optimize_size_small(void);

#endif

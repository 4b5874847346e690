#ifndef TIDEPOOL_CMALLOCSTATS_H
#define TIDEPOOL_CMALLOCSTATS_H

#include <stddef.h>

/// What glibc's malloc counts for this process (`mallinfo2`): bytes held by live allocations (small
/// blocks in every arena and large mmapped ones) and bytes kept free in the arenas. Both are 0 and
/// `tidepool_malloc_stats_available` is 0 where the allocator is not glibc's.
/// A C shim because Swift's Glibc module does not export <malloc.h>.
typedef struct {
    size_t in_use;
    size_t free;
} tidepool_malloc_stats;

int tidepool_malloc_stats_available(void);
tidepool_malloc_stats tidepool_malloc_stats_now(void);

#endif

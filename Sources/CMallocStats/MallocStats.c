#include "CMallocStats.h"

#include <stdlib.h>  // defines __GLIBC__ (through <features.h>) on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int tidepool_malloc_stats_available(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    return 1;
#else
    return 0;
#endif
}

tidepool_malloc_stats tidepool_malloc_stats_now(void) {
    tidepool_malloc_stats stats = {0, 0};
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 info = mallinfo2();
    stats.in_use = info.uordblks + info.hblkhd;
    stats.free = info.fordblks;
#endif
    return stats;
}

#include "CBuildInfo.h"

/* The slot deploy/stamp-commit.sh overwrites in the linked binary: the marker, then the commit
   and NUL padding. volatile: the compiler must read the bytes at run time, not fold them in. */
#define MARKER "cposim-build-commit="
#define MARKER_LENGTH 20
static const volatile char slot[80] = MARKER "unknown";

const char *cposim_build_commit(void) { return (const char *)slot + MARKER_LENGTH; }

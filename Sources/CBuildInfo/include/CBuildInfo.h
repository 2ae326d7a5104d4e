#ifndef CBUILDINFO_H
#define CBUILDINFO_H

/* The git commit the binary was built from, stamped into it after linking by
   deploy/stamp-commit.sh (make build): "unknown" in a binary nobody stamped. */
const char *cposim_build_commit(void);

#endif

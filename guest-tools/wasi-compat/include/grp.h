/* wasi-libc has no <grp.h>: glibc's struct group and the lookups the layer's stubs answer
 * (with no entry: WASI has no groups). */
#ifndef WASI_COMPAT_GRP_H
#define WASI_COMPAT_GRP_H
#include <sys/types.h>

struct group {
    char *gr_name;
    char *gr_passwd;
    gid_t gr_gid;
    char **gr_mem;
};

struct group *getgrgid(gid_t gid);
struct group *getgrnam(const char *name);
#endif

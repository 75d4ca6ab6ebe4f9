/* wasi-libc has no <pwd.h>: glibc's struct passwd and the lookups the layer's stubs answer
 * (with no entry: WASI has no users). */
#ifndef WASI_COMPAT_PWD_H
#define WASI_COMPAT_PWD_H
#include <sys/types.h>

struct passwd {
    char *pw_name;
    char *pw_passwd;
    uid_t pw_uid;
    gid_t pw_gid;
    char *pw_gecos;
    char *pw_dir;
    char *pw_shell;
};

struct passwd *getpwuid(uid_t uid);
struct passwd *getpwnam(const char *name);
#endif

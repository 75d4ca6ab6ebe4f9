/* wasi-libc's <sys/stat.h> plus the mode calls it leaves out and the layer stubs. */
#ifndef WASI_COMPAT_SYS_STAT_H
#define WASI_COMPAT_SYS_STAT_H
#include_next <sys/stat.h>

int chmod(const char *path, mode_t mode);
int lchmod(const char *path, mode_t mode);
int fchmod(int fd, mode_t mode);
int fchmodat(int dir, const char *path, mode_t mode, int flags);
mode_t umask(mode_t mask);
#endif

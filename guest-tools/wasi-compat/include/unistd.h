/* wasi-libc's <unistd.h> plus the calls it leaves out and the layer stubs (src/stubs.c). */
#ifndef WASI_COMPAT_UNISTD_H
#define WASI_COMPAT_UNISTD_H
#include_next <unistd.h>

uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
int getgroups(int size, gid_t list[]);
int setuid(uid_t uid);
int setgid(gid_t gid);
int seteuid(uid_t uid);
int setegid(gid_t gid);
int chown(const char *path, uid_t uid, gid_t gid);
int lchown(const char *path, uid_t uid, gid_t gid);
int fchown(int fd, uid_t uid, gid_t gid);
int fchownat(int dir, const char *path, uid_t uid, gid_t gid, int flags);
char *ttyname(int fd);
int ttyname_r(int fd, char *buffer, size_t size);
#endif

/* What WASI lacks and C programs call: users and groups, ownership and modes, terminals and
 * stdio locks. Each does nothing and succeeds, or reports that there is nothing: one user
 * (root, id 0) with no password entry, files whose modes cannot change, no terminal, a
 * single thread. Weak, so that a program's own definition wins. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define STUB __attribute__((weak))

STUB uid_t getuid(void) { return 0; }
STUB uid_t geteuid(void) { return 0; }
STUB gid_t getgid(void) { return 0; }
STUB gid_t getegid(void) { return 0; }
STUB int getgroups(int size, gid_t list[]) { (void)size; (void)list; return 0; }
STUB int setuid(uid_t uid) { (void)uid; return 0; }
STUB int setgid(gid_t gid) { (void)gid; return 0; }
STUB int seteuid(uid_t uid) { (void)uid; return 0; }
STUB int setegid(gid_t gid) { (void)gid; return 0; }

STUB struct passwd *getpwuid(uid_t uid) { (void)uid; return NULL; }
STUB struct passwd *getpwnam(const char *name) { (void)name; return NULL; }
STUB struct group *getgrgid(gid_t gid) { (void)gid; return NULL; }
STUB struct group *getgrnam(const char *name) { (void)name; return NULL; }

STUB int chown(const char *path, uid_t uid, gid_t gid) { (void)path; (void)uid; (void)gid; return 0; }
STUB int lchown(const char *path, uid_t uid, gid_t gid) { (void)path; (void)uid; (void)gid; return 0; }
STUB int fchown(int fd, uid_t uid, gid_t gid) { (void)fd; (void)uid; (void)gid; return 0; }
STUB int fchownat(int dir, const char *path, uid_t uid, gid_t gid, int flags) {
    (void)dir; (void)path; (void)uid; (void)gid; (void)flags;
    return 0;
}
STUB int chmod(const char *path, mode_t mode) { (void)path; (void)mode; return 0; }
STUB int lchmod(const char *path, mode_t mode) { (void)path; (void)mode; return 0; }
STUB int fchmod(int fd, mode_t mode) { (void)fd; (void)mode; return 0; }
STUB int fchmodat(int dir, const char *path, mode_t mode, int flags) {
    (void)dir; (void)path; (void)mode; (void)flags;
    return 0;
}
STUB mode_t umask(mode_t mask) { (void)mask; return 022; }

STUB char *ttyname(int fd) { (void)fd; errno = ENOTTY; return NULL; }
STUB int ttyname_r(int fd, char *buffer, size_t size) { (void)fd; (void)buffer; (void)size; return ENOTTY; }

STUB void flockfile(FILE *file) { (void)file; }
STUB void funlockfile(FILE *file) { (void)file; }
STUB int ftrylockfile(FILE *file) { (void)file; return 0; }

STUB int tcgetattr(int fd, struct termios *termios) { (void)fd; (void)termios; errno = ENOTTY; return -1; }
STUB int tcsetattr(int fd, int when, const struct termios *termios) {
    (void)fd; (void)when; (void)termios;
    errno = ENOTTY;
    return -1;
}
STUB speed_t cfgetispeed(const struct termios *termios) { return termios->c_ispeed; }
STUB speed_t cfgetospeed(const struct termios *termios) { return termios->c_ospeed; }
STUB int cfsetispeed(struct termios *termios, speed_t speed) { termios->c_ispeed = speed; return 0; }
STUB int cfsetospeed(struct termios *termios, speed_t speed) { termios->c_ospeed = speed; return 0; }

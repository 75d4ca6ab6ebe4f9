/* Reading a directory fails with EISDIR, as on Linux: WASI's fd_read on a directory says
 * EBADF. Linked with --wrap=read and --wrap=readv, so stdio (which reads through them) says
 * the same. */
#include <errno.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

ssize_t __real_read(int fd, void *buffer, size_t size);
ssize_t __real_readv(int fd, const struct iovec *vector, int count);

/* errno for a failed read of fd: EISDIR instead of EBADF when fd is an open directory. */
static void fix_errno(int fd) {
    struct stat st;
    int saved = errno;
    if (saved == EBADF && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
        saved = EISDIR;
    errno = saved;
}

ssize_t __wrap_read(int fd, void *buffer, size_t size) {
    ssize_t got = __real_read(fd, buffer, size);
    if (got < 0)
        fix_errno(fd);
    return got;
}

ssize_t __wrap_readv(int fd, const struct iovec *vector, int count) {
    ssize_t got = __real_readv(fd, vector, count);
    if (got < 0)
        fix_errno(fd);
    return got;
}

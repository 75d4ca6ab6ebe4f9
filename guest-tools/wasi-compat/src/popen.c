/* popen and pclose, which wasi-libc leaves out: WASI cannot start a process, so popen fails
 * with ENOSYS and pclose, never given a stream popen opened, with ECHILD. wasi-libc's
 * <stdio.h> does not declare them: a program that calls them declares them itself (sed's
 * recipe patches that in). Weak, so that a program's own definition wins. */
#include <errno.h>
#include <stdio.h>

FILE *popen(const char *command, const char *mode);
int pclose(FILE *stream);

__attribute__((weak)) FILE *popen(const char *command, const char *mode) {
    (void)command;
    (void)mode;
    errno = ENOSYS;
    return NULL;
}

__attribute__((weak)) int pclose(FILE *stream) {
    (void)stream;
    errno = ECHILD;
    return -1;
}

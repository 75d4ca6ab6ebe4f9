/* err, errx, warn, warnx and their v-forms, which wasi-libc declares but does not define, as
 * glibc prints them: "PROGNAME: MESSAGE: STRERROR\n" on stderr, PROGNAME being __progname. */
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char *__progname;

static void report(const char *format, va_list args, int with_errno, int number) {
    fprintf(stderr, "%s: ", __progname);
    if (format) {
        vfprintf(stderr, format, args);
        if (with_errno)
            fputs(": ", stderr);
    }
    if (with_errno)
        fprintf(stderr, "%s", strerror(number));
    fputc('\n', stderr);
}

__attribute__((weak)) void vwarn(const char *format, va_list args) { report(format, args, 1, errno); }
__attribute__((weak)) void vwarnx(const char *format, va_list args) { report(format, args, 0, 0); }

__attribute__((weak)) _Noreturn void verr(int status, const char *format, va_list args) {
    vwarn(format, args);
    exit(status);
}

__attribute__((weak)) _Noreturn void verrx(int status, const char *format, va_list args) {
    vwarnx(format, args);
    exit(status);
}

__attribute__((weak)) void warn(const char *format, ...) {
    va_list args;
    va_start(args, format);
    vwarn(format, args);
    va_end(args);
}

__attribute__((weak)) void warnx(const char *format, ...) {
    va_list args;
    va_start(args, format);
    vwarnx(format, args);
    va_end(args);
}

__attribute__((weak)) _Noreturn void err(int status, const char *format, ...) {
    va_list args;
    va_start(args, format);
    verr(status, format, args);
}

__attribute__((weak)) _Noreturn void errx(int status, const char *format, ...) {
    va_list args;
    va_start(args, format);
    verrx(status, format, args);
}

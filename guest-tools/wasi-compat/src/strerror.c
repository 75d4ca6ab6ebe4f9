/* strerror with glibc's texts: wasi-libc (musl) words half the common errors differently
 * ("No error information", "Result not representable"...). Linked with --wrap=strerror, so
 * perror, printf's %m and strerror_r, which call strerror inside libc, say the same. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const texts[] = {
    [0] = "Success",
#include "errlist.h"
};

char *__wrap_strerror(int number) {
    static char unknown[32];
    if (number >= 0 && (size_t)number < sizeof texts / sizeof texts[0] && texts[number])
        return (char *)texts[number];
    snprintf(unknown, sizeof unknown, "Unknown error %d", number);
    return unknown;
}

/* A probe of the layer, built both with guest-tools/wasi-compat/cc and natively with glibc:
 * tests/wasi_compat.rs runs both over the same cases and expects the same output.
 *   probe [-a] [-b ARG] [-c[ARG]] [--alpha] [--beta ARG] [--bravo] [--gamma[=ARG]] [FILE...]
 * prints its options and arguments, then for each FILE a line of it read with fgetws (or a
 * warn() naming the error), then strerror texts, __progname, ids and an errx. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

extern char *program_invocation_short_name;

int main(int argc, char **argv) {
    static const struct option longs[] = {
        {"alpha", no_argument, NULL, 'a'},      {"beta", required_argument, NULL, 'b'},
        {"bravo", no_argument, NULL, 'B'},      {"gamma", optional_argument, NULL, 'g'},
        {NULL, 0, NULL, 0},
    };
    setlocale(LC_ALL, "");
    int c;
    while ((c = getopt_long(argc, argv, "ab:c::", longs, NULL)) != -1)
        printf("option %c %s\n", c == '?' ? '?' : c, optarg ? optarg : "-");
    for (int i = optind; i < argc; i++) {
        printf("argument %s\n", argv[i]);
        FILE *file = fopen(argv[i], "r");
        if (!file) {
            warn("cannot open %s", argv[i]);
            continue;
        }
        wchar_t line[64];
        if (fgetws(line, 64, file))
            printf("read %zu characters\n", wcslen(line));
        if (ferror(file))
            warn("%s", argv[i]);
        fclose(file);
    }
    int numbers[] = {0, EPERM, ENOENT, EIO, EBADF, EACCES, EEXIST, ENOTDIR, EISDIR, EINVAL, ENOSPC, EPIPE, EDOM,
                     ERANGE, EILSEQ, ENOTTY, ENOSYS, ENOTEMPTY, ETIMEDOUT, EOVERFLOW, 9999};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        printf("strerror: %s\n", strerror(numbers[i]));
    printf("progname: %s\n", program_invocation_short_name);
    printf("ids: %d %d, chmod: %d\n", (int)getuid(), (int)getgid(), chmod("none", 0644) == 0 || errno == ENOENT);
    errno = ERANGE;
    warn("warn");
    warnx("warnx %d", 1);
    errx(3, "errx %s", "done");
}

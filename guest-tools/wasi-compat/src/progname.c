/* Sets __progname (program_invocation_short_name) and __progname_full
 * (program_invocation_name) from argv[0] before main runs, as glibc does: wasi-libc leaves
 * them null, so messages would print "(null)". A constructor rather than a wrapper around
 * main, so that it works whatever main's signature; the driver links this object always. */
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

extern char *__progname, *__progname_full;

__attribute__((constructor(101))) static void set_progname(void) {
    __wasi_size_t argc, size;
    if (__wasi_args_sizes_get(&argc, &size) != 0 || argc == 0)
        return;
    char **argv = malloc(sizeof(char *) * argc);
    char *buffer = malloc(size);
    if (!argv || !buffer || __wasi_args_get((uint8_t **)argv, (uint8_t *)buffer) != 0) {
        free(argv);
        free(buffer);
        return;
    }
    char *slash = strrchr(argv[0], '/');
    __progname_full = argv[0];
    __progname = slash ? slash + 1 : argv[0];
    free(argv); /* the strings live on in buffer, for the whole run */
}

/* wasi-libc's <stdio.h> plus the stdio locks it declares only for threads (stubbed: WASI
 * programs here have one thread). */
#ifndef WASI_COMPAT_STDIO_H
#define WASI_COMPAT_STDIO_H
#include_next <stdio.h>

void flockfile(FILE *file);
void funlockfile(FILE *file);
int ftrylockfile(FILE *file);
#endif

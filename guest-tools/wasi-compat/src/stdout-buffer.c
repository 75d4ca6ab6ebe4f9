/* stdout fully buffered from the first write, as glibc buffers a stream that is not a
 * terminal (in blocks of the pipe's or file's 4096 bytes). musl starts stdout line-buffered
 * and switches only after its first flush, so its first line would come out at once and,
 * with 2>&1, before error messages that glibc's build prints ahead of it. In WASI stdout is
 * never a terminal. */
#include <stdio.h>
#include <unistd.h>

/* musl keeps 8 bytes of a stream's buffer for ungetc: the rest, 4096, holds output. */
static unsigned char buffer[4096 + 8];

__attribute__((constructor(101))) static void buffer_stdout(void) {
    if (!isatty(STDOUT_FILENO))
        setvbuf(stdout, (char *)buffer, _IOFBF, sizeof buffer);
}

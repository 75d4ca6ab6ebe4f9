/* fgetws as glibc's behaves on bad input: an invalid multibyte sequence fails the read (NULL,
 * errno EILSEQ, the stream's error indicator set), and an incomplete one at the end of the
 * file is dropped. musl's stops at an invalid byte as if at the end of the file, so a program
 * would end silently with status 0, and fails on an incomplete one. musl keeps the error
 * indicator inside its opaque FILE, so the layer remembers failed streams itself and
 * answers for them through ferror, clearerr and fclose; all four are linked with --wrap. */
#include <errno.h>
#include <stdio.h>
#include <wchar.h>

int __real_ferror(FILE *file);
void __real_clearerr(FILE *file);
int __real_fclose(FILE *file);

/* The streams whose wide read met an invalid sequence (few are open at once). */
static FILE *failed[16];

static FILE **slot_of(const FILE *file) {
    for (size_t i = 0; i < sizeof failed / sizeof failed[0]; i++)
        if (failed[i] == file)
            return &failed[i];
    return NULL;
}

static void forget(const FILE *file) {
    FILE **slot = file ? slot_of(file) : NULL;
    if (slot)
        *slot = NULL;
}

wchar_t *__wrap_fgetws(wchar_t *restrict line, int size, FILE *restrict file) {
    if (size <= 0) {
        errno = EINVAL;
        return NULL;
    }
    wchar_t *end = line;
    mbstate_t state = {0};
    while (end < line + size - 1) {
        int c = getc(file);
        if (c == EOF)
            break; /* bytes of an incomplete character are dropped */
        char byte = (char)c;
        wchar_t wide;
        size_t used = mbrtowc(&wide, &byte, 1, &state);
        if (used == (size_t)-2)
            continue;
        if (used == (size_t)-1) {
            FILE **slot = slot_of(file);
            if (!slot)
                slot = slot_of(NULL);
            if (slot)
                *slot = file;
            errno = EILSEQ;
            return NULL;
        }
        *end++ = wide;
        if (wide == L'\n')
            break;
    }
    if (end == line || __real_ferror(file))
        return NULL;
    *end = L'\0';
    return line;
}

int __wrap_ferror(FILE *file) { return __real_ferror(file) || slot_of(file) != NULL; }

void __wrap_clearerr(FILE *file) {
    forget(file);
    __real_clearerr(file);
}

int __wrap_fclose(FILE *file) {
    forget(file);
    return __real_fclose(file);
}

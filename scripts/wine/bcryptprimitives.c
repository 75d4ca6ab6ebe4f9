/* Wine 8 lacks bcryptprimitives.dll, whose ProcessPrng Rust's standard library imports on
 * Windows; without it a Rust program exits at once. This stand-in forwards to
 * BCryptGenRandom. Built by scripts/cross-check for the Wine prefix it uses. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    return BCryptGenRandom(NULL, data, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}

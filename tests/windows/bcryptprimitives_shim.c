/* TEST ONLY, never shipped: a bcryptprimitives.dll for Wine 8, which has none. Rust's Windows
 * standard library (and getrandom) call ProcessPrng from bcryptprimitives.dll (Windows 10 and
 * later); without the DLL no Rust-built program loads under Wine 8 ("Library
 * bcryptprimitives.dll not found"). This one forwards to BCryptGenRandom with the system RNG, which
 * Wine implements. tests/windows/run.sh builds it only when the Wine prefix lacks the DLL and puts
 * it beside the test programs. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG))) {
            return FALSE;
        }
        data += n;
        len -= n;
    }
    return TRUE;
}

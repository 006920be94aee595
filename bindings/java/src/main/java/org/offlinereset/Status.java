package org.offlinereset;

/**
 * {@code olr_status}: the C ABI's status numbers (stable, never reused). {@code HeaderTest} checks
 * this list against include/offline_reset.h. {@link #UNKNOWN} (number -1) stands for a number this
 * binding does not know (a newer library); {@link OfflineResetException#statusNumber()} has it.
 */
public enum Status {
    OK(0), MALFORMED_INPUT(1), MISTYPED(2), UNSUPPORTED_VERSION(3), KEY_ROTATED(4), EXPIRED(5),
    NOT_YET_VALID(6), REJECTED(7), INVALID_KEY_MATERIAL(8), WRONG_WRAPPING_KEY(9), RNG_FAILURE(10),
    TRUNCATED(11), CORRUPTED(12), WRONG_KIND(13), WRAPPING_MISMATCH(14), INVALID_USERNAME(15),
    INVALID_DOMAIN(16), INVALID_PASSWORD(17), INVALID_POLICY(18), TIME_OUT_OF_RANGE(19),
    EPOCHS_EXHAUSTED(20), ALREADY_USED(21), SUPERSEDED(22), CODE_BEFORE_ROTATION(23),
    REDEPLOY_NEEDED(24), LEDGER_FULL(25), UTF16_TEXT(26), CLOCK_SET_BACK(27), TOO_MANY_ATTEMPTS(28),
    LEDGER_OF_ANOTHER_MACHINE(29), LEDGER_ROLLED_BACK(30), PACKAGE_EPOCH_TOO_OLD(31),
    PACKAGE_SIGNATURE_INVALID(32), INVALID_SID(33), OUT_OF_MEMORY(34),
    /** ABI 2.1: the library was built without the {@code pkcs11} cargo feature. */
    PKCS11_NOT_BUILT(35),
    /**
     * ABI 2.1, a PKCS#11 token's: the module cannot be loaded, no token has the label, the PIN is
     * refused, no ring (or one of its keys) is under the label prefix, a ring is already there, the
     * token failed otherwise.
     */
    TOKEN_MODULE_NOT_FOUND(36), TOKEN_ABSENT(37), TOKEN_WRONG_PIN(38), TOKEN_KEY_MISSING(39), TOKEN_RING_EXISTS(40),
    TOKEN_FAILURE(41),
    /** ABI 2.1: the ring's keys are held in a PKCS#11 token and never leave it (no export). */
    KEYS_IN_TOKEN(42),
    NULL_POINTER(100), INVALID_UTF8(101),
    BUFFER_TOO_SMALL(102), INVALID_LENGTH(103), PANIC(104),
    /** C-only: a {@code _utf16} function's text holds an unpaired surrogate (this binding passes UTF-8). */
    INVALID_UTF16(105),
    /** Not a C status: any number this binding does not know. */
    UNKNOWN(-1);

    private final int number;

    Status(int number) {
        this.number = number;
    }

    /** The C ABI's number (-1 for {@link #UNKNOWN}). */
    public int number() {
        return number;
    }

    /** The status with this number, or {@link #UNKNOWN}. */
    public static Status of(int number) {
        for (Status s : values()) {
            if (s.number == number && s != UNKNOWN) {
                return s;
            }
        }
        return UNKNOWN;
    }

    /** The library's static English message for this status. */
    public String message() {
        return OfflineReset.statusMessage(number);
    }
}

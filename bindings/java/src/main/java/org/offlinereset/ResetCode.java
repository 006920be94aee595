package org.offlinereset;

/**
 * A reset code, parsed from typed text (case-insensitive; O reads as 0, I and L
 * as 1; spaces and hyphens ignored). Immutable; equal when the canonical texts are equal.
 */
public final class ResetCode {
    private final String text;

    private ResetCode(String canonical) {
        this.text = canonical;
    }

    /**
     * Checks typed text and returns the code in canonical form.
     *
     * @throws OfflineResetException MISTYPED ({@link OfflineResetException#group()}: the group to
     *     retype, 0 = the whole code), MALFORMED_INPUT, UNSUPPORTED_VERSION
     */
    public static ResetCode parse(String typed) {
        byte[] raw = OfflineReset.utf8(typed);
        byte[] out = new byte[Native.RESET_CODE_TEXT_LEN];
        long[] n = new long[1];
        byte[] d = OfflineReset.details();
        OfflineReset.check(Native.olr_reset_code_check(raw, raw.length, out, out.length, n, d), d);
        return new ResetCode(OfflineReset.text(out, n[0]));
    }

    static ResetCode trusted(String canonical) {
        return new ResetCode(canonical);
    }

    /** The canonical text (upper case, groups joined by {@code -}). */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResetCode c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}

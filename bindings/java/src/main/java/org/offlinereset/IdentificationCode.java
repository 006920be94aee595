package org.offlinereset;

/**
 * A machine's identification code, parsed from typed text (case-insensitive; O reads as 0, I and L
 * as 1; spaces and hyphens ignored). Immutable; equal when the canonical texts are equal.
 */
public final class IdentificationCode {
    private final String text;

    private IdentificationCode(String canonical) {
        this.text = canonical;
    }

    /**
     * Checks typed text and returns the code in canonical form.
     *
     * @throws OfflineResetException MISTYPED ({@link OfflineResetException#group()}: the group to
     *     retype, 0 = the whole code), MALFORMED_INPUT, UNSUPPORTED_VERSION
     */
    public static IdentificationCode parse(String typed) {
        byte[] raw = OfflineReset.utf8(typed);
        byte[] out = new byte[Native.IDENTIFICATION_CODE_TEXT_LEN];
        long[] n = new long[1];
        byte[] d = OfflineReset.details();
        OfflineReset.check(Native.olr_identification_code_check(raw, raw.length, out, out.length, n, d), d);
        return new IdentificationCode(OfflineReset.text(out, n[0]));
    }

    static IdentificationCode trusted(String canonical) {
        return new IdentificationCode(canonical);
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
        return o instanceof IdentificationCode c && c.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}

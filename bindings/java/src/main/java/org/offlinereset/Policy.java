package org.offlinereset;

/** Reset-code lifetime and allowed clock skew, in minutes (checked by the library when used). */
public record Policy(int resetCodeLifetimeMinutes, int clockSkewMinutes) {
    /** 1440 minutes lifetime, 10 minutes skew. */
    public static final Policy DEFAULT = new Policy(1440, 10);
}

package org.offlinereset;

import java.time.Duration;

/** Reset-code lifetime and allowed clock skew, in minutes (checked by the library when used). */
public record Policy(int resetCodeLifetimeMinutes, int clockSkewMinutes) {
    /** 1440 minutes lifetime, 10 minutes skew. */
    public static final Policy DEFAULT = new Policy(1440, 10);

    /** {@link #resetCodeLifetimeMinutes()} as a {@link Duration}. */
    public Duration resetCodeLifetime() {
        return Duration.ofMinutes(resetCodeLifetimeMinutes);
    }

    /** {@link #clockSkewMinutes()} as a {@link Duration}. */
    public Duration clockSkew() {
        return Duration.ofMinutes(clockSkewMinutes);
    }
}

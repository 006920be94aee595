package org.offlinereset;

import java.time.Instant;

/**
 * What a machine learns from a reset code that opened: {@code issuedAt} and {@code expiresAt} in unix
 * seconds; {@link #issuedAtInstant()} and {@link #expiresAtInstant()} the same times as {@link Instant}s.
 */
public record AcceptedReset(long issuedAt, long expiresAt) {
    /** {@link #issuedAt()} as an {@link Instant}. */
    public Instant issuedAtInstant() {
        return Instant.ofEpochSecond(issuedAt);
    }

    /** {@link #expiresAt()} as an {@link Instant}. */
    public Instant expiresAtInstant() {
        return Instant.ofEpochSecond(expiresAt);
    }
}

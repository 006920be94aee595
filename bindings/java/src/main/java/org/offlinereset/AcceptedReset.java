package org.offlinereset;

/** What a machine learns from a reset code that opened (unix seconds). */
public record AcceptedReset(long issuedAt, long expiresAt) {}

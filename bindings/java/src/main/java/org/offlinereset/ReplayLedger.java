package org.offlinereset;

/**
 * A machine's replay ledger (docs/PROTOCOL.md §9.7), bound to one enrollment: it makes each reset
 * code work once, lets a newer code retire older ones of the same account, limits failed attempts
 * per code and per account, and refuses a clock set back. {@link Machine#redeemResetCode} changes
 * it on failures too: persist it ({@link #export}, wrapped) after every redeem, whatever the
 * answer, before showing the answer or acting on it; then record {@link #generation()} where it
 * cannot be rolled back with the file and pass it to {@link #fromBytes} next time.
 */
public final class ReplayLedger extends NativeHandle {
    private ReplayLedger(long handle) {
        super(handle, Native::olr_replay_ledger_free);
    }

    /** A new, empty ledger for this machine's enrollment (generation 0). */
    public ReplayLedger(Machine machine) {
        this(newHandle(machine));
    }

    private static long newHandle(Machine machine) {
        long[] out = new long[1];
        machine.shared(h -> {
            OfflineReset.check(Native.olr_replay_ledger_new(h, out));
            return null;
        });
        return out[0];
    }

    /**
     * Imports an export for {@code machine}, with its wrapping key or {@code null} for a plain one,
     * refusing a copy older than {@code minimumGeneration} (unsigned; 0 when no monotonic store is
     * available).
     *
     * @throws OfflineResetException LEDGER_OF_ANOTHER_MACHINE (another machine or enrollment),
     *     LEDGER_ROLLED_BACK (generation below the minimum), WRONG_WRAPPING_KEY, WRAPPING_MISMATCH,
     *     CORRUPTED, TRUNCATED, WRONG_KIND, UNSUPPORTED_VERSION, MALFORMED_INPUT
     */
    public static ReplayLedger fromBytes(byte[] data, byte[] wrappingKey, Machine machine, long minimumGeneration) {
        long handle = machine.shared(mh -> importHandle(
                (bytes, len, key, keyLen, out, d) -> Native.olr_replay_ledger_import(bytes, len, key, keyLen, mh,
                        minimumGeneration, out, d),
                data, wrappingKey));
        return new ReplayLedger(handle);
    }

    /**
     * The ledger as bytes, wrapped under {@code wrappingKey} (required: {@link #exportPlain()} is the
     * plain form).
     *
     * @throws NullPointerException {@code wrappingKey} is null
     * @throws OfflineResetException INVALID_KEY_MATERIAL (a key of the wrong length)
     */
    public byte[] export(byte[] wrappingKey) {
        requiredKey(wrappingKey);
        return shared(h -> export(h, Native::olr_replay_ledger_export, wrappingKey));
    }

    /**
     * The ledger as bytes NOT wrapped (no secret keys, but nothing detects an edit either): only for
     * storage the platform already protects, or tests; {@link #export} wraps.
     */
    public byte[] exportPlain() {
        return shared(h -> export(h, Native::olr_replay_ledger_export, null));
    }

    /** The number of account records (at most {@link OfflineReset#MAX_LEDGER_ACCOUNTS}). */
    public int accountCount() {
        return (int) counts()[0];
    }

    /** The number of code records, codes with failed attempts (at most {@link OfflineReset#MAX_LEDGER_CODES}). */
    public int codeCount() {
        return (int) counts()[1];
    }

    private long[] counts() {
        long[] accounts = new long[1], codes = new long[1];
        shared(h -> {
            OfflineReset.check(Native.olr_replay_ledger_counts(h, accounts, codes));
            return null;
        });
        return new long[] {accounts[0], codes[0]};
    }

    /**
     * The generation: grows by one at every redeem that got past the clock check. An unsigned 64-bit
     * number (compare with {@link Long#compareUnsigned}).
     */
    public long generation() {
        long[] out = new long[1];
        shared(h -> {
            OfflineReset.check(Native.olr_replay_ledger_generation(h, out));
            return null;
        });
        return out[0];
    }

    @Override
    public String toString() {
        return isClosed() ? "ReplayLedger(closed)" : "ReplayLedger(generation " + Long.toUnsignedString(generation())
                + ", " + accountCount() + " accounts, " + codeCount() + " codes)";
    }
}

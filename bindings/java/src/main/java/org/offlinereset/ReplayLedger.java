package org.offlinereset;

/**
 * The reset codes a machine accepted that could still open, so each code works once. Persist it
 * ({@link #export}, wrapped) after every successful {@link Machine#redeemResetCode} and before
 * updating cached credentials.
 */
public final class ReplayLedger extends NativeHandle {
    private ReplayLedger(long handle) {
        super(handle, Native::olr_replay_ledger_free);
    }

    /** A new, empty ledger. */
    public ReplayLedger() {
        this(newHandle());
    }

    private static long newHandle() {
        long[] out = new long[1];
        OfflineReset.check(Native.olr_replay_ledger_new(out));
        return out[0];
    }

    /** Imports an export, with its wrapping key or {@code null} for a plain one. */
    public static ReplayLedger fromBytes(byte[] data, byte[] wrappingKey) {
        return new ReplayLedger(importHandle(Native::olr_replay_ledger_import, data, wrappingKey));
    }

    public byte[] export(byte[] wrappingKey) {
        return shared(h -> export(h, Native::olr_replay_ledger_export, wrappingKey));
    }

    /** The number of entries. */
    public int size() {
        long[] n = new long[1];
        shared(h -> {
            OfflineReset.check(Native.olr_replay_ledger_len(h, n));
            return null;
        });
        return (int) n[0];
    }
}

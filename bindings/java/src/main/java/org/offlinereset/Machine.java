package org.offlinereset;

/** One enrolled machine (it holds the machine key, wiped on {@link #close()}). Opens may run from many threads. */
public final class Machine extends NativeHandle {
    private Machine(long handle) {
        super(handle, Native::olr_machine_free);
    }

    /** Enrolls from a deployment package's text. */
    public static Machine enroll(String deploymentPackage) {
        return enroll(OfflineReset.utf8(deploymentPackage));
    }

    /** Enrolls from the raw bytes of a deployment package file. */
    public static Machine enroll(byte[] packageFile) {
        long[] out = new long[1];
        byte[] d = OfflineReset.details();
        OfflineReset.check(Native.olr_machine_enroll(packageFile, packageFile.length, out, d), d);
        return new Machine(out[0]);
    }

    /** Imports an export, with its wrapping key or {@code null} for a plain one. */
    public static Machine fromBytes(byte[] data, byte[] wrappingKey) {
        return new Machine(importHandle(Native::olr_machine_import, data, wrappingKey));
    }

    /** The machine state as bytes, wrapped or plain ({@code null}: the machine key in the clear; wipe it). */
    public byte[] export(byte[] wrappingKey) {
        return shared(h -> export(h, Native::olr_machine_export, wrappingKey));
    }

    public IdentificationCode identificationCode() {
        byte[] out = new byte[Native.IDENTIFICATION_CODE_TEXT_LEN];
        long[] n = new long[1];
        shared(h -> {
            OfflineReset.check(Native.olr_machine_identification_code(h, out, out.length, n));
            return null;
        });
        return IdentificationCode.trusted(OfflineReset.text(out, n[0]));
    }

    public int epoch() {
        short[] out = new short[1];
        shared(h -> {
            OfflineReset.check(Native.olr_machine_epoch(h, out));
            return null;
        });
        return OfflineReset.u16(out[0]);
    }

    public Policy policy() {
        short[] lifetime = new short[1], skew = new short[1];
        shared(h -> {
            OfflineReset.check(Native.olr_machine_policy(h, lifetime, skew));
            return null;
        });
        return new Policy(OfflineReset.u16(lifetime[0]), OfflineReset.u16(skew[0]));
    }

    public PasswordCost passwordCost() {
        int[] m = new int[1], i = new int[1], p = new int[1];
        shared(h -> {
            OfflineReset.check(Native.olr_machine_password_cost(h, m, i, p));
            return null;
        });
        return new PasswordCost(m[0], i[0], p[0]);
    }

    /** Whether this machine was enrolled with the key in this deployment package's text. */
    public boolean isEnrolledWith(String deploymentPackage) {
        byte[] raw = OfflineReset.utf8(deploymentPackage);
        byte[] out = new byte[1];
        byte[] d = OfflineReset.details();
        int status = shared(h -> Native.olr_machine_is_enrolled_with(h, raw, raw.length, out, d));
        OfflineReset.check(status, d);
        return out[0] != 0;
    }

    /**
     * Checks a typed reset code offline without recording it. A login integration must use {@link
     * #redeemResetCode} instead, so a code works once.
     *
     * @throws OfflineResetException REJECTED, EXPIRED, NOT_YET_VALID, CODE_BEFORE_ROTATION, REDEPLOY_NEEDED, ...
     */
    public AcceptedReset openResetCode(ResetCode code, Account account, String newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return open(null, code, account, pw, now);
        }
    }

    public AcceptedReset openResetCode(ResetCode code, Account account, char[] newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return open(null, code, account, pw, now);
        }
    }

    public AcceptedReset openResetCode(ResetCode code, Account account, byte[] newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return open(null, code, account, pw, now);
        }
    }

    /**
     * Opens the code and records it in {@code ledger}. Returning normally is the only outcome that
     * allows updating the cached credentials: persist the ledger first.
     *
     * @throws OfflineResetException as {@link #openResetCode}, and ALREADY_USED, SUPERSEDED, LEDGER_FULL
     */
    public AcceptedReset redeemResetCode(ReplayLedger ledger, ResetCode code, Account account, String newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return open(ledger, code, account, pw, now);
        }
    }

    public AcceptedReset redeemResetCode(ReplayLedger ledger, ResetCode code, Account account, char[] newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return open(ledger, code, account, pw, now);
        }
    }

    public AcceptedReset redeemResetCode(ReplayLedger ledger, ResetCode code, Account account, byte[] newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return open(ledger, code, account, pw, now);
        }
    }

    private AcceptedReset open(ReplayLedger ledger, ResetCode code, Account account, Secret pw, long now) {
        byte[] raw = OfflineReset.utf8(code.text());
        byte[] u = account.typedUsername(), d = account.typedDomain();
        long[] accepted = new long[2];
        byte[] details = OfflineReset.details();
        int status = shared(h -> ledger == null
                ? Native.olr_machine_open_reset_code(h, raw, raw.length, u, u.length, d, d.length, pw.memory, pw.length, now,
                        accepted, details)
                : ledger.exclusive(lh -> Native.olr_machine_redeem_reset_code(h, lh, raw, raw.length, u, u.length, d, d.length,
                        pw.memory, pw.length, now, accepted, details)));
        OfflineReset.check(status, details);
        return new AcceptedReset(accepted[0], accepted[1]);
    }
}

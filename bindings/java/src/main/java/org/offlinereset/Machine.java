package org.offlinereset;

import java.time.Instant;

/**
 * One enrolled machine (it holds the machine key, wiped on {@link #close()}). Redeems with different
 * ledgers, opens and getters may run from many threads; redeems with one ledger take turns.
 */
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

    /**
     * The machine state as bytes, wrapped under {@code wrappingKey} (required: {@link #exportPlain()}
     * is the plain form).
     *
     * @throws NullPointerException {@code wrappingKey} is null
     * @throws OfflineResetException INVALID_KEY_MATERIAL (a key of the wrong length)
     */
    public byte[] export(byte[] wrappingKey) {
        requiredKey(wrappingKey);
        return shared(h -> export(h, Native::olr_machine_export, wrappingKey));
    }

    /**
     * The machine state NOT wrapped: the machine key in the clear (wipe the array). Only for storage
     * the platform already protects as a whole, or tests; {@link #export} wraps.
     */
    public byte[] exportPlain() {
        return shared(h -> export(h, Native::olr_machine_export, null));
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
     * Takes a later deployment package for this enrolled machine and returns the redeployed machine
     * (a new handle; this one is unchanged and still yours to close). The package must be signed by
     * the key this machine pinned and its epoch must not be older. The same epoch keeps the
     * identification code (and the replay ledger); a newer epoch enrolls a fresh key pair: a new
     * identification code, so start a new {@link ReplayLedger}. Take later packages only this way,
     * never by enrolling afresh over an existing machine state.
     *
     * @throws OfflineResetException PACKAGE_SIGNATURE_INVALID (not signed by the pinned key),
     *     PACKAGE_EPOCH_TOO_OLD (an older epoch, or the same epoch with another key or password
     *     cost), the package errors of {@link #enroll(String)}, RNG_FAILURE
     */
    public Machine redeploy(String deploymentPackage) {
        return redeploy(OfflineReset.utf8(deploymentPackage));
    }

    /** The same from the raw bytes of the deployment package file (UTF-16 files are UTF16_TEXT). */
    public Machine redeploy(byte[] packageFile) {
        long[] out = new long[1];
        byte[] d = OfflineReset.details();
        int status = shared(h -> Native.olr_machine_redeploy(h, packageFile, packageFile.length, out, d));
        OfflineReset.check(status, d);
        return new Machine(out[0]);
    }

    /**
     * Opens a typed reset code for diagnostics only: it counts no attempt and records nothing, so a
     * code it accepts still works, any number of times. A login integration must never act on it
     * (never update cached credentials after it): use {@link #redeemResetCode} (docs/PROTOCOL.md
     * §12.3 rule 7).
     *
     * @throws OfflineResetException MISTYPED, MALFORMED_INPUT, INVALID_PASSWORD,
     *     CODE_BEFORE_ROTATION, REDEPLOY_NEEDED, REJECTED, NOT_YET_VALID, EXPIRED, OUT_OF_MEMORY, ...
     */
    public AcceptedReset openResetCodeForDiagnostics(ResetCode code, Account account, String newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return open(null, code, account, pw, now);
        }
    }

    public AcceptedReset openResetCodeForDiagnostics(ResetCode code, Account account, char[] newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return open(null, code, account, pw, now);
        }
    }

    public AcceptedReset openResetCodeForDiagnostics(ResetCode code, Account account, byte[] newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return open(null, code, account, pw, now);
        }
    }

    /** For diagnostics only, at an {@link Instant} (whole seconds): see the {@code long} form. */
    public AcceptedReset openResetCodeForDiagnostics(ResetCode code, Account account, String newPassword, Instant now) {
        return openResetCodeForDiagnostics(code, account, newPassword, OfflineReset.unixSeconds(now));
    }

    public AcceptedReset openResetCodeForDiagnostics(ResetCode code, Account account, char[] newPassword, Instant now) {
        return openResetCodeForDiagnostics(code, account, newPassword, OfflineReset.unixSeconds(now));
    }

    public AcceptedReset openResetCodeForDiagnostics(ResetCode code, Account account, byte[] newPassword, Instant now) {
        return openResetCodeForDiagnostics(code, account, newPassword, OfflineReset.unixSeconds(now));
    }

    /**
     * Opens the code for the cached account (names and SID) and records the attempt in {@code
     * ledger} (docs/PROTOCOL.md §9.7). Returning normally is the only outcome that allows updating
     * the cached credentials of that account.
     *
     * <p>The ledger changes on failures too: attempts are counted before the answer. Persist it
     * ({@link ReplayLedger#export}, wrapped) after <em>every</em> call, whether it returned or threw,
     * before showing the answer or acting on it; refuse the reset if persisting fails. ({@link
     * ReplayLedger#generation()} grows exactly when the call got past the clock check.)
     *
     * @throws OfflineResetException LEDGER_OF_ANOTHER_MACHINE, INVALID_PASSWORD, CODE_BEFORE_ROTATION,
     *     REDEPLOY_NEEDED, CLOCK_SET_BACK, TOO_MANY_ATTEMPTS, LEDGER_FULL, REJECTED, NOT_YET_VALID,
     *     EXPIRED, ALREADY_USED, SUPERSEDED, OUT_OF_MEMORY (the ledger then unchanged), MISTYPED,
     *     MALFORMED_INPUT, ...
     */
    public AcceptedReset redeemResetCode(ReplayLedger ledger, ResetCode code, Account account, String newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return redeem(ledger, code, account, pw, now);
        }
    }

    public AcceptedReset redeemResetCode(ReplayLedger ledger, ResetCode code, Account account, char[] newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return redeem(ledger, code, account, pw, now);
        }
    }

    public AcceptedReset redeemResetCode(ReplayLedger ledger, ResetCode code, Account account, byte[] newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return redeem(ledger, code, account, pw, now);
        }
    }

    /**
     * {@link #redeemResetCode(ReplayLedger, ResetCode, Account, String, long)} at an {@link Instant}
     * (whole seconds), for example {@code Instant.now()}.
     */
    public AcceptedReset redeemResetCode(ReplayLedger ledger, ResetCode code, Account account, String newPassword, Instant now) {
        return redeemResetCode(ledger, code, account, newPassword, OfflineReset.unixSeconds(now));
    }

    public AcceptedReset redeemResetCode(ReplayLedger ledger, ResetCode code, Account account, char[] newPassword, Instant now) {
        return redeemResetCode(ledger, code, account, newPassword, OfflineReset.unixSeconds(now));
    }

    public AcceptedReset redeemResetCode(ReplayLedger ledger, ResetCode code, Account account, byte[] newPassword, Instant now) {
        return redeemResetCode(ledger, code, account, newPassword, OfflineReset.unixSeconds(now));
    }

    /** Redeem with {@code ledger}, never null: {@code open(null, ...)} is the diagnostics open, which counts nothing. */
    private AcceptedReset redeem(ReplayLedger ledger, ResetCode code, Account account, Secret pw, long now) {
        if (ledger == null) throw new NullPointerException("ledger");
        return open(ledger, code, account, pw, now);
    }

    private AcceptedReset open(ReplayLedger ledger, ResetCode code, Account account, Secret pw, long now) {
        byte[] raw = OfflineReset.utf8(code.text());
        byte[] u = account.typedUsername(), d = account.typedDomain(), sid = account.sidBytes();
        long[] accepted = new long[2];
        byte[] details = OfflineReset.details();
        int status = shared(h -> ledger == null
                ? Native.olr_machine_open_reset_code_for_diagnostics(h, raw, raw.length, u, u.length, d, d.length, sid, sid.length,
                        pw.memory, pw.length, now, accepted, details)
                : ledger.exclusive(lh -> Native.olr_machine_redeem_reset_code(h, lh, raw, raw.length, u, u.length, d, d.length,
                        sid, sid.length, pw.memory, pw.length, now, accepted, details)));
        OfflineReset.check(status, details);
        return new AcceptedReset(accepted[0], accepted[1]);
    }
}

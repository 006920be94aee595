package org.offlinereset;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The reset server's key ring: one key pair per epoch, rotation, the retired-key grace period.
 * Sealing may run from many threads at once; {@link #rotate}, the setters, {@link #prune} and
 * {@link #close} wait for them (and they for it).
 */
public final class ServerKeyRing extends NativeHandle {
    private ServerKeyRing(long handle) {
        super(handle, Native::olr_server_key_ring_free);
    }

    /** A new ring at epoch 1 with the default policy and password cost. */
    public static ServerKeyRing generate() {
        return generate(Policy.DEFAULT, PasswordCost.DEFAULT);
    }

    /**
     * A new ring at epoch 1 with a fresh key pair.
     *
     * @throws OfflineResetException INVALID_POLICY, RNG_FAILURE
     */
    public static ServerKeyRing generate(Policy policy, PasswordCost cost) {
        long[] out = new long[1];
        OfflineReset.check(Native.olr_server_key_ring_generate_with_password_cost(lifetime(policy), skew(policy),
                cost.memoryKib(), cost.iterations(), cost.parallelism(), out));
        return new ServerKeyRing(out[0]);
    }

    /** A new ring in a PKCS#11 token with the default policy and password cost. */
    public static ServerKeyRing generatePkcs11(Pkcs11TokenPlace place) {
        return generatePkcs11(place, Policy.DEFAULT, PasswordCost.DEFAULT);
    }

    /**
     * A new ring at epoch 1 whose keys are generated in a PKCS#11 token and never leave it (ABI 2.1),
     * under labels starting with {@code place.keyLabelPrefix()}; the ring's record is written to the
     * token. Every later change ({@link #rotate}, {@link #prune}, the setters, signing-key rotation)
     * is written to the token at once and fails with the token's status, leaving the ring as it was;
     * {@link #export} fails with KEYS_IN_TOKEN (back up the token). {@link #close} leaves the token's
     * objects in place. The token signs each package anew: {@link #deploymentPackage()} and its
     * fingerprint differ at every call.
     *
     * @throws OfflineResetException PKCS11_NOT_BUILT (the library was built without the {@code pkcs11}
     *     feature), TOKEN_MODULE_NOT_FOUND, TOKEN_ABSENT, TOKEN_WRONG_PIN, TOKEN_RING_EXISTS (a ring is
     *     already there under that prefix), TOKEN_FAILURE, MALFORMED_INPUT (prefix empty, too long or with
     *     control characters), INVALID_POLICY
     */
    public static ServerKeyRing generatePkcs11(Pkcs11TokenPlace place, Policy policy, PasswordCost cost) {
        short lifetime = lifetime(policy), skew = skew(policy);
        long[] out = new long[1];
        OfflineReset.check(place.call((m, mn, t, tn, pin, pn, p, pl) -> Native.olr_server_key_ring_generate_pkcs11(m, mn, t, tn,
                pin, pn, p, pl, lifetime, skew, cost.memoryKib(), cost.iterations(), cost.parallelism(), out)));
        return new ServerKeyRing(out[0]);
    }

    /**
     * Opens the ring held in a PKCS#11 token under {@code place.keyLabelPrefix()} (made by {@link
     * #generatePkcs11} or {@link #copyToPkcs11}), checking each key against its record (ABI 2.1).
     * PKCS#11 logs a process in once per token: while a handle on the same token is open in this
     * process, a further open shares that login and does not check the PIN again.
     *
     * @throws OfflineResetException TOKEN_KEY_MISSING (no ring under that prefix, or one of its keys is
     *     missing), and those of {@link #generatePkcs11(Pkcs11TokenPlace, Policy, PasswordCost)}
     */
    public static ServerKeyRing openPkcs11(Pkcs11TokenPlace place) {
        long[] out = new long[1];
        OfflineReset.check(place.call((m, mn, t, tn, pin, pn, p, pl) -> Native.olr_server_key_ring_open_pkcs11(m, mn, t, tn,
                pin, pn, p, pl, out)));
        return new ServerKeyRing(out[0]);
    }

    /**
     * Imports an export, with its wrapping key or {@code null} for a plain one.
     *
     * @throws OfflineResetException WRONG_WRAPPING_KEY, WRAPPING_MISMATCH, CORRUPTED, TRUNCATED, WRONG_KIND, ...
     */
    public static ServerKeyRing fromBytes(byte[] data, byte[] wrappingKey) {
        return new ServerKeyRing(importHandle(Native::olr_server_key_ring_import, data, wrappingKey));
    }

    /**
     * The ring as bytes, wrapped under {@code wrappingKey} ({@link OfflineReset#generateWrappingKey()};
     * required: {@link #exportPlain()} is the plain form).
     *
     * @throws NullPointerException {@code wrappingKey} is null
     * @throws OfflineResetException INVALID_KEY_MATERIAL (a key of the wrong length), KEYS_IN_TOKEN (a
     *     ring held in a PKCS#11 token: back up the token)
     */
    public byte[] export(byte[] wrappingKey) {
        requiredKey(wrappingKey);
        return shared(h -> export(h, Native::olr_server_key_ring_export, wrappingKey));
    }

    /**
     * The ring as bytes NOT wrapped: its secret keys in the clear (wipe the array). Only for storage the
     * platform already protects as a whole, or tests; {@link #export} wraps.
     *
     * @throws OfflineResetException KEYS_IN_TOKEN (a ring held in a PKCS#11 token: back up the token)
     */
    public byte[] exportPlain() {
        return shared(h -> export(h, Native::olr_server_key_ring_export, null));
    }

    /**
     * Copies this ring's keys into a PKCS#11 token and returns the ring held there (ABI 2.1; a new
     * handle, this one unchanged): how a deployment moves its keys into an HSM without redeploying
     * machines (same keys, same codes). Delete every copy of this ring's export afterwards.
     *
     * @throws OfflineResetException KEYS_IN_TOKEN (this ring is already held in a token), and those of
     *     {@link #generatePkcs11(Pkcs11TokenPlace, Policy, PasswordCost)}
     */
    public ServerKeyRing copyToPkcs11(Pkcs11TokenPlace place) {
        long[] out = new long[1];
        OfflineReset.check(shared(h -> place.call((m, mn, t, tn, pin, pn, p, pl) -> Native.olr_server_key_ring_copy_to_pkcs11(h,
                m, mn, t, tn, pin, pn, p, pl, out))));
        return new ServerKeyRing(out[0]);
    }

    /** Whether the ring's keys are held in a PKCS#11 token (then {@link #export} fails with KEYS_IN_TOKEN). */
    public boolean isHeldInToken() {
        byte[] held = new byte[1];
        shared(h -> {
            OfflineReset.check(Native.olr_server_key_ring_is_held_in_token(h, held));
            return null;
        });
        return held[0] != 0;
    }

    /**
     * Seals a reset code for the machine, the account (canonical names and {@code objectSid} as read
     * from the directory) and the new password, issued at {@code now} (unix seconds).
     *
     * @throws OfflineResetException INVALID_PASSWORD, TIME_OUT_OF_RANGE, KEY_ROTATED (the machine's
     *     epoch is no longer held: redeploy it), OUT_OF_MEMORY, INVALID_UTF8
     */
    public ResetCode sealResetCode(IdentificationCode id, Account account, String newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return seal(id, account, pw, now);
        }
    }

    /** The same with the password as characters (copied as UTF-8 off-heap and wiped; wipe your array). */
    public ResetCode sealResetCode(IdentificationCode id, Account account, char[] newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return seal(id, account, pw, now);
        }
    }

    /** The same with the password as UTF-8 bytes (copied off-heap and wiped; wipe your array). */
    public ResetCode sealResetCode(IdentificationCode id, Account account, byte[] newPassword, long now) {
        try (Secret pw = Secret.of(newPassword)) {
            return seal(id, account, pw, now);
        }
    }

    /** {@link #sealResetCode(IdentificationCode, Account, String, long)} at an {@link Instant} (whole seconds). */
    public ResetCode sealResetCode(IdentificationCode id, Account account, String newPassword, Instant now) {
        return sealResetCode(id, account, newPassword, OfflineReset.unixSeconds(now));
    }

    /** The same with the password as characters, at an {@link Instant}. */
    public ResetCode sealResetCode(IdentificationCode id, Account account, char[] newPassword, Instant now) {
        return sealResetCode(id, account, newPassword, OfflineReset.unixSeconds(now));
    }

    /** The same with the password as UTF-8 bytes, at an {@link Instant}. */
    public ResetCode sealResetCode(IdentificationCode id, Account account, byte[] newPassword, Instant now) {
        return sealResetCode(id, account, newPassword, OfflineReset.unixSeconds(now));
    }

    private ResetCode seal(IdentificationCode id, Account account, Secret pw, long now) {
        byte[] idRaw = OfflineReset.utf8(id.text());
        byte[] u = account.typedUsername(), d = account.typedDomain(), sid = account.sidBytes();
        byte[] out = new byte[Native.RESET_CODE_TEXT_LEN];
        long[] n = new long[1];
        byte[] details = OfflineReset.details();
        int status = shared(h -> Native.olr_server_key_ring_seal_reset_code(h, idRaw, idRaw.length, u, u.length, d, d.length,
                sid, sid.length, pw.memory, pw.length, now, out, out.length, n, details));
        OfflineReset.check(status, details);
        return ResetCode.trusted(OfflineReset.text(out, n[0]));
    }

    /** Makes a new generation current, retiring the previous one at {@code now}; returns the new epoch. */
    public int rotate(long now) {
        short[] epoch = new short[1];
        exclusive(h -> {
            OfflineReset.check(Native.olr_server_key_ring_rotate(h, now, epoch));
            return null;
        });
        return OfflineReset.u16(epoch[0]);
    }

    /** {@link #rotate(long)} at an {@link Instant} (whole seconds). */
    public int rotate(Instant now) {
        return rotate(OfflineReset.unixSeconds(now));
    }

    /** Erases retired generations whose grace period has ended at {@code now} (unix seconds). */
    public void prune(long now) {
        exclusive(h -> {
            OfflineReset.check(Native.olr_server_key_ring_prune(h, now));
            return null;
        });
    }

    /** {@link #prune(long)} at an {@link Instant} (whole seconds). */
    public void prune(Instant now) {
        prune(OfflineReset.unixSeconds(now));
    }

    /** How long a generation retired from now on still seals codes (seconds). */
    public long retiredGraceSeconds() {
        int[] out = new int[1];
        shared(h -> {
            OfflineReset.check(Native.olr_server_key_ring_retired_grace_seconds(h, out));
            return null;
        });
        return Integer.toUnsignedLong(out[0]);
    }

    public void setRetiredGraceSeconds(long seconds) {
        if (seconds < 0 || seconds > 0xFFFFFFFFL) throw new IllegalArgumentException("seconds out of range: " + seconds);
        exclusive(h -> {
            OfflineReset.check(Native.olr_server_key_ring_set_retired_grace_seconds(h, (int) seconds));
            return null;
        });
    }

    /** {@link #retiredGraceSeconds()} as a {@link Duration}. */
    public Duration retiredGracePeriod() {
        return Duration.ofSeconds(retiredGraceSeconds());
    }

    /**
     * {@link #setRetiredGraceSeconds(long)} from a {@link Duration} (whole seconds, fractions dropped).
     *
     * @throws IllegalArgumentException negative, or more than 2^32 - 1 seconds
     */
    public void setRetiredGracePeriod(Duration period) {
        setRetiredGraceSeconds(OfflineReset.seconds(period));
    }

    public Policy policy() {
        short[] lifetime = new short[1], skew = new short[1];
        shared(h -> {
            OfflineReset.check(Native.olr_server_key_ring_policy(h, lifetime, skew));
            return null;
        });
        return new Policy(OfflineReset.u16(lifetime[0]), OfflineReset.u16(skew[0]));
    }

    public void setPolicy(Policy policy) {
        exclusive(h -> {
            OfflineReset.check(Native.olr_server_key_ring_set_policy(h, lifetime(policy), skew(policy)));
            return null;
        });
    }

    /** The password cost of the current generation. */
    public PasswordCost passwordCost() {
        return passwordCost(currentEpoch());
    }

    /** The password cost of the generation for {@code epoch}. */
    public PasswordCost passwordCost(int epoch) {
        int[] m = new int[1], i = new int[1], p = new int[1];
        shared(h -> {
            OfflineReset.check(Native.olr_server_key_ring_password_cost(h, (short) epoch, m, i, p));
            return null;
        });
        return new PasswordCost(m[0], i[0], p[0]);
    }

    /** The password cost of generations made from the next rotation on. */
    public void setPasswordCost(PasswordCost cost) {
        exclusive(h -> {
            OfflineReset.check(Native.olr_server_key_ring_set_password_cost(h, cost.memoryKib(), cost.iterations(),
                    cost.parallelism()));
            return null;
        });
    }

    /** The attempt limits the next deployment package carries. */
    public AttemptLimits attemptLimits() {
        short[] perCode = new short[1], perAccount = new short[1];
        shared(h -> {
            OfflineReset.check(Native.olr_server_key_ring_attempt_limits(h, perCode, perAccount));
            return null;
        });
        return new AttemptLimits(OfflineReset.u16(perCode[0]), OfflineReset.u16(perAccount[0]));
    }

    /**
     * Sets the attempt limits the deployment package carries from now on; machines learn them only
     * from a new package ({@link Machine#redeploy}).
     *
     * @throws OfflineResetException INVALID_POLICY (a limit outside 1 … 1000)
     */
    public void setAttemptLimits(AttemptLimits limits) {
        short perCode = OfflineReset.u16Arg(limits.failedOpensPerCode(), Status.INVALID_POLICY);
        short perAccount = OfflineReset.u16Arg(limits.failedOpensPerAccount(), Status.INVALID_POLICY);
        exclusive(h -> {
            OfflineReset.check(Native.olr_server_key_ring_set_attempt_limits(h, perCode, perAccount));
            return null;
        });
    }

    /**
     * Begins a rotation of the deployment signing key: draws the next key. Packages made from now on
     * are signed with the current key and name the next one; machines redeployed with such a package
     * pin it. Nothing changes when a rotation is already under way. Store the ring afterwards.
     *
     * @throws OfflineResetException RNG_FAILURE
     */
    public void beginSigningKeyRotation() {
        exclusive(h -> {
            OfflineReset.check(Native.olr_server_key_ring_begin_signing_key_rotation(h));
            return null;
        });
    }

    /**
     * Finishes a signing-key rotation: the next key signs from now on and the old one is erased. Only
     * after every machine took a package made since the rotation began: a machine that did not
     * refuses later packages (PACKAGE_SIGNATURE_INVALID) and must be enrolled afresh. Nothing changes
     * when no rotation is under way.
     */
    public void finishSigningKeyRotation() {
        exclusive(h -> {
            OfflineReset.check(Native.olr_server_key_ring_finish_signing_key_rotation(h));
            return null;
        });
    }

    /**
     * The fingerprint of {@link #deploymentPackage()}: show it to whoever deploys, to compare before
     * the first enrollment ({@link OfflineReset#deploymentPackageFingerprint(String)}).
     */
    public String deploymentPackageFingerprint() {
        return OfflineReset.deploymentPackageFingerprint(deploymentPackage());
    }

    public int currentEpoch() {
        short[] out = new short[1];
        shared(h -> {
            OfflineReset.check(Native.olr_server_key_ring_current_epoch(h, out));
            return null;
        });
        return OfflineReset.u16(out[0]);
    }

    /** The epochs the ring holds, oldest first (the last is current). */
    public int[] epochs() {
        short[] arr = new short[Native.MAX_GENERATIONS];
        long[] n = new long[1];
        shared(h -> {
            OfflineReset.check(Native.olr_server_key_ring_epochs(h, arr, arr.length, n));
            return null;
        });
        int[] out = new int[(int) n[0]];
        for (int k = 0; k < out.length; k++) out[k] = OfflineReset.u16(arr[k]);
        return out;
    }

    /** The deployment package text of the current generation (public). */
    public String deploymentPackage() {
        byte[] out = new byte[Native.DEPLOYMENT_PACKAGE_TEXT_LEN];
        long[] n = new long[1];
        shared(h -> {
            OfflineReset.check(Native.olr_server_key_ring_deployment_package(h, out, out.length, n));
            return null;
        });
        return OfflineReset.text(out, n[0]);
    }

    private static short lifetime(Policy policy) {
        return OfflineReset.u16Arg(policy.resetCodeLifetimeMinutes(), Status.INVALID_POLICY);
    }

    private static short skew(Policy policy) {
        return OfflineReset.u16Arg(policy.clockSkewMinutes(), Status.INVALID_POLICY);
    }

    @Override
    public String toString() {
        return isClosed() ? "ServerKeyRing(closed)" : "ServerKeyRing(epochs " + Arrays.toString(epochs()) + (isHeldInToken() ? ", in a PKCS#11 token)" : ")");
    }
}

package org.offlinereset;

import java.util.Arrays;

/**
 * A Windows account: username, offline user domain and binary SID (docs/PROTOCOL.md §5). {@link
 * #username()}, {@link #offlineDomain()} and {@link #toString()} show the names as given (typed);
 * {@link #normalizedUsername()} and {@link #normalizedOfflineDomain()} are the comparison forms. Two
 * accounts are equal exactly when both normalized names and the SID are. Seal, open and redeem pass
 * the typed names and the SID to the library. Immutable (the SID is copied in and out).
 *
 * <p>The SID is the account's binary {@code objectSid} (revision 1, 1 to 15 sub-authorities,
 * {@code 8 + 4 * count} bytes, {@link OfflineReset#MIN_SID_LEN} to {@link OfflineReset#MAX_SID_LEN}):
 * on the server as read from the directory (LDAP returns it as bytes), on the machine the cached
 * account's. It is not secret.
 */
public final class Account {
    private final byte[] typedUsername;
    private final byte[] typedDomain;
    private final byte[] sid;
    private final String username;
    private final String offlineDomain;
    private final String normalizedUsername;
    private final String normalizedOfflineDomain;

    /**
     * @throws OfflineResetException INVALID_USERNAME, INVALID_DOMAIN ({@link
     *     OfflineReset#nameProblem(String)} says why), INVALID_SID, INVALID_UTF8
     * @throws NullPointerException when an argument is null
     */
    public Account(String username, String offlineDomain, byte[] sid) {
        if (sid == null) throw new NullPointerException("sid");
        this.typedUsername = OfflineReset.utf8(username);
        this.typedDomain = OfflineReset.utf8(offlineDomain);
        this.sid = sid.clone();
        Names names = normalize(typedUsername, typedDomain);
        // The names again, then the SID: the same checks, in the same order, as seal and redeem.
        OfflineReset.check(Native.olr_account_check(typedUsername, typedUsername.length, typedDomain, typedDomain.length,
                this.sid, this.sid.length));
        this.username = username;
        this.offlineDomain = offlineDomain;
        this.normalizedUsername = names.username();
        this.normalizedOfflineDomain = names.offlineDomain();
    }

    /** A username and offline domain in their normalized (comparison) forms. */
    public record Names(String username, String offlineDomain) {}

    /**
     * The normalized forms of a typed username and offline domain, without a SID: for resolving
     * what a user typed to one cached account (docs/PROTOCOL.md §12.3 rule 1).
     *
     * @throws OfflineResetException INVALID_USERNAME, INVALID_DOMAIN, INVALID_UTF8
     */
    public static Names normalizeNames(String username, String offlineDomain) {
        return normalize(OfflineReset.utf8(username), OfflineReset.utf8(offlineDomain));
    }

    private static Names normalize(byte[] typedUsername, byte[] typedDomain) {
        int cap = Native.MAX_NAME_LEN;
        byte[] u = new byte[cap], d = new byte[cap];
        long[] un = new long[1], dn = new long[1];
        byte[] details = OfflineReset.details();
        OfflineReset.check(Native.olr_account_normalize(typedUsername, typedUsername.length, typedDomain, typedDomain.length,
                u, cap, un, d, cap, dn, details), details);
        return new Names(OfflineReset.text(u, un[0]), OfflineReset.text(d, dn[0]));
    }

    /** The account with the default offline domain of the user's FQDN. */
    public static Account withFqdn(String username, String fqdn, byte[] sid) {
        return new Account(username, OfflineReset.defaultOfflineDomain(fqdn), sid);
    }

    /**
     * Checks the names and the SID as seal and redeem will; throws what they would.
     *
     * @throws OfflineResetException INVALID_USERNAME, INVALID_DOMAIN, INVALID_SID, INVALID_UTF8
     */
    public static void check(String username, String offlineDomain, byte[] sid) {
        if (sid == null) throw new NullPointerException("sid");
        byte[] u = OfflineReset.utf8(username), d = OfflineReset.utf8(offlineDomain);
        OfflineReset.check(Native.olr_account_check(u, u.length, d, d.length, sid, sid.length));
    }

    /** The username as given to the constructor (what the user or the directory typed). */
    public String username() {
        return username;
    }

    /** The offline domain as given to the constructor ({@link #withFqdn}: the FQDN's default offline domain). */
    public String offlineDomain() {
        return offlineDomain;
    }

    /** The username's comparison form (Windows upper-casing; {@code olr_account_normalize}). */
    public String normalizedUsername() {
        return normalizedUsername;
    }

    /** The offline domain's comparison form ({@code olr_account_normalize}). */
    public String normalizedOfflineDomain() {
        return normalizedOfflineDomain;
    }

    /** Both comparison forms. */
    public Names normalizedNames() {
        return new Names(normalizedUsername, normalizedOfflineDomain);
    }

    /** A copy of the binary SID. */
    public byte[] sid() {
        return sid.clone();
    }

    byte[] typedUsername() {
        return typedUsername;
    }

    byte[] typedDomain() {
        return typedDomain;
    }

    /** The SID itself, not a copy: for the native calls only. */
    byte[] sidBytes() {
        return sid;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Account a && a.normalizedUsername.equals(normalizedUsername)
                && a.normalizedOfflineDomain.equals(normalizedOfflineDomain) && Arrays.equals(a.sid, sid);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {normalizedUsername, normalizedOfflineDomain, Arrays.hashCode(sid)});
    }

    /**
     * The SID in its string form, such as {@code S-1-5-21-1004336348-1177238915-682003330-1001}
     * (identifier authority as a decimal number, sub-authorities little-endian as Windows stores them).
     */
    public String sidString() {
        long authority = 0;
        for (int k = 2; k < 8; k++) authority = (authority << 8) | (sid[k] & 0xFF);
        StringBuilder b = new StringBuilder("S-").append(sid[0] & 0xFF).append('-').append(authority);
        for (int k = 8; k + 4 <= sid.length; k += 4) {
            long sub = (sid[k] & 0xFFL) | (sid[k + 1] & 0xFFL) << 8 | (sid[k + 2] & 0xFFL) << 16 | (sid[k + 3] & 0xFFL) << 24;
            b.append('-').append(sub);
        }
        return b.toString();
    }

    /**
     * The offline domain and the username as typed, joined by a backslash, and the SID, for example {@code
     * corp\Jürgen (S-1-5-21-1004336348-1177238915-682003330-1105)}; {@link #toNormalizedString()}
     * gives the comparison forms.
     */
    @Override
    public String toString() {
        return offlineDomain + "\\" + username + " (" + sidString() + ")";
    }

    /** The same in the comparison forms, for example {@code CORP\JÜRGEN (S-1-5-21-…-1105)}. */
    public String toNormalizedString() {
        return normalizedOfflineDomain + "\\" + normalizedUsername + " (" + sidString() + ")";
    }
}

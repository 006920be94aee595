package org.offlinereset;

import java.util.Arrays;

/**
 * A Windows account: username and offline user domain, as typed. {@link #username()} and {@link
 * #offlineDomain()} are the normalized forms (two accounts are equal exactly when both are);
 * seal and open pass the typed forms to the library. Immutable.
 */
public final class Account {
    private final byte[] typedUsername;
    private final byte[] typedDomain;
    private final String username;
    private final String offlineDomain;

    /**
     * @throws OfflineResetException INVALID_USERNAME, INVALID_DOMAIN ({@link
     *     OfflineReset#nameProblem(String)} says why)
     */
    public Account(String username, String offlineDomain) {
        this.typedUsername = OfflineReset.utf8(username);
        this.typedDomain = OfflineReset.utf8(offlineDomain);
        int cap = Native.MAX_NAME_LEN;
        byte[] u = new byte[cap], d = new byte[cap];
        long[] un = new long[1], dn = new long[1];
        byte[] details = OfflineReset.details();
        OfflineReset.check(Native.olr_account_normalize(typedUsername, typedUsername.length, typedDomain, typedDomain.length,
                u, cap, un, d, cap, dn, details), details);
        this.username = OfflineReset.text(u, un[0]);
        this.offlineDomain = OfflineReset.text(d, dn[0]);
    }

    /** The account with the default offline domain of the user's FQDN. */
    public static Account withFqdn(String username, String fqdn) {
        return new Account(username, OfflineReset.defaultOfflineDomain(fqdn));
    }

    /** Checks both names as seal and open will; throws what they would. */
    public static void check(String username, String offlineDomain) {
        byte[] u = OfflineReset.utf8(username), d = OfflineReset.utf8(offlineDomain);
        OfflineReset.check(Native.olr_account_check(u, u.length, d, d.length));
    }

    /** The normalized username (the comparison form). */
    public String username() {
        return username;
    }

    /** The normalized offline domain (the comparison form). */
    public String offlineDomain() {
        return offlineDomain;
    }

    byte[] typedUsername() {
        return typedUsername;
    }

    byte[] typedDomain() {
        return typedDomain;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Account a && a.username.equals(username) && a.offlineDomain.equals(offlineDomain);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {username, offlineDomain});
    }

    @Override
    public String toString() {
        return "Account(" + username + ", " + offlineDomain + ")";
    }
}

package org.offlinereset;

import java.util.Objects;

/**
 * Where a key ring is held in a PKCS#11 token (ABI 2.1): the module's path (for example {@code
 * /usr/lib/softhsm/libsofthsm2.so}), the token's label, the user PIN and the prefix of the ring's
 * object labels (1 to 64 bytes of UTF-8, no control characters).
 *
 * <p>The PIN is the caller's array, not copied: each call copies it off-heap, wipes that copy
 * afterwards, and the library uses it to log in and keeps nothing derived from it. Wipe your array
 * ({@code Arrays.fill}) when done. {@link #toString()} does not show it; no exception carries it.
 */
public final class Pkcs11TokenPlace {
    private final String modulePath;
    private final String tokenLabel;
    private final byte[] pin;
    private final String keyLabelPrefix;

    /** Every argument non-null ({@link NullPointerException}); an empty PIN is passed as an empty input. */
    public Pkcs11TokenPlace(String modulePath, String tokenLabel, byte[] pin, String keyLabelPrefix) {
        this.modulePath = Objects.requireNonNull(modulePath, "modulePath");
        this.tokenLabel = Objects.requireNonNull(tokenLabel, "tokenLabel");
        this.pin = Objects.requireNonNull(pin, "pin");
        this.keyLabelPrefix = Objects.requireNonNull(keyLabelPrefix, "keyLabelPrefix");
    }

    /** The PKCS#11 module (shared library) to load. */
    public String modulePath() {
        return modulePath;
    }

    /** The label of the token to use. */
    public String tokenLabel() {
        return tokenLabel;
    }

    /** The prefix of the labels of the ring's objects in the token. */
    public String keyLabelPrefix() {
        return keyLabelPrefix;
    }

    /** The same place with another key label prefix (the same PIN array). */
    public Pkcs11TokenPlace withKeyLabelPrefix(String prefix) {
        return new Pkcs11TokenPlace(modulePath, tokenLabel, pin, prefix);
    }

    /** Calls {@code fn} with the place as the C arguments, the PIN in off-heap memory wiped afterwards. */
    int call(PlaceFn fn) {
        byte[] module = OfflineReset.utf8(modulePath), token = OfflineReset.utf8(tokenLabel), prefix = OfflineReset.utf8(keyLabelPrefix);
        try (Secret p = Secret.of(pin)) {
            return fn.call(module, module.length, token, token.length, p.memory, p.length, prefix, prefix.length);
        }
    }

    @FunctionalInterface
    interface PlaceFn {
        int call(byte[] module, long moduleLen, byte[] token, long tokenLen, com.sun.jna.Pointer pin, long pinLen,
                byte[] prefix, long prefixLen);
    }

    /** The module, token and prefix; never the PIN. */
    @Override
    public String toString() {
        return "Pkcs11TokenPlace(module " + modulePath + ", token " + tokenLabel + ", key label prefix " + keyLabelPrefix
                + ", PIN hidden)";
    }
}

package org.offlinereset;

import com.sun.jna.Memory;
import com.sun.jna.Platform;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Library-wide functions: versions, status messages, name checks, deployment packages, wrapping
 * keys, and where the native library comes from.
 *
 * <p>The native library is found, in this order (docs/BINDINGS.md §5; never the working
 * directory): the path given to {@link #useLibrary(Path)} before first use, the system property
 * {@code offline.reset.library} or the environment variable {@code OFFLINE_RESET_LIBRARY}; a file
 * {@code liboffline_reset.so} ({@code offline_reset.dll}) in a directory of {@code jna.library.path};
 * the library packaged in the jar at {@code /<jna platform prefix>/<library file>}
 * ({@code /linux-x86-64/liboffline_reset.so}, {@code /win32-x86-64/offline_reset.dll}). Right
 * after loading, {@code olr_abi_is_compatible(ABI_VERSION)} must answer true, or the first use
 * throws {@link UnsatisfiedLinkError} naming both versions.
 */
public final class OfflineReset {
    private OfflineReset() {}

    /**
     * The C ABI version this binding is written against ({@code OLR_ABI_VERSION}: major << 16 | minor): 2.1,
     * the first with the PKCS#11 functions.
     */
    public static final int ABI_VERSION = 2 << 16 | 1;
    /** Shortest binary SID, in bytes: one sub-authority ({@code OLR_MIN_SID_LEN}). */
    public static final int MIN_SID_LEN = 12;
    /** Longest binary SID, in bytes: 15 sub-authorities ({@code OLR_MAX_SID_LEN}). */
    public static final int MAX_SID_LEN = 68;
    /** Characters of a deployment package fingerprint: lowercase hexadecimal SHA-256 ({@code OLR_PACKAGE_FINGERPRINT_LEN}). */
    public static final int PACKAGE_FINGERPRINT_LEN = 64;
    /** Most account records a replay ledger holds ({@code OLR_MAX_LEDGER_ACCOUNTS}); a redeem needing another is LEDGER_FULL. */
    public static final int MAX_LEDGER_ACCOUNTS = 1024;
    /** Most code records (codes with failed attempts) a replay ledger holds ({@code OLR_MAX_LEDGER_CODES}). */
    public static final int MAX_LEDGER_CODES = 256;
    /** Characters of a deployment package's text ({@code OLR_DEPLOYMENT_PACKAGE_TEXT_LEN}). */
    public static final int DEPLOYMENT_PACKAGE_TEXT_LEN = 319;
    /** The environment variable naming an explicit native library. */
    public static final String LIBRARY_ENV = "OFFLINE_RESET_LIBRARY";
    /** The system property naming an explicit native library. */
    public static final String LIBRARY_PROPERTY = "offline.reset.library";

    private static volatile Path explicitLibrary;

    /** Names the native library to load; call before any other use of the binding. */
    public static void useLibrary(Path path) {
        explicitLibrary = path.toAbsolutePath();
    }

    /** The file name of the library on this platform ({@code liboffline_reset.so}). */
    public static String libraryFileName() {
        return System.mapLibraryName("offline_reset");
    }

    /** The resource path of the packaged library for this platform ({@code /linux-x86-64/liboffline_reset.so}). */
    public static String packagedResource() {
        return "/" + Platform.RESOURCE_PREFIX + "/" + libraryFileName();
    }

    /** Where the library is found (the order above); package-private for the tests. */
    static Path findLibrary() {
        List<String> tried = new ArrayList<>();
        Path explicit = explicitLibrary;
        if (explicit == null) {
            String p = System.getProperty(LIBRARY_PROPERTY);
            if (p == null || p.isEmpty()) p = System.getenv(LIBRARY_ENV);
            if (p != null && !p.isEmpty()) explicit = Paths.get(p).toAbsolutePath();
        }
        if (explicit != null) return explicit; // explicit: no fallback (a typo must not load another library)
        String jnaPath = System.getProperty("jna.library.path");
        if (jnaPath != null) {
            for (String dir : jnaPath.split(File.pathSeparator)) {
                if (dir.isEmpty()) continue; // an empty entry would mean the working directory
                Path candidate = Paths.get(dir, libraryFileName()).toAbsolutePath();
                tried.add(candidate.toString());
                if (candidate.toFile().isFile()) return candidate;
            }
        }
        String resource = packagedResource();
        tried.add("classpath:" + resource);
        if (OfflineReset.class.getResource(resource) != null) {
            try {
                return Native.extract(resource);
            } catch (IOException e) {
                throw new UnsatisfiedLinkError("offline-reset: cannot extract " + resource + ": " + e.getMessage());
            }
        }
        throw new UnsatisfiedLinkError("offline-reset: native library not found (tried " + String.join(", ", tried)
                + "); set " + LIBRARY_PROPERTY + ", " + LIBRARY_ENV + " or jna.library.path, or package it in the jar");
    }

    /** The path of the loaded native library (loads it on first use). */
    public static String libraryPath() {
        return Native.LIBRARY_PATH;
    }

    /** The library's static English message for any status number. */
    public static String statusMessage(int status) {
        return Native.olr_status_message(status).getString(0, "UTF-8");
    }

    /** The native library's version, such as {@code "0.1.0"}. */
    public static String version() {
        return Native.olr_version().getString(0, "UTF-8");
    }

    /** The loaded library's C ABI version ({@code major << 16 | minor}). */
    public static int abiVersion() {
        return Native.olr_abi_version();
    }

    /** The protocol version carried in every code. */
    public static int protocolVersion() {
        return Native.olr_protocol_version() & 0xFF;
    }

    /**
     * The offline user domain for a user's FQDN when none was typed ({@code corp.example.com} →
     * {@code CORP}).
     *
     * @throws OfflineResetException INVALID_DOMAIN
     */
    public static String defaultOfflineDomain(String fqdn) {
        byte[] raw = utf8(fqdn);
        byte[] out = new byte[Native.MAX_NAME_LEN];
        long[] n = new long[1];
        check(Native.olr_default_offline_domain(raw, raw.length, out, out.length, n));
        return text(out, n[0]);
    }

    /** Says what is wrong with a typed username or offline domain ({@link NameProblem#NONE} if nothing). */
    public static NameProblem nameProblem(String text) {
        byte[] raw = utf8(text);
        int[] out = new int[1];
        check(Native.olr_name_problem(raw, raw.length, out));
        NameProblem[] all = NameProblem.values();
        if (out[0] < 0 || out[0] >= all.length) {
            throw new IllegalStateException("offline-reset: unknown name problem " + out[0] + " (a newer library?)");
        }
        return all[out[0]];
    }

    /**
     * Reads a deployment package (the file's text) without enrolling.
     *
     * @throws OfflineResetException MALFORMED_INPUT, CORRUPTED, UNSUPPORTED_VERSION, INVALID_POLICY, ...
     */
    public static DeploymentPackageInfo checkDeploymentPackage(String text) {
        return checkDeploymentPackage(utf8(text));
    }

    /** Reads a deployment package from the raw bytes of the file (UTF-16 files are UTF16_TEXT). */
    public static DeploymentPackageInfo checkDeploymentPackage(byte[] file) {
        short[] epoch = new short[1], lifetime = new short[1], skew = new short[1];
        byte[] d = details();
        check(Native.olr_deployment_package_check(file, file.length, epoch, lifetime, skew, d), d);
        return new DeploymentPackageInfo(u16(epoch[0]), new Policy(u16(lifetime[0]), u16(skew[0])));
    }

    /**
     * The fingerprint of a deployment package (lowercase hexadecimal SHA-256 of its binary form, {@link
     * #PACKAGE_FINGERPRINT_LEN} characters): compare it with the one the reset server shows before a
     * machine is first enrolled with a package that travelled over an untrusted path.
     *
     * @throws OfflineResetException as {@link #checkDeploymentPackage(String)}
     */
    public static String deploymentPackageFingerprint(String text) {
        return deploymentPackageFingerprint(utf8(text));
    }

    /** The same from the raw bytes of the package file (UTF-16 files are UTF16_TEXT). */
    public static String deploymentPackageFingerprint(byte[] file) {
        byte[] out = new byte[PACKAGE_FINGERPRINT_LEN];
        long[] n = new long[1];
        byte[] d = details();
        check(Native.olr_deployment_package_fingerprint(file, file.length, out, out.length, n, d), d);
        return text(out, n[0]);
    }

    /** A fresh random wrapping key (64 bytes) from the OS RNG; wipe it ({@code Arrays.fill}) after use. */
    public static byte[] generateWrappingKey() {
        int len = Native.WRAPPING_KEY_LEN;
        try (Memory m = new Memory(len)) {
            long[] n = new long[1];
            try {
                check(Native.olr_wrapping_key_generate(m, len, n));
                return m.getByteArray(0, (int) n[0]);
            } finally {
                m.clear();
            }
        }
    }

    // ---- helpers shared by the classes of this package ----

    static byte[] details() {
        return new byte[16];
    }

    static int u16(short v) {
        return v & 0xFFFF;
    }

    /**
     * A Java int as a C uint16_t: a value that does not fit would be truncated into another, so it
     * is refused with {@code status} (the status the library gives for an out-of-range value).
     */
    static short u16Arg(int v, Status status) {
        if (v < 0 || v > 0xFFFF) throw error(status.number(), null);
        return (short) v;
    }

    static void check(int status) {
        if (status != 0) throw error(status, null);
    }

    static void check(int status, byte[] details) {
        if (status != 0) throw error(status, details);
    }

    static OfflineResetException error(int status, byte[] details) {
        int group = 0, code = 0, current = 0, version = 0;
        if (details != null) {
            ByteBuffer b = ByteBuffer.wrap(details).order(ByteOrder.nativeOrder());
            code = b.getShort(0) & 0xFFFF;
            current = b.getShort(2) & 0xFFFF;
            group = b.get(4) & 0xFF;
            version = b.get(5) & 0xFF;
        }
        return new OfflineResetException(status, statusMessage(status), group, code, current, version);
    }

    /** UTF-8 of a Java string; a lone surrogate is INVALID_UTF8 (status 101), as docs/BINDINGS.md says. */
    static byte[] utf8(CharSequence s) {
        if (s == null) throw new NullPointerException("text");
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) return strictUtf8(CharBuffer.wrap(s));
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Strict UTF-8 into an array the caller may wipe (no intermediate String). */
    static byte[] strictUtf8(CharBuffer chars) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(chars);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            if (b.hasArray()) java.util.Arrays.fill(b.array(), (byte) 0);
            return out;
        } catch (CharacterCodingException e) {
            throw error(Status.INVALID_UTF8.number(), null);
        }
    }

    static String text(byte[] buf, long len) {
        return new String(buf, 0, (int) len, StandardCharsets.UTF_8);
    }

    /** A point in time as the library takes it: unix seconds (fractions dropped, towards the past). */
    static long unixSeconds(java.time.Instant time) {
        if (time == null) throw new NullPointerException("now");
        return time.getEpochSecond();
    }

    /** Whole seconds of a non-negative duration (fractions dropped). */
    static long seconds(java.time.Duration duration) {
        if (duration == null) throw new NullPointerException("duration");
        if (duration.isNegative()) throw new IllegalArgumentException("a duration must not be negative: " + duration);
        return duration.getSeconds();
    }
}

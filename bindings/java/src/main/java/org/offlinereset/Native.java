package org.offlinereset;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The C ABI (include/offline_reset.h) through JNA direct mapping: the only class that calls native
 * code. Every declaration is checked against the header by {@code HeaderTest}.
 *
 * <p>Type mapping (64-bit platforms only; checked at load): {@code size_t} is {@code long}; a handle
 * {@code olr_x *} is its address as a {@code long}; {@code T **out} is {@code long[1]}; {@code
 * uint16_t *}, {@code uint32_t *}, {@code size_t *} are {@code short[]}, {@code int[]}, {@code
 * long[]}; {@code bool *} is {@code byte[1]}; {@code olr_error_details *} is a {@code byte[16]} and
 * {@code olr_accepted_reset *} a {@code long[2]}; {@code uint64_t} is {@code long} (read as unsigned) and {@code
 * uint64_t *} a {@code long[1]}; non-secret text and bytes are {@code byte[]};
 * secrets (passwords, PKCS#11 PINs, wrapping keys, key ring and machine exports) are off-heap {@link Pointer}s to
 * memory the binding wipes. A {@code bool} return is read as {@code byte}.
 */
final class Native {
    private Native() {}

    /** The library this class is bound to (absolute path). */
    static final String LIBRARY_PATH;

    static {
        if (com.sun.jna.Native.SIZE_T_SIZE != 8 || com.sun.jna.Native.POINTER_SIZE != 8) {
            throw new UnsatisfiedLinkError("offline-reset: the Java binding supports 64-bit platforms only");
        }
        Path path = OfflineReset.findLibrary();
        NativeLibrary lib = NativeLibrary.getInstance(path.toString());
        checkAbi(lib, OfflineReset.ABI_VERSION);
        com.sun.jna.Native.register(Native.class, lib);
        LIBRARY_PATH = path.toString();
    }

    /** Calls {@code olr_abi_is_compatible(abi)} before anything else is declared. */
    static void checkAbi(NativeLibrary lib, int abi) {
        int ok = lib.getFunction("olr_abi_is_compatible").invokeInt(new Object[] {abi}) & 0xFF;
        if (ok == 0) {
            int found = lib.getFunction("olr_abi_version").invokeInt(new Object[0]);
            throw new UnsatisfiedLinkError(String.format(
                    "offline-reset: %s has C ABI %d.%d; this binding needs %d.%d or a later minor version of the same major",
                    lib.getFile(), found >>> 16, found & 0xFFFF, abi >>> 16, abi & 0xFFFF));
        }
    }

    // versions
    static native Pointer olr_status_message(int status);
    static native Pointer olr_version();
    static native int olr_version_number();
    static native int olr_abi_version();
    static native byte olr_abi_is_compatible(int callerAbiVersion);
    static native byte olr_protocol_version();
    // sizes
    static native long olr_identification_code_text_len();
    static native long olr_reset_code_text_len();
    static native long olr_deployment_package_text_len();
    static native long olr_wrapping_key_len();
    static native long olr_machine_state_max_len();
    static native long olr_server_key_ring_max_len();
    static native long olr_max_ledger_accounts();
    static native long olr_max_ledger_codes();
    static native long olr_replay_ledger_max_len();
    static native long olr_max_generations();
    static native long olr_max_name_len();
    static native long olr_max_password_len();
    static native long olr_max_input_len();
    // checks
    static native int olr_identification_code_check(byte[] text, long textLen, byte[] out, long outCap, long[] outLen, byte[] details);
    static native int olr_reset_code_check(byte[] text, long textLen, byte[] out, long outCap, long[] outLen, byte[] details);
    static native int olr_default_offline_domain(byte[] fqdn, long fqdnLen, byte[] out, long outCap, long[] outLen);
    static native int olr_account_check(byte[] username, long usernameLen, byte[] domain, long domainLen, byte[] sid,
            long sidLen);
    static native int olr_deployment_package_check(byte[] pkg, long pkgLen, short[] epoch, short[] lifetime, short[] skew, byte[] details);
    static native int olr_wrapping_key_generate(Pointer out, long outCap, long[] outLen);
    static native int olr_deployment_package_fingerprint(byte[] pkg, long pkgLen, byte[] out, long outCap, long[] outLen,
            byte[] details);
    static native int olr_account_normalize(byte[] username, long usernameLen, byte[] domain, long domainLen,
            byte[] outUsername, long outUsernameCap, long[] outUsernameLen,
            byte[] outDomain, long outDomainCap, long[] outDomainLen, byte[] details);
    static native int olr_name_problem(byte[] text, long textLen, int[] outProblem);
    static native Pointer olr_name_problem_hint(int problem);
    // server key ring
    static native int olr_server_key_ring_generate(short lifetime, short skew, long[] out);
    static native void olr_server_key_ring_free(long ring);
    static native int olr_server_key_ring_rotate(long ring, long now, short[] outEpoch);
    static native int olr_server_key_ring_set_retired_grace_seconds(long ring, int seconds);
    static native int olr_server_key_ring_retired_grace_seconds(long ring, int[] out);
    static native int olr_server_key_ring_set_policy(long ring, short lifetime, short skew);
    static native int olr_server_key_ring_policy(long ring, short[] lifetime, short[] skew);
    static native int olr_server_key_ring_current_epoch(long ring, short[] out);
    static native int olr_server_key_ring_epochs(long ring, short[] out, long outCap, long[] outLen);
    static native int olr_server_key_ring_deployment_package(long ring, byte[] out, long outCap, long[] outLen);
    static native int olr_server_key_ring_seal_reset_code(long ring, byte[] id, long idLen, byte[] username, long usernameLen,
            byte[] domain, long domainLen, byte[] sid, long sidLen, Pointer password, long passwordLen, long now,
            byte[] out, long outCap, long[] outLen, byte[] details);
    static native int olr_server_key_ring_export(long ring, Pointer key, long keyLen, Pointer out, long outCap, long[] outLen);
    static native int olr_server_key_ring_import(Pointer bytes, long len, Pointer key, long keyLen, long[] out, byte[] details);
    static native int olr_server_key_ring_generate_with_password_cost(short lifetime, short skew, int memoryKib, int iterations,
            int parallelism, long[] out);
    static native int olr_server_key_ring_set_password_cost(long ring, int memoryKib, int iterations, int parallelism);
    static native int olr_server_key_ring_password_cost(long ring, short epoch, int[] memoryKib, int[] iterations, int[] parallelism);
    static native int olr_server_key_ring_prune(long ring, long now);
    static native int olr_server_key_ring_set_attempt_limits(long ring, short perCode, short perAccount);
    static native int olr_server_key_ring_attempt_limits(long ring, short[] perCode, short[] perAccount);
    static native int olr_server_key_ring_begin_signing_key_rotation(long ring);
    static native int olr_server_key_ring_finish_signing_key_rotation(long ring);
    // server key ring in a PKCS#11 token (ABI 2.1); the PIN is a secret
    static native int olr_server_key_ring_generate_pkcs11(byte[] modulePath, long modulePathLen, byte[] tokenLabel,
            long tokenLabelLen, Pointer pin, long pinLen, byte[] keyLabelPrefix, long keyLabelPrefixLen, short lifetime,
            short skew, int memoryKib, int iterations, int parallelism, long[] out);
    static native int olr_server_key_ring_open_pkcs11(byte[] modulePath, long modulePathLen, byte[] tokenLabel,
            long tokenLabelLen, Pointer pin, long pinLen, byte[] keyLabelPrefix, long keyLabelPrefixLen, long[] out);
    static native int olr_server_key_ring_copy_to_pkcs11(long ring, byte[] modulePath, long modulePathLen, byte[] tokenLabel,
            long tokenLabelLen, Pointer pin, long pinLen, byte[] keyLabelPrefix, long keyLabelPrefixLen, long[] out);
    static native int olr_server_key_ring_is_held_in_token(long ring, byte[] outHeld);
    // machine
    static native int olr_machine_enroll(byte[] pkg, long pkgLen, long[] out, byte[] details);
    static native int olr_machine_redeploy(long machine, byte[] pkg, long pkgLen, long[] out, byte[] details);
    static native void olr_machine_free(long machine);
    static native int olr_machine_identification_code(long machine, byte[] out, long outCap, long[] outLen);
    static native int olr_machine_epoch(long machine, short[] out);
    static native int olr_machine_policy(long machine, short[] lifetime, short[] skew);
    static native int olr_machine_is_enrolled_with(long machine, byte[] pkg, long pkgLen, byte[] out, byte[] details);
    static native int olr_machine_open_reset_code_for_diagnostics(long machine, byte[] code, long codeLen, byte[] username,
            long usernameLen, byte[] domain, long domainLen, byte[] sid, long sidLen, Pointer password, long passwordLen, long now,
            long[] accepted, byte[] details);
    static native int olr_machine_export(long machine, Pointer key, long keyLen, Pointer out, long outCap, long[] outLen);
    static native int olr_machine_import(Pointer bytes, long len, Pointer key, long keyLen, long[] out, byte[] details);
    static native int olr_machine_password_cost(long machine, int[] memoryKib, int[] iterations, int[] parallelism);
    // replay ledger
    static native int olr_replay_ledger_new(long machine, long[] out);
    static native void olr_replay_ledger_free(long ledger);
    static native int olr_replay_ledger_counts(long ledger, long[] accounts, long[] codes);
    static native int olr_replay_ledger_generation(long ledger, long[] out);
    static native int olr_replay_ledger_export(long ledger, Pointer key, long keyLen, Pointer out, long outCap, long[] outLen);
    static native int olr_replay_ledger_import(Pointer bytes, long len, Pointer key, long keyLen, long machine,
            long minimumGeneration, long[] out, byte[] details);
    static native int olr_machine_redeem_reset_code(long machine, long ledger, byte[] code, long codeLen, byte[] username,
            long usernameLen, byte[] domain, long domainLen, byte[] sid, long sidLen, Pointer password, long passwordLen, long now,
            long[] accepted, byte[] details);

    static final int IDENTIFICATION_CODE_TEXT_LEN = (int) olr_identification_code_text_len();
    static final int RESET_CODE_TEXT_LEN = (int) olr_reset_code_text_len();
    static final int DEPLOYMENT_PACKAGE_TEXT_LEN = (int) olr_deployment_package_text_len();
    static final int WRAPPING_KEY_LEN = (int) olr_wrapping_key_len();
    static final int MAX_NAME_LEN = (int) olr_max_name_len();
    static final int MAX_GENERATIONS = (int) olr_max_generations();
    static final int MAX_LEDGER_ACCOUNTS = (int) olr_max_ledger_accounts();
    static final int MAX_LEDGER_CODES = (int) olr_max_ledger_codes();

    static Path extract(String resource) throws IOException {
        File f = com.sun.jna.Native.extractFromResourcePath(resource, OfflineReset.class.getClassLoader());
        return Paths.get(f.getAbsolutePath());
    }

}

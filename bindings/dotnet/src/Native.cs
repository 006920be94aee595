// The C prototypes of include/offline_reset.h (the only place P/Invoke is used). Checked against
// the header by tests/HeaderTests.cs: every function's name, parameter count and types.
using System;
using System.Runtime.InteropServices;
using System.Security;

// Search for "offline_reset": the assembly's own directory, then the system's safe directories;
// never the current directory (search-order hijacking). .NET honours this attribute; Mono ignores
// it and searches the assembly directory, then the dynamic linker's path.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("OfflineReset.Tests")]
[assembly: DefaultDllImportSearchPaths(DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.SafeDirectories)]

namespace OfflineReset
{
    /// <summary><c>olr_error_details</c> (16 bytes; the reserved tail is padding here).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 16)]
    internal struct ErrorDetails
    {
        public ushort CodeEpoch;
        public ushort CurrentEpoch;
        public byte MistypedGroup;
        public byte FoundVersion;
    }

    /// <summary><c>olr_accepted_reset</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct AcceptedResetNative
    {
        public long IssuedAt;
        public long ExpiresAt;
    }

    /// <summary>Owns an <c>olr_server_key_ring *</c>; frees it (wiping the keys) exactly once.</summary>
    internal sealed class KeyRingHandle : SafeHandle
    {
        public KeyRingHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { Native.olr_server_key_ring_free(handle); return true; }
    }

    /// <summary>Owns an <c>olr_machine *</c>.</summary>
    internal sealed class MachineHandle : SafeHandle
    {
        public MachineHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { Native.olr_machine_free(handle); return true; }
    }

    /// <summary>Owns an <c>olr_replay_ledger *</c>.</summary>
    internal sealed class LedgerHandle : SafeHandle
    {
        public LedgerHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle() { Native.olr_replay_ledger_free(handle); return true; }
    }

    /// <summary>Thrown (inside a TypeInitializationException) when the native library's C ABI
    /// is not compatible with the one this binding was written for.</summary>
    public sealed class IncompatibleLibraryException : Exception
    {
        public IncompatibleLibraryException(string message) : base(message) { }
    }

    internal static class Native
    {
        internal const string Lib = "offline_reset";
        /// <summary>The C ABI this binding is written against: (major &lt;&lt; 16) | minor = 2.1 (the
        /// PKCS#11 key ring functions).</summary>
        internal const uint AbiVersion = (2u << 16) | 1u;

        static Native()
        {
            // Before anything else: refuse an incompatible library.
            if (!olr_abi_is_compatible(AbiVersion))
            {
                uint found = olr_abi_version();
                throw new IncompatibleLibraryException(string.Format(
                    "offline_reset: the native library has C ABI {0}.{1}; this binding needs {2}.{3} or a later minor version of the same major",
                    found >> 16, found & 0xFFFF, AbiVersion >> 16, AbiVersion & 0xFFFF));
            }
        }

        internal static void EnsureLoaded() { }

        const CallingConvention C = CallingConvention.Cdecl;

        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr olr_status_message(uint status);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr olr_version();
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_version_number();
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_abi_version();
        [DllImport(Lib, CallingConvention = C)] [return: MarshalAs(UnmanagedType.I1)] internal static extern bool olr_abi_is_compatible(uint callerAbiVersion);
        [DllImport(Lib, CallingConvention = C)] internal static extern byte olr_protocol_version();
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr olr_identification_code_text_len();
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr olr_reset_code_text_len();
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr olr_deployment_package_text_len();
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr olr_wrapping_key_len();
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr olr_max_generations();
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr olr_max_name_len();
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr olr_max_password_len();
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr olr_machine_state_max_len();
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr olr_server_key_ring_max_len();
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr olr_replay_ledger_max_len();
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr olr_max_ledger_accounts();
        [DllImport(Lib, CallingConvention = C)] internal static extern UIntPtr olr_max_ledger_codes();

        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_identification_code_check(byte[] text, UIntPtr textLen, byte[] @out, UIntPtr outCap, out UIntPtr outLen, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_reset_code_check(byte[] text, UIntPtr textLen, byte[] @out, UIntPtr outCap, out UIntPtr outLen, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_default_offline_domain(byte[] fqdn, UIntPtr fqdnLen, byte[] @out, UIntPtr outCap, out UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_account_check(byte[] username, UIntPtr usernameLen, byte[] domain, UIntPtr domainLen, byte[] sid, UIntPtr sidLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_deployment_package_check(byte[] package, UIntPtr packageLen, out ushort epoch, out ushort lifetimeMinutes, out ushort skewMinutes, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_deployment_package_fingerprint(byte[] package, UIntPtr packageLen, byte[] @out, UIntPtr outCap, out UIntPtr outLen, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_wrapping_key_generate(byte[] @out, UIntPtr outCap, out UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_account_normalize(byte[] username, UIntPtr usernameLen, byte[] domain, UIntPtr domainLen, byte[] outUsername, UIntPtr usernameCap, out UIntPtr outUsernameLen, byte[] outDomain, UIntPtr domainCap, out UIntPtr outDomainLen, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_name_problem(byte[] text, UIntPtr textLen, out uint problem);
        [DllImport(Lib, CallingConvention = C)] internal static extern IntPtr olr_name_problem_hint(uint problem);

        [DllImport(Lib, CallingConvention = C)] internal static extern void olr_server_key_ring_free(IntPtr ring);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_rotate(KeyRingHandle ring, long now, out ushort epoch);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_set_retired_grace_seconds(KeyRingHandle ring, uint seconds);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_retired_grace_seconds(KeyRingHandle ring, out uint seconds);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_set_policy(KeyRingHandle ring, ushort lifetimeMinutes, ushort skewMinutes);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_policy(KeyRingHandle ring, out ushort lifetimeMinutes, out ushort skewMinutes);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_current_epoch(KeyRingHandle ring, out ushort epoch);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_epochs(KeyRingHandle ring, [Out] ushort[] @out, UIntPtr outCap, out UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_deployment_package(KeyRingHandle ring, byte[] @out, UIntPtr outCap, out UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_seal_reset_code(KeyRingHandle ring, byte[] identificationCode, UIntPtr identificationCodeLen, byte[] username, UIntPtr usernameLen, byte[] domain, UIntPtr domainLen, byte[] sid, UIntPtr sidLen, byte[] newPassword, UIntPtr newPasswordLen, long now, byte[] @out, UIntPtr outCap, out UIntPtr outLen, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_export(KeyRingHandle ring, byte[] wrappingKey, UIntPtr wrappingKeyLen, byte[] @out, UIntPtr outCap, out UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_import(byte[] bytes, UIntPtr bytesLen, byte[] wrappingKey, UIntPtr wrappingKeyLen, out KeyRingHandle @out, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_generate_with_password_cost(ushort lifetimeMinutes, ushort skewMinutes, uint memoryKib, uint iterations, uint parallelism, out KeyRingHandle @out);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_set_password_cost(KeyRingHandle ring, uint memoryKib, uint iterations, uint parallelism);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_password_cost(KeyRingHandle ring, ushort epoch, out uint memoryKib, out uint iterations, out uint parallelism);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_prune(KeyRingHandle ring, long now);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_set_attempt_limits(KeyRingHandle ring, ushort failedOpensPerCode, ushort failedOpensPerAccount);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_attempt_limits(KeyRingHandle ring, out ushort failedOpensPerCode, out ushort failedOpensPerAccount);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_begin_signing_key_rotation(KeyRingHandle ring);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_finish_signing_key_rotation(KeyRingHandle ring);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_generate_pkcs11(byte[] modulePath, UIntPtr modulePathLen, byte[] tokenLabel, UIntPtr tokenLabelLen, byte[] pin, UIntPtr pinLen, byte[] keyLabelPrefix, UIntPtr keyLabelPrefixLen, ushort lifetimeMinutes, ushort skewMinutes, uint memoryKib, uint iterations, uint parallelism, out KeyRingHandle @out);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_open_pkcs11(byte[] modulePath, UIntPtr modulePathLen, byte[] tokenLabel, UIntPtr tokenLabelLen, byte[] pin, UIntPtr pinLen, byte[] keyLabelPrefix, UIntPtr keyLabelPrefixLen, out KeyRingHandle @out);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_copy_to_pkcs11(KeyRingHandle ring, byte[] modulePath, UIntPtr modulePathLen, byte[] tokenLabel, UIntPtr tokenLabelLen, byte[] pin, UIntPtr pinLen, byte[] keyLabelPrefix, UIntPtr keyLabelPrefixLen, out KeyRingHandle @out);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_server_key_ring_is_held_in_token(KeyRingHandle ring, out byte held);

        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_machine_enroll(byte[] package, UIntPtr packageLen, out MachineHandle @out, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_machine_redeploy(MachineHandle machine, byte[] package, UIntPtr packageLen, out MachineHandle @out, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern void olr_machine_free(IntPtr machine);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_machine_identification_code(MachineHandle machine, byte[] @out, UIntPtr outCap, out UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_machine_epoch(MachineHandle machine, out ushort epoch);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_machine_policy(MachineHandle machine, out ushort lifetimeMinutes, out ushort skewMinutes);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_machine_is_enrolled_with(MachineHandle machine, byte[] package, UIntPtr packageLen, out byte enrolled, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_machine_open_reset_code_for_diagnostics(MachineHandle machine, byte[] resetCode, UIntPtr resetCodeLen, byte[] username, UIntPtr usernameLen, byte[] domain, UIntPtr domainLen, byte[] sid, UIntPtr sidLen, byte[] newPassword, UIntPtr newPasswordLen, long now, out AcceptedResetNative accepted, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_machine_export(MachineHandle machine, byte[] wrappingKey, UIntPtr wrappingKeyLen, byte[] @out, UIntPtr outCap, out UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_machine_import(byte[] bytes, UIntPtr bytesLen, byte[] wrappingKey, UIntPtr wrappingKeyLen, out MachineHandle @out, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_machine_password_cost(MachineHandle machine, out uint memoryKib, out uint iterations, out uint parallelism);

        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_replay_ledger_new(MachineHandle machine, out LedgerHandle @out);
        [DllImport(Lib, CallingConvention = C)] internal static extern void olr_replay_ledger_free(IntPtr ledger);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_replay_ledger_counts(LedgerHandle ledger, out UIntPtr accounts, out UIntPtr codes);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_replay_ledger_generation(LedgerHandle ledger, out ulong generation);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_replay_ledger_export(LedgerHandle ledger, byte[] wrappingKey, UIntPtr wrappingKeyLen, byte[] @out, UIntPtr outCap, out UIntPtr outLen);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_replay_ledger_import(byte[] bytes, UIntPtr bytesLen, byte[] wrappingKey, UIntPtr wrappingKeyLen, MachineHandle machine, ulong minimumGeneration, out LedgerHandle @out, ref ErrorDetails details);
        [DllImport(Lib, CallingConvention = C)] internal static extern uint olr_machine_redeem_reset_code(MachineHandle machine, LedgerHandle ledger, byte[] resetCode, UIntPtr resetCodeLen, byte[] username, UIntPtr usernameLen, byte[] domain, UIntPtr domainLen, byte[] sid, UIntPtr sidLen, byte[] newPassword, UIntPtr newPasswordLen, long now, out AcceptedResetNative accepted, ref ErrorDetails details);
    }
}

// The .NET API over the C ABI: thin wrappers, no protocol logic (docs/BINDINGS.md).
using System;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace OfflineReset
{
    internal static class Interop
    {
        static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);
        // A non-empty array for empty inputs: the C ABI reads a NULL pointer as OLR_NULL_POINTER
        // even with length 0, and a marshaller may pass an empty array as NULL.
        static readonly byte[] Empty = new byte[1];

        internal static UIntPtr Len(int n) { return new UIntPtr((uint)n); }

        /// <summary>Text as UTF-8 (never NUL-terminated); a lone surrogate is InvalidUtf8Exception.</summary>
        internal static byte[] Utf8(string text, string what, out int length)
        {
            if (text == null) throw new ArgumentNullException(what);
            byte[] b;
            try
            {
                int n = Strict.GetByteCount(text);
                b = new byte[n == 0 ? 1 : n];
                Strict.GetBytes(text, 0, text.Length, b, 0);
                length = n;
            }
            catch (EncoderFallbackException)
            {
                throw OfflineResetException.Create((uint)Status.InvalidUtf8, default(ErrorDetails));
            }
            return b;
        }

        internal static byte[] Bytes(byte[] data, string what)
        {
            if (data == null) throw new ArgumentNullException(what);
            return data.Length == 0 ? Empty : data;
        }

        /// <summary>The wrapping key an Export requires: null is the caller's mistake (a plain
        /// export is ExportPlain, named so that keys are never written in the clear by accident);
        /// an empty or wrong-length key is the library's InvalidKeyMaterialException.</summary>
        internal static byte[] RequiredKey(byte[] wrappingKey)
        {
            if (wrappingKey == null)
                throw new ArgumentNullException("wrappingKey", "Export needs a wrapping key (OfflineResetLibrary.GenerateWrappingKey); ExportPlain() writes the secrets in the clear.");
            return wrappingKey;
        }

        /// <summary>A point in time as the library takes it: unix seconds (fractions dropped).</summary>
        internal static long UnixSeconds(DateTimeOffset time) { return time.ToUnixTimeSeconds(); }

        /// <summary>Whole seconds of a non-negative duration (fractions dropped).</summary>
        internal static long Seconds(TimeSpan duration, string what)
        {
            if (duration < TimeSpan.Zero) throw new ArgumentOutOfRangeException(what, "a duration must not be negative");
            return duration.Ticks / TimeSpan.TicksPerSecond;
        }

        /// <summary>An optional wrapping key: null stays NULL (a plain export/import).</summary>
        internal static byte[] Key(byte[] key) { return key == null ? null : (key.Length == 0 ? Empty : key); }
        internal static int KeyLen(byte[] key) { return key == null ? 0 : key.Length; }

        internal static void Check(uint status)
        {
            if (status != 0) throw OfflineResetException.Create(status, default(ErrorDetails));
        }

        internal static void Check(uint status, ErrorDetails details)
        {
            if (status != 0) throw OfflineResetException.Create(status, details);
        }

        internal static string CString(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            byte[] b = new byte[n];
            Marshal.Copy(p, b, 0, n);
            return Encoding.UTF8.GetString(b);
        }

        internal static string Text(byte[] buf, UIntPtr n) { return Encoding.UTF8.GetString(buf, 0, (int)n.ToUInt32()); }

        internal delegate uint ExportFn(byte[] key, UIntPtr keyLen, byte[] @out, UIntPtr cap, out UIntPtr len);

        /// <summary>Asks for the size, then exports into an array of exactly that size (returned;
        /// the caller wipes it). Any other buffer is wiped before it is dropped.</summary>
        internal static byte[] Export(byte[] wrappingKey, ExportFn f)
        {
            UIntPtr needed;
            uint status = f(Key(wrappingKey), Len(KeyLen(wrappingKey)), null, UIntPtr.Zero, out needed);
            if (status != (uint)Status.BufferTooSmall) Check(status);
            int cap = (int)needed.ToUInt32();
            byte[] buf = new byte[cap];
            UIntPtr n;
            Check(f(Key(wrappingKey), Len(KeyLen(wrappingKey)), buf, Len(cap), out n));
            if ((int)n.ToUInt32() == cap) return buf;
            byte[] result = new byte[(int)n.ToUInt32()];
            Buffer.BlockCopy(buf, 0, result, 0, result.Length);
            Array.Clear(buf, 0, buf.Length);
            return result;
        }
    }

    /// <summary>Library-wide functions and limits.</summary>
    public static class OfflineResetLibrary
    {
        /// <summary>The C ABI version this binding was written for ((major &lt;&lt; 16) | minor).</summary>
        public const uint BindingAbiVersion = Native.AbiVersion;
        public static readonly int IdentificationCodeTextLength = (int)Native.olr_identification_code_text_len().ToUInt32();
        public static readonly int ResetCodeTextLength = (int)Native.olr_reset_code_text_len().ToUInt32();
        public static readonly int DeploymentPackageTextLength = (int)Native.olr_deployment_package_text_len().ToUInt32();
        public static readonly int WrappingKeyLength = (int)Native.olr_wrapping_key_len().ToUInt32();
        public static readonly int MaxNameLength = (int)Native.olr_max_name_len().ToUInt32();
        public static readonly int MaxPasswordLength = (int)Native.olr_max_password_len().ToUInt32();
        public static readonly int MaxGenerations = (int)Native.olr_max_generations().ToUInt32();
        /// <summary>Largest machine state export (wrapped), in bytes.</summary>
        public static readonly int MachineStateMaxLength = (int)Native.olr_machine_state_max_len().ToUInt32();
        /// <summary>Largest server key ring export (wrapped, MaxGenerations generations), in bytes.</summary>
        public static readonly int ServerKeyRingMaxLength = (int)Native.olr_server_key_ring_max_len().ToUInt32();
        /// <summary>Largest replay ledger export (wrapped, full), in bytes.</summary>
        public static readonly int ReplayLedgerMaxLength = (int)Native.olr_replay_ledger_max_len().ToUInt32();
        /// <summary>Most account records a replay ledger holds (then LedgerFullException).</summary>
        public static readonly int MaxLedgerAccounts = (int)Native.olr_max_ledger_accounts().ToUInt32();
        /// <summary>Most code records (codes with failed attempts) a replay ledger holds.</summary>
        public static readonly int MaxLedgerCodes = (int)Native.olr_max_ledger_codes().ToUInt32();
        /// <summary>Shortest binary SID (one sub-authority), in bytes (OLR_MIN_SID_LEN).</summary>
        public const int MinSidLength = 12;
        /// <summary>Longest binary SID (15 sub-authorities), in bytes (OLR_MAX_SID_LEN).</summary>
        public const int MaxSidLength = 68;
        /// <summary>Characters of a deployment package fingerprint (lowercase hexadecimal SHA-256;
        /// OLR_PACKAGE_FINGERPRINT_LEN).</summary>
        public const int PackageFingerprintLength = 64;

        /// <summary>The library's static English message for any status number.</summary>
        public static string StatusMessage(uint status) { return Interop.CString(Native.olr_status_message(status)); }
        public static string StatusMessage(Status status) { return StatusMessage((uint)status); }
        /// <summary>The native library's version, such as "0.1.0".</summary>
        public static string Version { get { return Interop.CString(Native.olr_version()); } }
        /// <summary>The loaded library's C ABI version ((major &lt;&lt; 16) | minor).</summary>
        public static uint AbiVersion { get { return Native.olr_abi_version(); } }
        public static int ProtocolVersion { get { return Native.olr_protocol_version(); } }

        /// <summary>A fresh random wrapping key (64 bytes) from the OS RNG; wipe it after use.</summary>
        public static byte[] GenerateWrappingKey()
        {
            byte[] buf = new byte[WrappingKeyLength];
            UIntPtr n;
            Interop.Check(Native.olr_wrapping_key_generate(buf, Interop.Len(buf.Length), out n));
            return buf;
        }

        /// <summary>The offline user domain of a user's FQDN (corp.example.com gives CORP).</summary>
        public static string DefaultOfflineDomain(string fqdn)
        {
            int len;
            byte[] raw = Interop.Utf8(fqdn, "fqdn", out len);
            byte[] buf = new byte[MaxNameLength];
            UIntPtr n;
            Interop.Check(Native.olr_default_offline_domain(raw, Interop.Len(len), buf, Interop.Len(buf.Length), out n));
            return Interop.Text(buf, n);
        }

        /// <summary>What is wrong with a typed username or offline domain (None if nothing).</summary>
        public static NameProblem GetNameProblem(string text)
        {
            int len;
            byte[] raw = Interop.Utf8(text, "text", out len);
            uint problem;
            Interop.Check(Native.olr_name_problem(raw, Interop.Len(len), out problem));
            return (NameProblem)problem;
        }

        /// <summary>A short English hint saying what to fix.</summary>
        public static string Hint(NameProblem problem) { return Interop.CString(Native.olr_name_problem_hint((uint)problem)); }

        /// <summary>Checks a deployment package (its text) without enrolling.</summary>
        public static DeploymentPackageInfo CheckDeploymentPackage(string package)
        {
            int len;
            return CheckPackage(Interop.Utf8(package, "package", out len), len);
        }

        /// <summary>Checks a deployment package (the raw bytes of the file) without enrolling.</summary>
        public static DeploymentPackageInfo CheckDeploymentPackage(byte[] package)
        {
            return CheckPackage(Interop.Bytes(package, "package"), package.Length);
        }

        /// <summary>The deployment package's fingerprint (64 lowercase hexadecimal characters, the
        /// same for every text of one package): compare it with the server's before deploying.
        /// Throws as CheckDeploymentPackage.</summary>
        public static string DeploymentPackageFingerprint(string package)
        {
            int len;
            return Fingerprint(Interop.Utf8(package, "package", out len), len);
        }

        /// <summary>The fingerprint of a deployment package given as the raw bytes of its file.</summary>
        public static string DeploymentPackageFingerprint(byte[] package)
        {
            return Fingerprint(Interop.Bytes(package, "package"), package.Length);
        }

        static string Fingerprint(byte[] raw, int len)
        {
            byte[] buf = new byte[PackageFingerprintLength];
            UIntPtr n;
            ErrorDetails d = default(ErrorDetails);
            Interop.Check(Native.olr_deployment_package_fingerprint(raw, Interop.Len(len), buf, Interop.Len(buf.Length), out n, ref d), d);
            return Interop.Text(buf, n);
        }

        static DeploymentPackageInfo CheckPackage(byte[] raw, int len)
        {
            ushort epoch, lifetime, skew;
            ErrorDetails d = default(ErrorDetails);
            Interop.Check(Native.olr_deployment_package_check(raw, Interop.Len(len), out epoch, out lifetime, out skew, ref d), d);
            return new DeploymentPackageInfo(epoch, new Policy(lifetime, skew));
        }
    }

    /// <summary>What is wrong with a typed name (<c>olr_name_problem_code</c>).</summary>
    public enum NameProblem : uint
    {
        None = 0, Empty = 1, SurroundingWhiteSpace = 2, ControlOrFormatCharacter = 3,
        LineOrParagraphSeparator = 4, QualifiedName = 5, ForbiddenCharacter = 6, TooLong = 7,
    }

    /// <summary>How long a reset code is accepted and the clock skew allowed (minutes).</summary>
    public struct Policy : IEquatable<Policy>
    {
        public Policy(int resetCodeLifetimeMinutes, int clockSkewMinutes) : this()
        {
            ResetCodeLifetimeMinutes = resetCodeLifetimeMinutes;
            ClockSkewMinutes = clockSkewMinutes;
        }
        /// <summary>The library's defaults: 1440 minutes, 10 minutes of skew.</summary>
        public static Policy Default { get { return new Policy(1440, 10); } }
        public int ResetCodeLifetimeMinutes { get; private set; }
        public int ClockSkewMinutes { get; private set; }
        /// <summary>ResetCodeLifetimeMinutes as a TimeSpan.</summary>
        public TimeSpan ResetCodeLifetime { get { return TimeSpan.FromMinutes(ResetCodeLifetimeMinutes); } }
        /// <summary>ClockSkewMinutes as a TimeSpan.</summary>
        public TimeSpan ClockSkew { get { return TimeSpan.FromMinutes(ClockSkewMinutes); } }
        public bool Equals(Policy o) { return o.ResetCodeLifetimeMinutes == ResetCodeLifetimeMinutes && o.ClockSkewMinutes == ClockSkewMinutes; }
        public override bool Equals(object o) { return o is Policy && Equals((Policy)o); }
        public override int GetHashCode() { return ResetCodeLifetimeMinutes * 65537 + ClockSkewMinutes; }
        public override string ToString() { return string.Format("Policy({0} min, skew {1} min)", ResetCodeLifetimeMinutes, ClockSkewMinutes); }
    }

    /// <summary>The Argon2id cost of binding a new password (every seal and open runs it once).</summary>
    public struct PasswordCost : IEquatable<PasswordCost>
    {
        public PasswordCost(int memoryKib, int iterations, int parallelism) : this()
        {
            MemoryKib = memoryKib; Iterations = iterations; Parallelism = parallelism;
        }
        /// <summary>64 MiB, 3 passes, 1 lane.</summary>
        public static PasswordCost Default { get { return new PasswordCost(65536, 3, 1); } }
        /// <summary>The smallest the library accepts: 19 MiB, 2 passes, 1 lane.</summary>
        public static PasswordCost Minimum { get { return new PasswordCost(19456, 2, 1); } }
        public int MemoryKib { get; private set; }
        public int Iterations { get; private set; }
        public int Parallelism { get; private set; }
        public bool Equals(PasswordCost o) { return o.MemoryKib == MemoryKib && o.Iterations == Iterations && o.Parallelism == Parallelism; }
        public override bool Equals(object o) { return o is PasswordCost && Equals((PasswordCost)o); }
        public override int GetHashCode() { return MemoryKib * 31 + Iterations * 7 + Parallelism; }
        /// <summary>The cost as Argon2id parameters, for example "Argon2id m=65536 KiB, t=3, p=1".</summary>
        public override string ToString()
        {
            return string.Format(System.Globalization.CultureInfo.InvariantCulture, "Argon2id m={0} KiB, t={1}, p={2}", MemoryKib, Iterations, Parallelism);
        }
    }

    /// <summary>Failed opens allowed per reset code and per account within one code lifetime
    /// (docs/PROTOCOL.md section 9.7; defaults 5 and 20, each 1 to 1000).</summary>
    public struct AttemptLimits : IEquatable<AttemptLimits>
    {
        public AttemptLimits(int failedOpensPerCode, int failedOpensPerAccount) : this()
        {
            FailedOpensPerCode = failedOpensPerCode; FailedOpensPerAccount = failedOpensPerAccount;
        }
        /// <summary>5 per code, 20 per account.</summary>
        public static AttemptLimits Default { get { return new AttemptLimits(5, 20); } }
        public int FailedOpensPerCode { get; private set; }
        public int FailedOpensPerAccount { get; private set; }
        public bool Equals(AttemptLimits o) { return o.FailedOpensPerCode == FailedOpensPerCode && o.FailedOpensPerAccount == FailedOpensPerAccount; }
        public override bool Equals(object o) { return o is AttemptLimits && Equals((AttemptLimits)o); }
        public override int GetHashCode() { return FailedOpensPerCode * 65537 + FailedOpensPerAccount; }
        public override string ToString() { return string.Format("AttemptLimits({0} per code, {1} per account)", FailedOpensPerCode, FailedOpensPerAccount); }
    }

    /// <summary>Where a key ring is held in a PKCS#11 token (ABI 2.1): the module's path (for
    /// example /usr/lib/softhsm/libsofthsm2.so), the token's label, the user PIN and the prefix of
    /// the ring's key labels (1 to 64 bytes of UTF-8, no control characters). The PIN is bytes as
    /// the token takes them (null is the empty PIN); the array is the caller's: passed to the
    /// library without a copy, used to log in and not kept, so wipe it after use. ToString leaves
    /// the PIN out, and no exception carries it.</summary>
    public sealed class Pkcs11TokenPlace
    {
        public Pkcs11TokenPlace(string modulePath, string tokenLabel, byte[] pin, string keyLabelPrefix)
        {
            if (modulePath == null) throw new ArgumentNullException("modulePath");
            if (tokenLabel == null) throw new ArgumentNullException("tokenLabel");
            if (keyLabelPrefix == null) throw new ArgumentNullException("keyLabelPrefix");
            ModulePath = modulePath; TokenLabel = tokenLabel; Pin = pin; KeyLabelPrefix = keyLabelPrefix;
        }
        public string ModulePath { get; private set; }
        public string TokenLabel { get; private set; }
        /// <summary>The caller's PIN array itself (not a copy).</summary>
        public byte[] Pin { get; private set; }
        public string KeyLabelPrefix { get; private set; }
        /// <summary>The place without the PIN.</summary>
        public override string ToString()
        {
            return string.Format("Pkcs11TokenPlace(module {0}, token {1}, key label prefix {2}, PIN hidden)", ModulePath, TokenLabel, KeyLabelPrefix);
        }

        /// <summary>The place as the C functions take it: the texts as UTF-8, the PIN without a copy.</summary>
        internal Args Encode()
        {
            Args a = new Args();
            a.Module = Interop.Utf8(ModulePath, "modulePath", out a.ModuleLength);
            a.Token = Interop.Utf8(TokenLabel, "tokenLabel", out a.TokenLength);
            a.Pin = Interop.Bytes(Pin ?? new byte[0], "pin");
            a.PinLength = Pin == null ? 0 : Pin.Length;
            a.Prefix = Interop.Utf8(KeyLabelPrefix, "keyLabelPrefix", out a.PrefixLength);
            return a;
        }

        internal struct Args
        {
            internal byte[] Module, Token, Pin, Prefix;
            internal int ModuleLength, TokenLength, PinLength, PrefixLength;
        }
    }

    /// <summary>What a machine learns from a reset code that opened: IssuedAt and ExpiresAt in
    /// unix seconds, IssuedUtc and ExpiresUtc the same times as DateTimeOffset (offset zero).</summary>
    public struct AcceptedReset
    {
        public AcceptedReset(long issuedAt, long expiresAt) : this() { IssuedAt = issuedAt; ExpiresAt = expiresAt; }
        public long IssuedAt { get; private set; }
        public long ExpiresAt { get; private set; }
        /// <summary>IssuedAt as a DateTimeOffset in UTC.</summary>
        public DateTimeOffset IssuedUtc { get { return DateTimeOffset.FromUnixTimeSeconds(IssuedAt); } }
        /// <summary>ExpiresAt as a DateTimeOffset in UTC.</summary>
        public DateTimeOffset ExpiresUtc { get { return DateTimeOffset.FromUnixTimeSeconds(ExpiresAt); } }
    }

    /// <summary>What a deployment package says: its epoch and policy.</summary>
    public struct DeploymentPackageInfo
    {
        public DeploymentPackageInfo(int epoch, Policy policy) : this() { Epoch = epoch; Policy = policy; }
        public int Epoch { get; private set; }
        public Policy Policy { get; private set; }
    }

    /// <summary>A machine's identification code, parsed from typed text (case-insensitive; O reads
    /// as 0, I and L as 1; spaces and hyphens ignored) by Parse or TryParse.</summary>
    public sealed class IdentificationCode : IEquatable<IdentificationCode>
    {
        IdentificationCode(string canonical, bool trusted) { Text = canonical; }

        /// <summary>Obsolete: use Parse (the same checks and exceptions) or TryParse.</summary>
        [Obsolete("Use IdentificationCode.Parse(text), or TryParse(text, out code) for input that may be mistyped.")]
        public IdentificationCode(string text) : this(Parse(text).Text, true) { }

        /// <summary>Checks typed text and returns the code in canonical form. Throws
        /// MistypedException (Group: the group to retype, 0 = the whole-code check),
        /// MalformedInputException, UnsupportedVersionException, InvalidUtf8Exception (a lone
        /// surrogate), InvalidLengthException; ArgumentNullException for null.</summary>
        public static IdentificationCode Parse(string text)
        {
            return new IdentificationCode(CodeText.Parse(text, OfflineResetLibrary.IdentificationCodeTextLength, Native.olr_identification_code_check), true);
        }

        /// <summary>Like Parse, but returns false (and null) instead of throwing, for any text
        /// the library refuses and for null.</summary>
        public static bool TryParse(string text, out IdentificationCode code)
        {
            string canonical = CodeText.TryParse(text, OfflineResetLibrary.IdentificationCodeTextLength, Native.olr_identification_code_check);
            code = canonical == null ? null : new IdentificationCode(canonical, true);
            return code != null;
        }

        internal static IdentificationCode Trusted(string canonical) { return new IdentificationCode(canonical, true); }

        /// <summary>The canonical text (upper case, groups joined by '-').</summary>
        public string Text { get; private set; }
        public override string ToString() { return Text; }
        public bool Equals(IdentificationCode o) { return o != null && o.Text == Text; }
        public override bool Equals(object o) { return Equals(o as IdentificationCode); }
        public override int GetHashCode() { return Text.GetHashCode(); }
    }

    /// <summary>A reset code, parsed from typed text with the same rules as IdentificationCode,
    /// by Parse or TryParse.</summary>
    public sealed class ResetCode : IEquatable<ResetCode>
    {
        ResetCode(string canonical, bool trusted) { Text = canonical; }

        /// <summary>Obsolete: use Parse (the same checks and exceptions) or TryParse.</summary>
        [Obsolete("Use ResetCode.Parse(text), or TryParse(text, out code) for input that may be mistyped.")]
        public ResetCode(string text) : this(Parse(text).Text, true) { }

        /// <summary>Checks typed text and returns the code in canonical form. Throws as
        /// IdentificationCode.Parse.</summary>
        public static ResetCode Parse(string text)
        {
            return new ResetCode(CodeText.Parse(text, OfflineResetLibrary.ResetCodeTextLength, Native.olr_reset_code_check), true);
        }

        /// <summary>Like Parse, but returns false (and null) instead of throwing, for any text
        /// the library refuses and for null.</summary>
        public static bool TryParse(string text, out ResetCode code)
        {
            string canonical = CodeText.TryParse(text, OfflineResetLibrary.ResetCodeTextLength, Native.olr_reset_code_check);
            code = canonical == null ? null : new ResetCode(canonical, true);
            return code != null;
        }

        internal static ResetCode Trusted(string canonical) { return new ResetCode(canonical, true); }

        /// <summary>The canonical text (upper case, groups joined by '-').</summary>
        public string Text { get; private set; }
        public override string ToString() { return Text; }
        public bool Equals(ResetCode o) { return o != null && o.Text == Text; }
        public override bool Equals(object o) { return Equals(o as ResetCode); }
        public override int GetHashCode() { return Text.GetHashCode(); }
    }

    /// <summary>The check shared by the codes' Parse and TryParse.</summary>
    internal static class CodeText
    {
        internal delegate uint CheckFn(byte[] text, UIntPtr textLen, byte[] @out, UIntPtr cap, out UIntPtr len, ref ErrorDetails details);

        /// <summary>The library's status (0: canonical set) and its details.</summary>
        static uint Run(byte[] raw, int len, int cap, CheckFn f, out string canonical, out ErrorDetails d)
        {
            byte[] buf = new byte[cap];
            UIntPtr n;
            d = default(ErrorDetails);
            uint s = f(raw, Interop.Len(len), buf, Interop.Len(buf.Length), out n, ref d);
            canonical = s == 0 ? Interop.Text(buf, n) : null;
            return s;
        }

        /// <summary>The canonical text, or the status's exception (ArgumentNullException for null,
        /// InvalidUtf8Exception for a lone surrogate).</summary>
        internal static string Parse(string text, int cap, CheckFn f)
        {
            int len;
            byte[] raw = Interop.Utf8(text, "text", out len);
            string canonical;
            ErrorDetails d;
            Interop.Check(Run(raw, len, cap, f, out canonical, out d), d);
            return canonical;
        }

        /// <summary>The canonical text, or null for null text and for any status.</summary>
        internal static string TryParse(string text, int cap, CheckFn f)
        {
            if (text == null) return null;
            int len;
            byte[] raw;
            try { raw = Interop.Utf8(text, "text", out len); }
            catch (OfflineResetException) { return null; } // a lone surrogate: InvalidUtf8
            string canonical;
            ErrorDetails d;
            return Run(raw, len, cap, f, out canonical, out d) == 0 ? canonical : null;
        }
    }

    /// <summary>A Windows account: username, offline user domain and the account's binary SID
    /// (docs/PROTOCOL.md section 5: revision 1, 1 to 15 sub-authorities, 8 + 4 x count bytes; on
    /// the server the directory's objectSid, on the machine the cached account's SID, for example
    /// <c>SecurityIdentifier.GetBinaryForm</c>). Username, OfflineDomain and ToString show the
    /// names as given (typed); NormalizedUsername and NormalizedOfflineDomain are the comparison
    /// forms (what Equals compares, with the SID). Seal and open pass the typed forms to the
    /// library. The SID is copied. Throws, in this order, InvalidUsernameException,
    /// InvalidDomainException, InvalidSidException.</summary>
    public sealed class Account : IEquatable<Account>
    {
        internal readonly byte[] TypedUsername, TypedDomain;
        internal readonly int TypedUsernameLength, TypedDomainLength;
        readonly byte[] sid;

        public Account(string username, string offlineDomain, byte[] sid)
        {
            Username = username;
            OfflineDomain = offlineDomain;
            TypedUsername = Interop.Utf8(username, "username", out TypedUsernameLength);
            TypedDomain = Interop.Utf8(offlineDomain, "offlineDomain", out TypedDomainLength);
            if (sid == null) throw new ArgumentNullException("sid");
            this.sid = (byte[])sid.Clone();
            // Names and SID as seal and open check them (their errors, in their order).
            Interop.Check(Native.olr_account_check(TypedUsername, Interop.Len(TypedUsernameLength), TypedDomain, Interop.Len(TypedDomainLength),
                SidArg, Interop.Len(this.sid.Length)));
            int cap = OfflineResetLibrary.MaxNameLength;
            byte[] ub = new byte[cap], db = new byte[cap];
            UIntPtr un, dn;
            ErrorDetails d = default(ErrorDetails);
            Interop.Check(Native.olr_account_normalize(TypedUsername, Interop.Len(TypedUsernameLength), TypedDomain, Interop.Len(TypedDomainLength),
                ub, Interop.Len(cap), out un, db, Interop.Len(cap), out dn, ref d), d);
            NormalizedUsername = Interop.Text(ub, un);
            NormalizedOfflineDomain = Interop.Text(db, dn);
        }

        /// <summary>The account with the default offline domain of the user's FQDN.</summary>
        public static Account WithFqdn(string username, string fqdn, byte[] sid) { return new Account(username, OfflineResetLibrary.DefaultOfflineDomain(fqdn), sid); }

        /// <summary>Checks the names and the SID as seal and open will; throws the exception they would.</summary>
        public static void Check(string username, string offlineDomain, byte[] sid)
        {
            int ul, dl;
            byte[] u = Interop.Utf8(username, "username", out ul), d = Interop.Utf8(offlineDomain, "offlineDomain", out dl);
            if (sid == null) throw new ArgumentNullException("sid");
            Interop.Check(Native.olr_account_check(u, Interop.Len(ul), d, Interop.Len(dl), Interop.Bytes(sid, "sid"), Interop.Len(sid.Length)));
        }

        /// <summary>The SID as passed to the library: a non-empty array even for an empty SID (a
        /// marshaller may pass an empty array as NULL, which is NullPointer, while length 0 with a
        /// real pointer is the library's InvalidSid).</summary>
        internal byte[] SidArg { get { return Interop.Bytes(sid, "sid"); } }
        internal int SidLength { get { return sid.Length; } }

        /// <summary>The username as given to the constructor (what the user or directory typed).</summary>
        public string Username { get; private set; }
        /// <summary>The offline domain as given to the constructor (WithFqdn: the default offline
        /// domain of the FQDN).</summary>
        public string OfflineDomain { get; private set; }
        /// <summary>The username's comparison form (Windows upper-casing; olr_account_normalize).</summary>
        public string NormalizedUsername { get; private set; }
        /// <summary>The offline domain's comparison form (olr_account_normalize).</summary>
        public string NormalizedOfflineDomain { get; private set; }
        /// <summary>A copy of the binary SID.</summary>
        public byte[] Sid { get { return (byte[])sid.Clone(); } }
        /// <summary>The SID in its S-1-… text form.</summary>
        public string SidString { get { return SidText(sid); } }
        /// <summary>Same account: normalized names byte-equal and SIDs byte-equal.</summary>
        public bool Equals(Account o)
        {
            if (o == null || o.NormalizedUsername != NormalizedUsername || o.NormalizedOfflineDomain != NormalizedOfflineDomain || o.sid.Length != sid.Length) return false;
            for (int i = 0; i < sid.Length; i++) if (o.sid[i] != sid[i]) return false;
            return true;
        }
        public override bool Equals(object o) { return Equals(o as Account); }
        public override int GetHashCode() { return NormalizedUsername.GetHashCode() ^ NormalizedOfflineDomain.GetHashCode() ^ sid.Length; }
        /// <summary>OfflineDomain\Username as typed and the SID in its S-1-… form, for example
        /// "corp\Jürgen (S-1-5-21-…-1105)"; ToNormalizedString gives the comparison forms.</summary>
        public override string ToString() { return OfflineDomain + "\\" + Username + " (" + SidText(sid) + ")"; }
        /// <summary>NormalizedOfflineDomain\NormalizedUsername and the SID, for example
        /// "CORP\JÜRGEN (S-1-5-21-…-1105)".</summary>
        public string ToNormalizedString() { return NormalizedOfflineDomain + "\\" + NormalizedUsername + " (" + SidText(sid) + ")"; }

        /// <summary>The S-1-… text of a well-formed binary SID (the constructor checked it).</summary>
        static string SidText(byte[] b)
        {
            ulong authority = 0;
            for (int i = 2; i < 8; i++) authority = (authority << 8) | b[i];
            // The authority is big-endian, shown in hexadecimal from 2^32 on (as Windows does).
            var t = new StringBuilder("S-").Append(b[0]).Append('-')
                .Append(authority < (1UL << 32) ? authority.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0x" + authority.ToString("X12"));
            for (int k = 0; k < b[1]; k++)
                t.Append('-').Append((uint)b[8 + 4 * k] | (uint)b[9 + 4 * k] << 8 | (uint)b[10 + 4 * k] << 16 | (uint)b[11 + 4 * k] << 24); // little-endian
            return t.ToString();
        }
    }

    /// <summary>A password as UTF-8: from a string the binding makes a copy and wipes it after the
    /// call; a caller's byte[] is passed without a copy (the caller wipes it).</summary>
    internal struct PasswordArg
    {
        internal byte[] Bytes;
        internal int Length;
        bool owned;

        internal static PasswordArg From(string password)
        {
            PasswordArg p = new PasswordArg();
            p.Bytes = Interop.Utf8(password, "newPassword", out p.Length);
            p.owned = true;
            return p;
        }

        internal static PasswordArg From(byte[] password)
        {
            PasswordArg p = new PasswordArg();
            p.Bytes = Interop.Bytes(password, "newPassword");
            p.Length = password.Length;
            return p;
        }

        internal void Wipe() { if (owned && Bytes != null) Array.Clear(Bytes, 0, Bytes.Length); }
    }

    /// <summary>One owned native object. Calls on a const handle share a readers-writer lock;
    /// mutations and Dispose take it exclusively (the C ABI's thread rules). The SafeHandle frees
    /// the native object exactly once (Dispose, or its critical finalizer as a last resort) and
    /// keeps it alive during every native call.</summary>
    public abstract class NativeObject : IDisposable
    {
        readonly SafeHandle handle;
        readonly ReaderWriterLockSlim rw = new ReaderWriterLockSlim(LockRecursionPolicy.NoRecursion);

        internal NativeObject(SafeHandle handle) { this.handle = handle; }

        internal T Shared<T>(Func<T> f)
        {
            rw.EnterReadLock();
            try
            {
                if (handle.IsClosed) throw new ObjectDisposedException(GetType().Name);
                return f();
            }
            finally { rw.ExitReadLock(); }
        }

        internal T Exclusive<T>(Func<T> f)
        {
            rw.EnterWriteLock();
            try
            {
                if (handle.IsClosed) throw new ObjectDisposedException(GetType().Name);
                return f();
            }
            finally { rw.ExitWriteLock(); }
        }

        /// <summary>True once disposed.</summary>
        public bool IsDisposed { get { return handle.IsClosed; } }

        /// <summary>Frees the native object and wipes its secrets (waits for calls in progress);
        /// later calls throw ObjectDisposedException. Calling it again does nothing.</summary>
        public void Dispose()
        {
            rw.EnterWriteLock();
            try { handle.Dispose(); }
            finally { rw.ExitWriteLock(); }
        }
    }

    /// <summary>The reset server's key ring: one key pair per epoch, rotation, the retired-key
    /// grace period. Held in this process (Generate, FromBytes) or in a PKCS#11 token
    /// (GeneratePkcs11, OpenPkcs11, CopyToPkcs11), with the same API. Sealing may run from many
    /// threads at once; Rotate, Prune, the setters and Dispose wait for them.</summary>
    public sealed class ServerKeyRing : NativeObject
    {
        internal readonly KeyRingHandle h;
        ServerKeyRing(KeyRingHandle h) : base(h) { this.h = h; }

        static ServerKeyRing Own(uint status, KeyRingHandle h, ErrorDetails d)
        {
            if (status != 0) { if (h != null) h.Dispose(); Interop.Check(status, d); }
            return new ServerKeyRing(h);
        }

        /// <summary>A new ring at epoch 1 with a fresh key pair.</summary>
        public static ServerKeyRing Generate(Policy policy, PasswordCost passwordCost)
        {
            KeyRingHandle h;
            uint s = Native.olr_server_key_ring_generate_with_password_cost((ushort)policy.ResetCodeLifetimeMinutes, (ushort)policy.ClockSkewMinutes,
                (uint)passwordCost.MemoryKib, (uint)passwordCost.Iterations, (uint)passwordCost.Parallelism, out h);
            return Own(s, h, default(ErrorDetails));
        }

        /// <summary>A new ring with the default policy and password cost.</summary>
        public static ServerKeyRing Generate() { return Generate(Policy.Default, PasswordCost.Default); }

        /// <summary>A new ring whose keys are generated in a PKCS#11 token and never leave it (ABI
        /// 2.1): epoch 1's key pair, the deployment signing key pair and the ring's record, under
        /// labels starting with place.KeyLabelPrefix. Every later change (Rotate, Prune, the
        /// setters, signing-key rotation) is written to the token at once; Export throws
        /// KeysInTokenException (back up the token). Dispose leaves the token objects in place.
        /// Throws Pkcs11NotBuiltException (the native library was built without the cargo
        /// feature pkcs11), TokenModuleNotFoundException, TokenAbsentException,
        /// TokenWrongPinException, TokenRingExistsException (a ring is already there under that
        /// prefix), TokenFailureException, MalformedInputException (an empty, too long or
        /// control-character prefix), InvalidPolicyException.</summary>
        public static ServerKeyRing GeneratePkcs11(Pkcs11TokenPlace place, Policy policy, PasswordCost passwordCost)
        {
            if (place == null) throw new ArgumentNullException("place");
            Pkcs11TokenPlace.Args a = place.Encode();
            KeyRingHandle h;
            uint s = Native.olr_server_key_ring_generate_pkcs11(a.Module, Interop.Len(a.ModuleLength), a.Token, Interop.Len(a.TokenLength),
                a.Pin, Interop.Len(a.PinLength), a.Prefix, Interop.Len(a.PrefixLength),
                (ushort)policy.ResetCodeLifetimeMinutes, (ushort)policy.ClockSkewMinutes,
                (uint)passwordCost.MemoryKib, (uint)passwordCost.Iterations, (uint)passwordCost.Parallelism, out h);
            return Own(s, h, default(ErrorDetails));
        }

        /// <summary>GeneratePkcs11 with the default policy and password cost.</summary>
        public static ServerKeyRing GeneratePkcs11(Pkcs11TokenPlace place) { return GeneratePkcs11(place, Policy.Default, PasswordCost.Default); }

        /// <summary>Opens the ring held in a PKCS#11 token under place.KeyLabelPrefix (made by
        /// GeneratePkcs11 or CopyToPkcs11), checking each key against its record. Throws
        /// TokenKeyMissingException (no ring under that prefix, or one of its keys is missing),
        /// and the exceptions of GeneratePkcs11.</summary>
        public static ServerKeyRing OpenPkcs11(Pkcs11TokenPlace place)
        {
            if (place == null) throw new ArgumentNullException("place");
            Pkcs11TokenPlace.Args a = place.Encode();
            KeyRingHandle h;
            uint s = Native.olr_server_key_ring_open_pkcs11(a.Module, Interop.Len(a.ModuleLength), a.Token, Interop.Len(a.TokenLength),
                a.Pin, Interop.Len(a.PinLength), a.Prefix, Interop.Len(a.PrefixLength), out h);
            return Own(s, h, default(ErrorDetails));
        }

        /// <summary>Copies this ring's keys into a PKCS#11 token and returns the ring held there (a
        /// new object; this one is unchanged and still the caller's to dispose): how a deployment
        /// moves its keys into an HSM without redeploying machines (same keys, same codes). Delete
        /// every copy of this ring's export afterwards. Throws KeysInTokenException (this ring is
        /// already held in a token), and the exceptions of GeneratePkcs11.</summary>
        public ServerKeyRing CopyToPkcs11(Pkcs11TokenPlace place)
        {
            if (place == null) throw new ArgumentNullException("place");
            Pkcs11TokenPlace.Args a = place.Encode();
            KeyRingHandle copy = null;
            uint s = Shared(() => Native.olr_server_key_ring_copy_to_pkcs11(h, a.Module, Interop.Len(a.ModuleLength), a.Token, Interop.Len(a.TokenLength),
                a.Pin, Interop.Len(a.PinLength), a.Prefix, Interop.Len(a.PrefixLength), out copy));
            return Own(s, copy, default(ErrorDetails));
        }

        /// <summary>Whether the ring's keys are held in a PKCS#11 token (then Export throws
        /// KeysInTokenException).</summary>
        public bool IsHeldInToken
        {
            get { return Shared(() => { byte b; Interop.Check(Native.olr_server_key_ring_is_held_in_token(h, out b)); return b != 0; }); }
        }

        /// <summary>Imports an export: wrapped (give its wrapping key) or plain (wrappingKey null).</summary>
        public static ServerKeyRing FromBytes(byte[] data, byte[] wrappingKey = null)
        {
            KeyRingHandle h;
            ErrorDetails d = default(ErrorDetails);
            uint s = Native.olr_server_key_ring_import(Interop.Bytes(data, "data"), Interop.Len(data.Length), Interop.Key(wrappingKey), Interop.Len(Interop.KeyLen(wrappingKey)), out h, ref d);
            return Own(s, h, d);
        }

        /// <summary>The ring as bytes, wrapped under wrappingKey (required: null is
        /// ArgumentNullException, a key of the wrong length InvalidKeyMaterialException; ExportPlain
        /// is the plain form). A ring held in a PKCS#11 token throws KeysInTokenException.</summary>
        public byte[] Export(byte[] wrappingKey)
        {
            Interop.RequiredKey(wrappingKey);
            return Shared(() => Interop.Export(wrappingKey, (byte[] k, UIntPtr kl, byte[] o, UIntPtr c, out UIntPtr n) => Native.olr_server_key_ring_export(h, k, kl, o, c, out n)));
        }

        /// <summary>The ring as bytes NOT wrapped: the secret keys in the clear (wipe the array
        /// after use). Only for storage the platform already protects as a whole, or tests; Export
        /// wraps. A ring held in a PKCS#11 token throws KeysInTokenException.</summary>
        public byte[] ExportPlain()
        {
            return Shared(() => Interop.Export(null, (byte[] k, UIntPtr kl, byte[] o, UIntPtr c, out UIntPtr n) => Native.olr_server_key_ring_export(h, k, kl, o, c, out n)));
        }

        public ResetCode SealResetCode(IdentificationCode identificationCode, Account account, string newPassword, long now)
        {
            return Seal(identificationCode, account, PasswordArg.From(newPassword), now);
        }

        /// <summary>Seals with a UTF-8 password the caller owns (and wipes).</summary>
        public ResetCode SealResetCode(IdentificationCode identificationCode, Account account, byte[] newPassword, long now)
        {
            return Seal(identificationCode, account, PasswordArg.From(newPassword), now);
        }

        /// <summary>SealResetCode with now as a DateTimeOffset (any offset; whole seconds, fractions dropped).</summary>
        public ResetCode SealResetCode(IdentificationCode identificationCode, Account account, string newPassword, DateTimeOffset now)
        {
            return Seal(identificationCode, account, PasswordArg.From(newPassword), Interop.UnixSeconds(now));
        }

        /// <summary>SealResetCode with a UTF-8 password the caller owns and now as a DateTimeOffset.</summary>
        public ResetCode SealResetCode(IdentificationCode identificationCode, Account account, byte[] newPassword, DateTimeOffset now)
        {
            return Seal(identificationCode, account, PasswordArg.From(newPassword), Interop.UnixSeconds(now));
        }

        ResetCode Seal(IdentificationCode id, Account account, PasswordArg pw, long now)
        {
            try
            {
                if (id == null) throw new ArgumentNullException("identificationCode");
                if (account == null) throw new ArgumentNullException("account");
                int il;
                byte[] idRaw = Interop.Utf8(id.Text, "identificationCode", out il);
                byte[] buf = new byte[OfflineResetLibrary.ResetCodeTextLength];
                UIntPtr n = UIntPtr.Zero;
                ErrorDetails d = default(ErrorDetails);
                uint s = Shared(() => Native.olr_server_key_ring_seal_reset_code(h, idRaw, Interop.Len(il),
                    account.TypedUsername, Interop.Len(account.TypedUsernameLength), account.TypedDomain, Interop.Len(account.TypedDomainLength),
                    account.SidArg, Interop.Len(account.SidLength), pw.Bytes, Interop.Len(pw.Length), now, buf, Interop.Len(buf.Length), out n, ref d));
                Interop.Check(s, d);
                return ResetCode.Trusted(Interop.Text(buf, n));
            }
            finally { pw.Wipe(); }
        }

        /// <summary>Makes a new generation current, retiring the previous one at now (unix
        /// seconds); returns the new epoch.</summary>
        public int Rotate(long now)
        {
            return Exclusive(() => { ushort e; Interop.Check(Native.olr_server_key_ring_rotate(h, now, out e)); return (int)e; });
        }

        /// <summary>Rotate at now as a DateTimeOffset (whole seconds).</summary>
        public int Rotate(DateTimeOffset now) { return Rotate(Interop.UnixSeconds(now)); }

        /// <summary>Erases retired generations whose grace period has ended at now (unix seconds).</summary>
        public void Prune(long now)
        {
            Exclusive(() => { Interop.Check(Native.olr_server_key_ring_prune(h, now)); return 0; });
        }

        /// <summary>Prune at now as a DateTimeOffset (whole seconds).</summary>
        public void Prune(DateTimeOffset now) { Prune(Interop.UnixSeconds(now)); }

        /// <summary>How long a generation retired from now on still seals codes (seconds; the
        /// window only shrinks: the library refuses nothing, but a retired key never comes back).</summary>
        public long RetiredGraceSeconds
        {
            get { return Shared(() => { uint v; Interop.Check(Native.olr_server_key_ring_retired_grace_seconds(h, out v)); return (long)v; }); }
            set { Exclusive(() => { Interop.Check(Native.olr_server_key_ring_set_retired_grace_seconds(h, checked((uint)value))); return 0; }); }
        }

        /// <summary>RetiredGraceSeconds as a TimeSpan (set: whole seconds, fractions dropped;
        /// negative is ArgumentOutOfRangeException, more than uint.MaxValue seconds OverflowException).</summary>
        public TimeSpan RetiredGracePeriod
        {
            get { return TimeSpan.FromSeconds(RetiredGraceSeconds); }
            set { RetiredGraceSeconds = Interop.Seconds(value, "value"); }
        }

        public Policy Policy
        {
            get { return Shared(() => { ushort l, s; Interop.Check(Native.olr_server_key_ring_policy(h, out l, out s)); return new Policy(l, s); }); }
            set { Exclusive(() => { Interop.Check(Native.olr_server_key_ring_set_policy(h, (ushort)value.ResetCodeLifetimeMinutes, (ushort)value.ClockSkewMinutes)); return 0; }); }
        }

        /// <summary>The failed-attempt limits the next deployment package carries (machines learn
        /// them only from a new package); each 1 to 1000, else InvalidPolicyException.</summary>
        public AttemptLimits AttemptLimits
        {
            get { return Shared(() => { ushort c, a; Interop.Check(Native.olr_server_key_ring_attempt_limits(h, out c, out a)); return new AttemptLimits(c, a); }); }
            set
            {
                // Out of the u16 range is out of the library's range: its own status, not a cast.
                ushort c = value.FailedOpensPerCode < 0 || value.FailedOpensPerCode > ushort.MaxValue ? (ushort)0 : (ushort)value.FailedOpensPerCode;
                ushort a = value.FailedOpensPerAccount < 0 || value.FailedOpensPerAccount > ushort.MaxValue ? (ushort)0 : (ushort)value.FailedOpensPerAccount;
                Exclusive(() => { Interop.Check(Native.olr_server_key_ring_set_attempt_limits(h, c, a)); return 0; });
            }
        }

        /// <summary>Begins a rotation of the deployment signing key: draws the next key. Packages
        /// made from now on are signed with the current key and name the next one; machines
        /// redeployed with such a package pin it. Does nothing when a rotation is under way.</summary>
        public void BeginSigningKeyRotation()
        {
            Exclusive(() => { Interop.Check(Native.olr_server_key_ring_begin_signing_key_rotation(h)); return 0; });
        }

        /// <summary>Finishes a signing-key rotation: the next key signs from now on and the old one
        /// is erased. Only after every machine took a package made since the rotation began: a
        /// machine that did not refuses later packages (PackageSignatureInvalidException) and must
        /// be enrolled afresh. Does nothing when no rotation is under way.</summary>
        public void FinishSigningKeyRotation()
        {
            Exclusive(() => { Interop.Check(Native.olr_server_key_ring_finish_signing_key_rotation(h)); return 0; });
        }

        /// <summary>The password cost of the generation for epoch (default: the current one).</summary>
        public PasswordCost GetPasswordCost(int? epoch = null)
        {
            return Shared(() =>
            {
                ushort e;
                if (epoch.HasValue) e = checked((ushort)epoch.Value);
                else Interop.Check(Native.olr_server_key_ring_current_epoch(h, out e));
                uint m, i, p;
                Interop.Check(Native.olr_server_key_ring_password_cost(h, e, out m, out i, out p));
                return new PasswordCost((int)m, (int)i, (int)p);
            });
        }

        /// <summary>The password cost of generations made from the next rotation on.</summary>
        public void SetPasswordCost(PasswordCost cost)
        {
            Exclusive(() => { Interop.Check(Native.olr_server_key_ring_set_password_cost(h, (uint)cost.MemoryKib, (uint)cost.Iterations, (uint)cost.Parallelism)); return 0; });
        }

        public int CurrentEpoch
        {
            get { return Shared(() => { ushort e; Interop.Check(Native.olr_server_key_ring_current_epoch(h, out e)); return (int)e; }); }
        }

        /// <summary>The epochs the ring holds, oldest first (the last is current).</summary>
        public int[] Epochs
        {
            get
            {
                return Shared(() =>
                {
                    ushort[] a = new ushort[OfflineResetLibrary.MaxGenerations];
                    UIntPtr n;
                    Interop.Check(Native.olr_server_key_ring_epochs(h, a, Interop.Len(a.Length), out n));
                    int[] r = new int[(int)n.ToUInt32()];
                    for (int i = 0; i < r.Length; i++) r[i] = a[i];
                    return r;
                });
            }
        }

        /// <summary>The deployment package text of the current generation (public).</summary>
        public string DeploymentPackage
        {
            get
            {
                return Shared(() =>
                {
                    byte[] buf = new byte[OfflineResetLibrary.DeploymentPackageTextLength];
                    UIntPtr n;
                    Interop.Check(Native.olr_server_key_ring_deployment_package(h, buf, Interop.Len(buf.Length), out n));
                    return Interop.Text(buf, n);
                });
            }
        }
    }

    /// <summary>The replay ledger of one enrollment (docs/PROTOCOL.md section 9.7): makes a
    /// reset code work once, limits failed attempts, refuses a clock set back. It is bound to the
    /// machine's enrollment. Machine.RedeemResetCode changes it on failures too: persist it
    /// (Export) after EVERY redeem, whatever the outcome, before showing the answer; then keep
    /// Generation where it cannot be rolled back with the file and pass it to FromBytes.</summary>
    public sealed class ReplayLedger : NativeObject
    {
        internal readonly LedgerHandle h;
        ReplayLedger(LedgerHandle h) : base(h) { this.h = h; }

        static LedgerHandle New(Machine machine)
        {
            if (machine == null) throw new ArgumentNullException("machine");
            LedgerHandle h = null;
            uint s = machine.Shared(() => Native.olr_replay_ledger_new(machine.h, out h));
            if (s != 0) { if (h != null) h.Dispose(); Interop.Check(s); }
            return h;
        }

        /// <summary>A new, empty ledger for this machine's enrollment (the first one, or after a
        /// redeployment to a new epoch). Never a silent replacement for a ledger that does not
        /// read: refuse resets until an administrator acts.</summary>
        public ReplayLedger(Machine machine) : this(New(machine)) { }

        /// <summary>Reads a ledger written by Export (wrappingKey: its key, or null for a plain
        /// one) for machine. minimumGeneration: the generation kept where it cannot be rolled back
        /// with the file (0 when there is none); an older copy is LedgerRolledBackException, a
        /// ledger of another machine or enrollment LedgerOfAnotherMachineException.</summary>
        public static ReplayLedger FromBytes(byte[] data, byte[] wrappingKey, Machine machine, ulong minimumGeneration)
        {
            if (data == null) throw new ArgumentNullException("data");
            if (machine == null) throw new ArgumentNullException("machine");
            LedgerHandle h = null;
            ErrorDetails d = default(ErrorDetails);
            uint s = machine.Shared(() => Native.olr_replay_ledger_import(Interop.Bytes(data, "data"), Interop.Len(data.Length), Interop.Key(wrappingKey), Interop.Len(Interop.KeyLen(wrappingKey)),
                machine.h, minimumGeneration, out h, ref d));
            if (s != 0) { if (h != null) h.Dispose(); Interop.Check(s, d); }
            return new ReplayLedger(h);
        }

        /// <summary>The ledger as bytes, wrapped under wrappingKey (required: null is
        /// ArgumentNullException, a key of the wrong length InvalidKeyMaterialException;
        /// ExportPlain is the plain form).</summary>
        public byte[] Export(byte[] wrappingKey)
        {
            Interop.RequiredKey(wrappingKey);
            return Shared(() => Interop.Export(wrappingKey, (byte[] k, UIntPtr kl, byte[] o, UIntPtr c, out UIntPtr n) => Native.olr_replay_ledger_export(h, k, kl, o, c, out n)));
        }

        /// <summary>The ledger as bytes NOT wrapped (no secret keys, but nothing stops an edit
        /// either): only for storage the platform already protects, or tests.</summary>
        public byte[] ExportPlain()
        {
            return Shared(() => Interop.Export(null, (byte[] k, UIntPtr kl, byte[] o, UIntPtr c, out UIntPtr n) => Native.olr_replay_ledger_export(h, k, kl, o, c, out n)));
        }

        /// <summary>Account records held (accounts with an accepted code or failed opens; at most
        /// OfflineResetLibrary.MaxLedgerAccounts).</summary>
        public int AccountCount { get { return Counts().Item1; } }

        /// <summary>Code records held (codes with failed opens; at most MaxLedgerCodes).</summary>
        public int CodeCount { get { return Counts().Item2; } }

        Tuple<int, int> Counts()
        {
            return Shared(() =>
            {
                UIntPtr a, c;
                Interop.Check(Native.olr_replay_ledger_counts(h, out a, out c));
                return Tuple.Create((int)a.ToUInt32(), (int)c.ToUInt32());
            });
        }

        /// <summary>Increased by one at every redeem that passed the clock check. After persisting
        /// the ledger, keep it where it cannot be rolled back with the file (a TPM NV counter, a
        /// registry value only SYSTEM writes) and pass it to FromBytes as minimumGeneration.</summary>
        public ulong Generation
        {
            get { return Shared(() => { ulong g; Interop.Check(Native.olr_replay_ledger_generation(h, out g)); return g; }); }
        }
    }

    /// <summary>One enrolled machine (it holds the machine key, wiped on Dispose).</summary>
    public sealed class Machine : NativeObject
    {
        internal readonly MachineHandle h;
        Machine(MachineHandle h) : base(h) { this.h = h; }

        static Machine Own(uint status, MachineHandle h, ErrorDetails d)
        {
            if (status != 0) { if (h != null) h.Dispose(); Interop.Check(status, d); }
            return new Machine(h);
        }

        /// <summary>Enrolls from a deployment package's text.</summary>
        public static Machine Enroll(string package)
        {
            int len;
            return EnrollRaw(Interop.Utf8(package, "package", out len), len);
        }

        /// <summary>Enrolls from the raw bytes of a deployment package file.</summary>
        public static Machine Enroll(byte[] package) { return EnrollRaw(Interop.Bytes(package, "package"), package.Length); }

        static Machine EnrollRaw(byte[] raw, int len)
        {
            MachineHandle h;
            ErrorDetails d = default(ErrorDetails);
            uint s = Native.olr_machine_enroll(raw, Interop.Len(len), out h, ref d);
            return Own(s, h, d);
        }

        /// <summary>Takes a later deployment package (its text) and returns the redeployed machine
        /// (a new object; this one is unchanged and still the caller's to dispose). The package
        /// must be signed by the key this machine pinned (PackageSignatureInvalidException) and
        /// its epoch must not be older (PackageEpochTooOldException, also for the same epoch with
        /// another server key or password cost). The same epoch keeps the identification code; a
        /// newer epoch enrolls a fresh key pair (a new identification code: start a new
        /// ReplayLedger). Package errors as Enroll.</summary>
        public Machine Redeploy(string package)
        {
            int len;
            return RedeployRaw(Interop.Utf8(package, "package", out len), len);
        }

        /// <summary>Redeploy from the raw bytes of a deployment package file.</summary>
        public Machine Redeploy(byte[] package) { return RedeployRaw(Interop.Bytes(package, "package"), package.Length); }

        Machine RedeployRaw(byte[] raw, int len)
        {
            MachineHandle m = null;
            ErrorDetails d = default(ErrorDetails);
            uint s = Shared(() => Native.olr_machine_redeploy(h, raw, Interop.Len(len), out m, ref d));
            return Own(s, m, d);
        }

        public static Machine FromBytes(byte[] data, byte[] wrappingKey = null)
        {
            MachineHandle h;
            ErrorDetails d = default(ErrorDetails);
            uint s = Native.olr_machine_import(Interop.Bytes(data, "data"), Interop.Len(data.Length), Interop.Key(wrappingKey), Interop.Len(Interop.KeyLen(wrappingKey)), out h, ref d);
            return Own(s, h, d);
        }

        /// <summary>The machine state, wrapped under wrappingKey (required: null is
        /// ArgumentNullException, a key of the wrong length InvalidKeyMaterialException;
        /// ExportPlain is the plain form).</summary>
        public byte[] Export(byte[] wrappingKey)
        {
            Interop.RequiredKey(wrappingKey);
            return Shared(() => Interop.Export(wrappingKey, (byte[] k, UIntPtr kl, byte[] o, UIntPtr c, out UIntPtr n) => Native.olr_machine_export(h, k, kl, o, c, out n)));
        }

        /// <summary>The machine state NOT wrapped: the machine key in the clear (wipe the array).
        /// Only for storage the platform already protects as a whole, or tests; Export wraps.</summary>
        public byte[] ExportPlain()
        {
            return Shared(() => Interop.Export(null, (byte[] k, UIntPtr kl, byte[] o, UIntPtr c, out UIntPtr n) => Native.olr_machine_export(h, k, kl, o, c, out n)));
        }

        public IdentificationCode IdentificationCode
        {
            get
            {
                string text = Shared(() =>
                {
                    byte[] buf = new byte[OfflineResetLibrary.IdentificationCodeTextLength];
                    UIntPtr n;
                    Interop.Check(Native.olr_machine_identification_code(h, buf, Interop.Len(buf.Length), out n));
                    return Interop.Text(buf, n);
                });
                return IdentificationCode.Trusted(text);
            }
        }

        public int Epoch
        {
            get { return Shared(() => { ushort e; Interop.Check(Native.olr_machine_epoch(h, out e)); return (int)e; }); }
        }

        public Policy Policy
        {
            get { return Shared(() => { ushort l, s; Interop.Check(Native.olr_machine_policy(h, out l, out s)); return new Policy(l, s); }); }
        }

        public PasswordCost PasswordCost
        {
            get { return Shared(() => { uint m, i, p; Interop.Check(Native.olr_machine_password_cost(h, out m, out i, out p)); return new PasswordCost((int)m, (int)i, (int)p); }); }
        }

        public bool IsEnrolledWith(string package)
        {
            int len;
            byte[] raw = Interop.Utf8(package, "package", out len);
            return Shared(() =>
            {
                byte b;
                ErrorDetails d = default(ErrorDetails);
                Interop.Check(Native.olr_machine_is_enrolled_with(h, raw, Interop.Len(len), out b, ref d), d);
                return b != 0;
            });
        }

        /// <summary>FOR DIAGNOSTICS ONLY: checks a typed reset code offline and counts nothing,
        /// records nothing (no replay protection, no attempt limits, no clock check). A login
        /// integration MUST NOT accept a reset with it: use RedeemResetCode.</summary>
        public AcceptedReset OpenResetCodeForDiagnostics(ResetCode code, Account account, string newPassword, long now)
        {
            return Open(null, code, account, PasswordArg.From(newPassword), now);
        }

        /// <summary>FOR DIAGNOSTICS ONLY, with a UTF-8 password the caller owns (and wipes).</summary>
        public AcceptedReset OpenResetCodeForDiagnostics(ResetCode code, Account account, byte[] newPassword, long now)
        {
            return Open(null, code, account, PasswordArg.From(newPassword), now);
        }

        /// <summary>FOR DIAGNOSTICS ONLY, with now as a DateTimeOffset (whole seconds).</summary>
        public AcceptedReset OpenResetCodeForDiagnostics(ResetCode code, Account account, string newPassword, DateTimeOffset now)
        {
            return Open(null, code, account, PasswordArg.From(newPassword), Interop.UnixSeconds(now));
        }

        /// <summary>FOR DIAGNOSTICS ONLY, with a UTF-8 password and now as a DateTimeOffset.</summary>
        public AcceptedReset OpenResetCodeForDiagnostics(ResetCode code, Account account, byte[] newPassword, DateTimeOffset now)
        {
            return Open(null, code, account, PasswordArg.From(newPassword), Interop.UnixSeconds(now));
        }

        /// <summary>Redeems the code against ledger (docs/PROTOCOL.md section 9.7): the call a
        /// login integration must use, with the cached account's username, domain and SID.
        /// Returning (no exception) is the only outcome that allows updating the cached
        /// credentials. The ledger counts the attempt before answering, so it changes on failures
        /// too: whatever the outcome, persist it (ReplayLedger.Export) before showing the answer
        /// or acting on it, and refuse the reset if persisting fails.</summary>
        public AcceptedReset RedeemResetCode(ReplayLedger ledger, ResetCode code, Account account, string newPassword, long now)
        {
            if (ledger == null) throw new ArgumentNullException("ledger");
            return Open(ledger, code, account, PasswordArg.From(newPassword), now);
        }

        public AcceptedReset RedeemResetCode(ReplayLedger ledger, ResetCode code, Account account, byte[] newPassword, long now)
        {
            if (ledger == null) throw new ArgumentNullException("ledger");
            return Open(ledger, code, account, PasswordArg.From(newPassword), now);
        }

        /// <summary>RedeemResetCode with now as a DateTimeOffset (any offset; whole seconds,
        /// fractions dropped), for example DateTimeOffset.UtcNow.</summary>
        public AcceptedReset RedeemResetCode(ReplayLedger ledger, ResetCode code, Account account, string newPassword, DateTimeOffset now)
        {
            return RedeemResetCode(ledger, code, account, newPassword, Interop.UnixSeconds(now));
        }

        /// <summary>RedeemResetCode with a UTF-8 password and now as a DateTimeOffset.</summary>
        public AcceptedReset RedeemResetCode(ReplayLedger ledger, ResetCode code, Account account, byte[] newPassword, DateTimeOffset now)
        {
            return RedeemResetCode(ledger, code, account, newPassword, Interop.UnixSeconds(now));
        }

        AcceptedReset Open(ReplayLedger ledger, ResetCode code, Account account, PasswordArg pw, long now)
        {
            try
            {
                if (code == null) throw new ArgumentNullException("code");
                if (account == null) throw new ArgumentNullException("account");
                int cl;
                byte[] raw = Interop.Utf8(code.Text, "code", out cl);
                AcceptedResetNative a = default(AcceptedResetNative);
                ErrorDetails d = default(ErrorDetails);
                uint s = Shared(() =>
                {
                    if (ledger == null)
                        return Native.olr_machine_open_reset_code_for_diagnostics(h, raw, Interop.Len(cl),
                            account.TypedUsername, Interop.Len(account.TypedUsernameLength), account.TypedDomain, Interop.Len(account.TypedDomainLength),
                            account.SidArg, Interop.Len(account.SidLength), pw.Bytes, Interop.Len(pw.Length), now, out a, ref d);
                    return ledger.Exclusive(() => Native.olr_machine_redeem_reset_code(h, ledger.h, raw, Interop.Len(cl),
                        account.TypedUsername, Interop.Len(account.TypedUsernameLength), account.TypedDomain, Interop.Len(account.TypedDomainLength),
                        account.SidArg, Interop.Len(account.SidLength), pw.Bytes, Interop.Len(pw.Length), now, out a, ref d));
                });
                Interop.Check(s, d);
                return new AcceptedReset(a.IssuedAt, a.ExpiresAt);
            }
            finally { pw.Wipe(); }
        }
    }
}

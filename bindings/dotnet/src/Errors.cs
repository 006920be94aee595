// Status numbers and the exception per status. Status is checked against include/offline_reset.h
// by tests/HeaderTests.cs (names and numbers).
using System;

namespace OfflineReset
{
    /// <summary><c>olr_status</c>: the C ABI's status numbers (stable, never reused). Every status
    /// has a name here, but NullPointer (100), BufferTooSmall (102), Panic (104) and InvalidUtf16
    /// (105) have no public exception class: the binding never passes a NULL pointer or a short
    /// buffer and never calls the UTF-16 functions, so only a bug (in the binding or a Panic in
    /// the library) can surface them, as an OfflineResetException whose Status names them.</summary>
    public enum Status : uint
    {
        Ok = 0,
        MalformedInput = 1,
        Mistyped = 2,
        UnsupportedVersion = 3,
        KeyRotated = 4,
        Expired = 5,
        NotYetValid = 6,
        Rejected = 7,
        InvalidKeyMaterial = 8,
        WrongWrappingKey = 9,
        RngFailure = 10,
        Truncated = 11,
        Corrupted = 12,
        WrongKind = 13,
        WrappingMismatch = 14,
        InvalidUsername = 15,
        InvalidDomain = 16,
        InvalidPassword = 17,
        InvalidPolicy = 18,
        TimeOutOfRange = 19,
        EpochsExhausted = 20,
        AlreadyUsed = 21,
        Superseded = 22,
        CodeBeforeRotation = 23,
        RedeployNeeded = 24,
        LedgerFull = 25,
        Utf16Text = 26,
        ClockSetBack = 27,
        TooManyAttempts = 28,
        LedgerOfAnotherMachine = 29,
        LedgerRolledBack = 30,
        PackageEpochTooOld = 31,
        PackageSignatureInvalid = 32,
        InvalidSid = 33,
        OutOfMemory = 34,
        Pkcs11NotBuilt = 35,
        TokenModuleNotFound = 36,
        TokenAbsent = 37,
        TokenWrongPin = 38,
        TokenKeyMissing = 39,
        TokenRingExists = 40,
        TokenFailure = 41,
        KeysInToken = 42,
        NullPointer = 100,
        InvalidUtf8 = 101,
        BufferTooSmall = 102,
        InvalidLength = 103,
        Panic = 104,
        InvalidUtf16 = 105,
    }

    /// <summary>A failure of the offline-reset library: the status, the library's message and the
    /// details of <c>olr_error_details</c> (zero when they do not apply).</summary>
    public class OfflineResetException : Exception
    {
        public OfflineResetException(Status status, string message, int mistypedGroup, int codeEpoch, int currentEpoch, int foundVersion)
            : base(message)
        {
            Status = status;
            MistypedGroup = mistypedGroup;
            CodeEpoch = codeEpoch;
            CurrentEpoch = currentEpoch;
            FoundVersion = foundVersion;
        }

        /// <summary>The status (an unknown number from a newer library is kept as is).</summary>
        public Status Status { get; private set; }
        /// <summary>Mistyped: the 1-based group to retype; 0 = the whole-code check.</summary>
        public int MistypedGroup { get; private set; }
        /// <summary>KeyRotated, CodeBeforeRotation, RedeployNeeded: the code's epoch.</summary>
        public int CodeEpoch { get; private set; }
        /// <summary>KeyRotated, CodeBeforeRotation, RedeployNeeded: the server's or machine's epoch.</summary>
        public int CurrentEpoch { get; private set; }
        /// <summary>UnsupportedVersion: the version found.</summary>
        public int FoundVersion { get; private set; }

        /// <summary>Statuses only a C caller (or a bug) causes: their exception classes are internal
        /// and callers see them as OfflineResetException with this Status.</summary>
        internal static bool InternalStatusClass(Status status)
        {
            return status == Status.NullPointer || status == Status.BufferTooSmall || status == Status.Panic || status == Status.InvalidUtf16;
        }

        /// <summary>The name of the exception class a status is thrown as: Status + "Exception",
        /// except OutOfMemory (OfflineResetOutOfMemoryException).</summary>
        internal static string ClassNameOf(Status status)
        {
            return status == Status.OutOfMemory ? "OfflineResetOutOfMemoryException" : status + "Exception";
        }

        internal static OfflineResetException Create(uint status, ErrorDetails d)
        {
            Status s = (Status)status;
            string m = OfflineResetLibrary.StatusMessage(status);
            int g = d.MistypedGroup, ce = d.CodeEpoch, cu = d.CurrentEpoch, fv = d.FoundVersion;
            switch (s)
            {
                case Status.MalformedInput: return new MalformedInputException(m, g, ce, cu, fv);
                case Status.Mistyped: return new MistypedException(m, g, ce, cu, fv);
                case Status.UnsupportedVersion: return new UnsupportedVersionException(m, g, ce, cu, fv);
                case Status.KeyRotated: return new KeyRotatedException(m, g, ce, cu, fv);
                case Status.Expired: return new ExpiredException(m, g, ce, cu, fv);
                case Status.NotYetValid: return new NotYetValidException(m, g, ce, cu, fv);
                case Status.Rejected: return new RejectedException(m, g, ce, cu, fv);
                case Status.InvalidKeyMaterial: return new InvalidKeyMaterialException(m, g, ce, cu, fv);
                case Status.WrongWrappingKey: return new WrongWrappingKeyException(m, g, ce, cu, fv);
                case Status.RngFailure: return new RngFailureException(m, g, ce, cu, fv);
                case Status.Truncated: return new TruncatedException(m, g, ce, cu, fv);
                case Status.Corrupted: return new CorruptedException(m, g, ce, cu, fv);
                case Status.WrongKind: return new WrongKindException(m, g, ce, cu, fv);
                case Status.WrappingMismatch: return new WrappingMismatchException(m, g, ce, cu, fv);
                case Status.InvalidUsername: return new InvalidUsernameException(m, g, ce, cu, fv);
                case Status.InvalidDomain: return new InvalidDomainException(m, g, ce, cu, fv);
                case Status.InvalidPassword: return new InvalidPasswordException(m, g, ce, cu, fv);
                case Status.InvalidPolicy: return new InvalidPolicyException(m, g, ce, cu, fv);
                case Status.TimeOutOfRange: return new TimeOutOfRangeException(m, g, ce, cu, fv);
                case Status.EpochsExhausted: return new EpochsExhaustedException(m, g, ce, cu, fv);
                case Status.AlreadyUsed: return new AlreadyUsedException(m, g, ce, cu, fv);
                case Status.Superseded: return new SupersededException(m, g, ce, cu, fv);
                case Status.CodeBeforeRotation: return new CodeBeforeRotationException(m, g, ce, cu, fv);
                case Status.RedeployNeeded: return new RedeployNeededException(m, g, ce, cu, fv);
                case Status.LedgerFull: return new LedgerFullException(m, g, ce, cu, fv);
                case Status.Utf16Text: return new Utf16TextException(m, g, ce, cu, fv);
                case Status.ClockSetBack: return new ClockSetBackException(m, g, ce, cu, fv);
                case Status.TooManyAttempts: return new TooManyAttemptsException(m, g, ce, cu, fv);
                case Status.LedgerOfAnotherMachine: return new LedgerOfAnotherMachineException(m, g, ce, cu, fv);
                case Status.LedgerRolledBack: return new LedgerRolledBackException(m, g, ce, cu, fv);
                case Status.PackageEpochTooOld: return new PackageEpochTooOldException(m, g, ce, cu, fv);
                case Status.PackageSignatureInvalid: return new PackageSignatureInvalidException(m, g, ce, cu, fv);
                case Status.InvalidSid: return new InvalidSidException(m, g, ce, cu, fv);
                case Status.OutOfMemory: return new OfflineResetOutOfMemoryException(m, g, ce, cu, fv);
                case Status.Pkcs11NotBuilt: return new Pkcs11NotBuiltException(m, g, ce, cu, fv);
                case Status.TokenModuleNotFound: return new TokenModuleNotFoundException(m, g, ce, cu, fv);
                case Status.TokenAbsent: return new TokenAbsentException(m, g, ce, cu, fv);
                case Status.TokenWrongPin: return new TokenWrongPinException(m, g, ce, cu, fv);
                case Status.TokenKeyMissing: return new TokenKeyMissingException(m, g, ce, cu, fv);
                case Status.TokenRingExists: return new TokenRingExistsException(m, g, ce, cu, fv);
                case Status.TokenFailure: return new TokenFailureException(m, g, ce, cu, fv);
                case Status.KeysInToken: return new KeysInTokenException(m, g, ce, cu, fv);
                case Status.NullPointer: return new NullPointerException(m, g, ce, cu, fv);
                case Status.InvalidUtf8: return new InvalidUtf8Exception(m, g, ce, cu, fv);
                case Status.BufferTooSmall: return new BufferTooSmallException(m, g, ce, cu, fv);
                case Status.InvalidLength: return new InvalidLengthException(m, g, ce, cu, fv);
                case Status.Panic: return new PanicException(m, g, ce, cu, fv);
                case Status.InvalidUtf16: return new InvalidUtf16Exception(m, g, ce, cu, fv);
                default: return new OfflineResetException(s, m, g, ce, cu, fv);
            }
        }
    }

    /// <summary>Status MalformedInput (1).</summary>
    public sealed class MalformedInputException : OfflineResetException
    {
        internal MalformedInputException(string m, int g, int ce, int cu, int fv) : base(Status.MalformedInput, m, g, ce, cu, fv) { }
    }

    /// <summary>Status Mistyped (2).</summary>
    public sealed class MistypedException : OfflineResetException
    {
        internal MistypedException(string m, int g, int ce, int cu, int fv) : base(Status.Mistyped, m, g, ce, cu, fv) { }
        /// <summary>The group to retype (1-based; 0 = the whole-code check).</summary>
        public int Group { get { return MistypedGroup; } }
    }

    /// <summary>Status UnsupportedVersion (3).</summary>
    public sealed class UnsupportedVersionException : OfflineResetException
    {
        internal UnsupportedVersionException(string m, int g, int ce, int cu, int fv) : base(Status.UnsupportedVersion, m, g, ce, cu, fv) { }
    }

    /// <summary>Status KeyRotated (4).</summary>
    public sealed class KeyRotatedException : OfflineResetException
    {
        internal KeyRotatedException(string m, int g, int ce, int cu, int fv) : base(Status.KeyRotated, m, g, ce, cu, fv) { }
    }

    /// <summary>Status Expired (5).</summary>
    public sealed class ExpiredException : OfflineResetException
    {
        internal ExpiredException(string m, int g, int ce, int cu, int fv) : base(Status.Expired, m, g, ce, cu, fv) { }
    }

    /// <summary>Status NotYetValid (6).</summary>
    public sealed class NotYetValidException : OfflineResetException
    {
        internal NotYetValidException(string m, int g, int ce, int cu, int fv) : base(Status.NotYetValid, m, g, ce, cu, fv) { }
    }

    /// <summary>Status Rejected (7).</summary>
    public sealed class RejectedException : OfflineResetException
    {
        internal RejectedException(string m, int g, int ce, int cu, int fv) : base(Status.Rejected, m, g, ce, cu, fv) { }
    }

    /// <summary>Status InvalidKeyMaterial (8).</summary>
    public sealed class InvalidKeyMaterialException : OfflineResetException
    {
        internal InvalidKeyMaterialException(string m, int g, int ce, int cu, int fv) : base(Status.InvalidKeyMaterial, m, g, ce, cu, fv) { }
    }

    /// <summary>Status WrongWrappingKey (9).</summary>
    public sealed class WrongWrappingKeyException : OfflineResetException
    {
        internal WrongWrappingKeyException(string m, int g, int ce, int cu, int fv) : base(Status.WrongWrappingKey, m, g, ce, cu, fv) { }
    }

    /// <summary>Status RngFailure (10).</summary>
    public sealed class RngFailureException : OfflineResetException
    {
        internal RngFailureException(string m, int g, int ce, int cu, int fv) : base(Status.RngFailure, m, g, ce, cu, fv) { }
    }

    /// <summary>Status Truncated (11).</summary>
    public sealed class TruncatedException : OfflineResetException
    {
        internal TruncatedException(string m, int g, int ce, int cu, int fv) : base(Status.Truncated, m, g, ce, cu, fv) { }
    }

    /// <summary>Status Corrupted (12).</summary>
    public sealed class CorruptedException : OfflineResetException
    {
        internal CorruptedException(string m, int g, int ce, int cu, int fv) : base(Status.Corrupted, m, g, ce, cu, fv) { }
    }

    /// <summary>Status WrongKind (13).</summary>
    public sealed class WrongKindException : OfflineResetException
    {
        internal WrongKindException(string m, int g, int ce, int cu, int fv) : base(Status.WrongKind, m, g, ce, cu, fv) { }
    }

    /// <summary>Status WrappingMismatch (14).</summary>
    public sealed class WrappingMismatchException : OfflineResetException
    {
        internal WrappingMismatchException(string m, int g, int ce, int cu, int fv) : base(Status.WrappingMismatch, m, g, ce, cu, fv) { }
    }

    /// <summary>Status InvalidUsername (15).</summary>
    public sealed class InvalidUsernameException : OfflineResetException
    {
        internal InvalidUsernameException(string m, int g, int ce, int cu, int fv) : base(Status.InvalidUsername, m, g, ce, cu, fv) { }
    }

    /// <summary>Status InvalidDomain (16).</summary>
    public sealed class InvalidDomainException : OfflineResetException
    {
        internal InvalidDomainException(string m, int g, int ce, int cu, int fv) : base(Status.InvalidDomain, m, g, ce, cu, fv) { }
    }

    /// <summary>Status InvalidPassword (17).</summary>
    public sealed class InvalidPasswordException : OfflineResetException
    {
        internal InvalidPasswordException(string m, int g, int ce, int cu, int fv) : base(Status.InvalidPassword, m, g, ce, cu, fv) { }
    }

    /// <summary>Status InvalidPolicy (18).</summary>
    public sealed class InvalidPolicyException : OfflineResetException
    {
        internal InvalidPolicyException(string m, int g, int ce, int cu, int fv) : base(Status.InvalidPolicy, m, g, ce, cu, fv) { }
    }

    /// <summary>Status TimeOutOfRange (19).</summary>
    public sealed class TimeOutOfRangeException : OfflineResetException
    {
        internal TimeOutOfRangeException(string m, int g, int ce, int cu, int fv) : base(Status.TimeOutOfRange, m, g, ce, cu, fv) { }
    }

    /// <summary>Status EpochsExhausted (20).</summary>
    public sealed class EpochsExhaustedException : OfflineResetException
    {
        internal EpochsExhaustedException(string m, int g, int ce, int cu, int fv) : base(Status.EpochsExhausted, m, g, ce, cu, fv) { }
    }

    /// <summary>Status AlreadyUsed (21).</summary>
    public sealed class AlreadyUsedException : OfflineResetException
    {
        internal AlreadyUsedException(string m, int g, int ce, int cu, int fv) : base(Status.AlreadyUsed, m, g, ce, cu, fv) { }
    }

    /// <summary>Status Superseded (22).</summary>
    public sealed class SupersededException : OfflineResetException
    {
        internal SupersededException(string m, int g, int ce, int cu, int fv) : base(Status.Superseded, m, g, ce, cu, fv) { }
    }

    /// <summary>Status CodeBeforeRotation (23).</summary>
    public sealed class CodeBeforeRotationException : OfflineResetException
    {
        internal CodeBeforeRotationException(string m, int g, int ce, int cu, int fv) : base(Status.CodeBeforeRotation, m, g, ce, cu, fv) { }
    }

    /// <summary>Status RedeployNeeded (24).</summary>
    public sealed class RedeployNeededException : OfflineResetException
    {
        internal RedeployNeededException(string m, int g, int ce, int cu, int fv) : base(Status.RedeployNeeded, m, g, ce, cu, fv) { }
    }

    /// <summary>Status LedgerFull (25).</summary>
    public sealed class LedgerFullException : OfflineResetException
    {
        internal LedgerFullException(string m, int g, int ce, int cu, int fv) : base(Status.LedgerFull, m, g, ce, cu, fv) { }
    }

    /// <summary>Status Utf16Text (26).</summary>
    public sealed class Utf16TextException : OfflineResetException
    {
        internal Utf16TextException(string m, int g, int ce, int cu, int fv) : base(Status.Utf16Text, m, g, ce, cu, fv) { }
    }

    /// <summary>Status ClockSetBack (27): now is earlier than a time the replay ledger already
    /// saw, by more than the clock skew.</summary>
    public sealed class ClockSetBackException : OfflineResetException
    {
        internal ClockSetBackException(string m, int g, int ce, int cu, int fv) : base(Status.ClockSetBack, m, g, ce, cu, fv) { }
    }

    /// <summary>Status TooManyAttempts (28): the failed-attempt limit of this reset code or this
    /// account is reached (the ledger counted the attempt: persist it).</summary>
    public sealed class TooManyAttemptsException : OfflineResetException
    {
        internal TooManyAttemptsException(string m, int g, int ce, int cu, int fv) : base(Status.TooManyAttempts, m, g, ce, cu, fv) { }
    }

    /// <summary>Status LedgerOfAnotherMachine (29): the replay ledger belongs to another machine
    /// or enrollment.</summary>
    public sealed class LedgerOfAnotherMachineException : OfflineResetException
    {
        internal LedgerOfAnotherMachineException(string m, int g, int ce, int cu, int fv) : base(Status.LedgerOfAnotherMachine, m, g, ce, cu, fv) { }
    }

    /// <summary>Status LedgerRolledBack (30): the ledger's generation is below the minimum given
    /// (an older copy).</summary>
    public sealed class LedgerRolledBackException : OfflineResetException
    {
        internal LedgerRolledBackException(string m, int g, int ce, int cu, int fv) : base(Status.LedgerRolledBack, m, g, ce, cu, fv) { }
    }

    /// <summary>Status PackageEpochTooOld (31): the deployment package's epoch is older than the
    /// machine's, or conflicts with it.</summary>
    public sealed class PackageEpochTooOldException : OfflineResetException
    {
        internal PackageEpochTooOldException(string m, int g, int ce, int cu, int fv) : base(Status.PackageEpochTooOld, m, g, ce, cu, fv) { }
    }

    /// <summary>Status PackageSignatureInvalid (32): the package's signature does not verify, or
    /// its signer is not the key the machine pinned.</summary>
    public sealed class PackageSignatureInvalidException : OfflineResetException
    {
        internal PackageSignatureInvalidException(string m, int g, int ce, int cu, int fv) : base(Status.PackageSignatureInvalid, m, g, ce, cu, fv) { }
    }

    /// <summary>Status InvalidSid (33): the account SID is not a well-formed binary SID.</summary>
    public sealed class InvalidSidException : OfflineResetException
    {
        internal InvalidSidException(string m, int g, int ce, int cu, int fv) : base(Status.InvalidSid, m, g, ce, cu, fv) { }
    }

    /// <summary>Status OutOfMemory (34): the memory for the password binding (Argon2id) could not
    /// be reserved (a redeem then leaves the ledger unchanged). The one class not named
    /// Status + "Exception": <c>OutOfMemoryException</c> would clash with
    /// <c>System.OutOfMemoryException</c> wherever both namespaces are imported.</summary>
    public sealed class OfflineResetOutOfMemoryException : OfflineResetException
    {
        internal OfflineResetOutOfMemoryException(string m, int g, int ce, int cu, int fv) : base(Status.OutOfMemory, m, g, ce, cu, fv) { }
    }

    /// <summary>Status Pkcs11NotBuilt (35): this build has no PKCS#11 support: the native
    /// library was built without the cargo feature <c>pkcs11</c> (ABI 2.1).</summary>
    public sealed class Pkcs11NotBuiltException : OfflineResetException
    {
        internal Pkcs11NotBuiltException(string m, int g, int ce, int cu, int fv) : base(Status.Pkcs11NotBuilt, m, g, ce, cu, fv) { }
    }

    /// <summary>Status TokenModuleNotFound (36): the PKCS#11 module could not be loaded or
    /// initialized (wrong path, not a PKCS#11 module).</summary>
    public sealed class TokenModuleNotFoundException : OfflineResetException
    {
        internal TokenModuleNotFoundException(string m, int g, int ce, int cu, int fv) : base(Status.TokenModuleNotFound, m, g, ce, cu, fv) { }
    }

    /// <summary>Status TokenAbsent (37): no slot of the PKCS#11 module holds a token with the given
    /// label.</summary>
    public sealed class TokenAbsentException : OfflineResetException
    {
        internal TokenAbsentException(string m, int g, int ce, int cu, int fv) : base(Status.TokenAbsent, m, g, ce, cu, fv) { }
    }

    /// <summary>Status TokenWrongPin (38): the token refused the PIN (wrong, expired or locked). The
    /// PIN is in no exception text.</summary>
    public sealed class TokenWrongPinException : OfflineResetException
    {
        internal TokenWrongPinException(string m, int g, int ce, int cu, int fv) : base(Status.TokenWrongPin, m, g, ce, cu, fv) { }
    }

    /// <summary>Status TokenKeyMissing (39): the token holds no key ring under the label prefix,
    /// or a key the ring names is missing or is not the one recorded.</summary>
    public sealed class TokenKeyMissingException : OfflineResetException
    {
        internal TokenKeyMissingException(string m, int g, int ce, int cu, int fv) : base(Status.TokenKeyMissing, m, g, ce, cu, fv) { }
    }

    /// <summary>Status TokenRingExists (40): the token already holds a key ring under the label
    /// prefix.</summary>
    public sealed class TokenRingExistsException : OfflineResetException
    {
        internal TokenRingExistsException(string m, int g, int ce, int cu, int fv) : base(Status.TokenRingExists, m, g, ce, cu, fv) { }
    }

    /// <summary>Status TokenFailure (41): the PKCS#11 token refused or failed an operation (not the
    /// PIN, not a missing key).</summary>
    public sealed class TokenFailureException : OfflineResetException
    {
        internal TokenFailureException(string m, int g, int ce, int cu, int fv) : base(Status.TokenFailure, m, g, ce, cu, fv) { }
    }

    /// <summary>Status KeysInToken (42): the key ring's keys are held in a PKCS#11 token and never
    /// leave it: it cannot be exported (back up the token), nor copied to another token.</summary>
    public sealed class KeysInTokenException : OfflineResetException
    {
        internal KeysInTokenException(string m, int g, int ce, int cu, int fv) : base(Status.KeysInToken, m, g, ce, cu, fv) { }
    }

    /// <summary>Status NullPointer (100): internal (see InternalStatusClass).</summary>
    internal sealed class NullPointerException : OfflineResetException
    {
        internal NullPointerException(string m, int g, int ce, int cu, int fv) : base(Status.NullPointer, m, g, ce, cu, fv) { }
    }

    /// <summary>Status InvalidUtf8 (101): a string is not valid UTF-16 (a lone surrogate), so it
    /// cannot be passed as UTF-8; thrown by the binding with the library's message.</summary>
    public sealed class InvalidUtf8Exception : OfflineResetException
    {
        internal InvalidUtf8Exception(string m, int g, int ce, int cu, int fv) : base(Status.InvalidUtf8, m, g, ce, cu, fv) { }
    }

    /// <summary>Status BufferTooSmall (102): internal (see InternalStatusClass).</summary>
    internal sealed class BufferTooSmallException : OfflineResetException
    {
        internal BufferTooSmallException(string m, int g, int ce, int cu, int fv) : base(Status.BufferTooSmall, m, g, ce, cu, fv) { }
    }

    /// <summary>Status InvalidLength (103): an input (text or bytes) is longer than the library
    /// reads (OLR_MAX_INPUT_LEN).</summary>
    public sealed class InvalidLengthException : OfflineResetException
    {
        internal InvalidLengthException(string m, int g, int ce, int cu, int fv) : base(Status.InvalidLength, m, g, ce, cu, fv) { }
    }

    /// <summary>Status Panic (104): internal (see InternalStatusClass).</summary>
    internal sealed class PanicException : OfflineResetException
    {
        internal PanicException(string m, int g, int ce, int cu, int fv) : base(Status.Panic, m, g, ce, cu, fv) { }
    }

    /// <summary>Status InvalidUtf16 (105): a string holds an unpaired surrogate. Only the C ABI's
    /// <c>_utf16</c> functions return it; this binding passes UTF-8 (a lone surrogate in a .NET
    /// string is InvalidUtf8Exception), so it never sees it: internal (see InternalStatusClass).</summary>
    internal sealed class InvalidUtf16Exception : OfflineResetException
    {
        internal InvalidUtf16Exception(string m, int g, int ce, int cu, int fv) : base(Status.InvalidUtf16, m, g, ce, cu, fv) { }
    }

}

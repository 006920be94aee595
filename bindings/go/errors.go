package offlinereset

/*
#include "offline_reset.h"
*/
import "C"

import (
	"errors"
	"fmt"
)

// Status is an olr_status number of the C ABI (stable, never reused). The constants take their
// values from include/offline_reset.h at compile time; header_test.go checks that every status of
// the header has its constant, its name and its sentinel error.
type Status uint32

// The statuses of include/offline_reset.h.
const (
	StatusOK                 Status = C.OLR_OK
	StatusMalformedInput     Status = C.OLR_MALFORMED_INPUT
	StatusMistyped           Status = C.OLR_MISTYPED
	StatusUnsupportedVersion Status = C.OLR_UNSUPPORTED_VERSION
	StatusKeyRotated         Status = C.OLR_KEY_ROTATED
	StatusExpired            Status = C.OLR_EXPIRED
	StatusNotYetValid        Status = C.OLR_NOT_YET_VALID
	StatusRejected           Status = C.OLR_REJECTED
	StatusInvalidKeyMaterial Status = C.OLR_INVALID_KEY_MATERIAL
	StatusWrongWrappingKey   Status = C.OLR_WRONG_WRAPPING_KEY
	StatusRngFailure         Status = C.OLR_RNG_FAILURE
	StatusTruncated          Status = C.OLR_TRUNCATED
	StatusCorrupted          Status = C.OLR_CORRUPTED
	StatusWrongKind          Status = C.OLR_WRONG_KIND
	StatusWrappingMismatch   Status = C.OLR_WRAPPING_MISMATCH
	StatusInvalidUsername    Status = C.OLR_INVALID_USERNAME
	StatusInvalidDomain      Status = C.OLR_INVALID_DOMAIN
	StatusInvalidPassword    Status = C.OLR_INVALID_PASSWORD
	StatusInvalidPolicy      Status = C.OLR_INVALID_POLICY
	StatusTimeOutOfRange     Status = C.OLR_TIME_OUT_OF_RANGE
	StatusEpochsExhausted    Status = C.OLR_EPOCHS_EXHAUSTED
	StatusAlreadyUsed        Status = C.OLR_ALREADY_USED
	StatusSuperseded         Status = C.OLR_SUPERSEDED
	StatusCodeBeforeRotation Status = C.OLR_CODE_BEFORE_ROTATION
	StatusRedeployNeeded     Status = C.OLR_REDEPLOY_NEEDED
	StatusLedgerFull         Status = C.OLR_LEDGER_FULL
	StatusUtf16Text          Status = C.OLR_UTF16_TEXT
	StatusNullPointer        Status = C.OLR_NULL_POINTER
	StatusInvalidUtf8        Status = C.OLR_INVALID_UTF8
	StatusBufferTooSmall     Status = C.OLR_BUFFER_TOO_SMALL
	StatusInvalidLength      Status = C.OLR_INVALID_LENGTH
	StatusPanic              Status = C.OLR_PANIC
	// StatusInvalidUtf16: a text of a _utf16 function holds an unpaired surrogate. Only the
	// UTF-16 entry points (the Windows login screen) return it; this binding passes UTF-8.
	StatusInvalidUtf16 Status = C.OLR_INVALID_UTF16

	// ABI 2.0 (machine-side trust).
	StatusClockSetBack            Status = C.OLR_CLOCK_SET_BACK
	StatusTooManyAttempts         Status = C.OLR_TOO_MANY_ATTEMPTS
	StatusLedgerOfAnotherMachine  Status = C.OLR_LEDGER_OF_ANOTHER_MACHINE
	StatusLedgerRolledBack        Status = C.OLR_LEDGER_ROLLED_BACK
	StatusPackageEpochTooOld      Status = C.OLR_PACKAGE_EPOCH_TOO_OLD
	StatusPackageSignatureInvalid Status = C.OLR_PACKAGE_SIGNATURE_INVALID
	StatusInvalidSid              Status = C.OLR_INVALID_SID
	StatusOutOfMemory             Status = C.OLR_OUT_OF_MEMORY

	// ABI 2.1 (server keys in a PKCS#11 token).
	StatusPkcs11NotBuilt      Status = C.OLR_PKCS11_NOT_BUILT
	StatusTokenModuleNotFound Status = C.OLR_TOKEN_MODULE_NOT_FOUND
	StatusTokenAbsent         Status = C.OLR_TOKEN_ABSENT
	StatusTokenWrongPin       Status = C.OLR_TOKEN_WRONG_PIN
	StatusTokenKeyMissing     Status = C.OLR_TOKEN_KEY_MISSING
	StatusTokenRingExists     Status = C.OLR_TOKEN_RING_EXISTS
	StatusTokenFailure        Status = C.OLR_TOKEN_FAILURE
	StatusKeysInToken         Status = C.OLR_KEYS_IN_TOKEN
)

// Error is every failure of the library: the status, the library's message (olr_status_message)
// and the details of olr_error_details. Use errors.Is with the sentinels (ErrMistyped, …) to test
// the kind, and errors.As to read the details:
//
//	var e *offlinereset.Error
//	if errors.As(err, &e) && e.Status == offlinereset.StatusMistyped { retype(e.Group) }
type Error struct {
	Status  Status
	Message string
	// Group: StatusMistyped, the 1-based group to retype (0: the whole-code check failed).
	Group uint8
	// CodeEpoch, CurrentEpoch: StatusKeyRotated, StatusCodeBeforeRotation, StatusRedeployNeeded
	// (current = the server's or the machine's epoch).
	CodeEpoch    uint16
	CurrentEpoch uint16
	// FoundVersion: StatusUnsupportedVersion, the version found.
	FoundVersion uint8

	sentinel bool
}

func (e *Error) Error() string {
	s := "offlinereset: " + e.Message
	switch {
	case e.Group != 0:
		s += fmt.Sprintf(" (group %d)", e.Group)
	case e.CodeEpoch != 0 || e.CurrentEpoch != 0:
		s += fmt.Sprintf(" (code epoch %d, current epoch %d)", e.CodeEpoch, e.CurrentEpoch)
	case e.FoundVersion != 0:
		s += fmt.Sprintf(" (version %d)", e.FoundVersion)
	}
	return s
}

// Is reports whether target is the sentinel of e's status, so errors.Is(err, ErrMistyped) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.sentinel && t.Status == e.Status
}

func sentinel(s Status) *Error {
	return &Error{Status: s, Message: StatusMessage(uint32(s)), sentinel: true}
}

// Sentinel errors, one per failing status: errors.Is(err, ErrKeyRotated).
var (
	ErrMalformedInput     = sentinel(StatusMalformedInput)
	ErrMistyped           = sentinel(StatusMistyped)
	ErrUnsupportedVersion = sentinel(StatusUnsupportedVersion)
	ErrKeyRotated         = sentinel(StatusKeyRotated)
	ErrExpired            = sentinel(StatusExpired)
	ErrNotYetValid        = sentinel(StatusNotYetValid)
	ErrRejected           = sentinel(StatusRejected)
	ErrInvalidKeyMaterial = sentinel(StatusInvalidKeyMaterial)
	ErrWrongWrappingKey   = sentinel(StatusWrongWrappingKey)
	ErrRngFailure         = sentinel(StatusRngFailure)
	ErrTruncated          = sentinel(StatusTruncated)
	ErrCorrupted          = sentinel(StatusCorrupted)
	ErrWrongKind          = sentinel(StatusWrongKind)
	ErrWrappingMismatch   = sentinel(StatusWrappingMismatch)
	ErrInvalidUsername    = sentinel(StatusInvalidUsername)
	ErrInvalidDomain      = sentinel(StatusInvalidDomain)
	ErrInvalidPassword    = sentinel(StatusInvalidPassword)
	ErrInvalidPolicy      = sentinel(StatusInvalidPolicy)
	ErrTimeOutOfRange     = sentinel(StatusTimeOutOfRange)
	ErrEpochsExhausted    = sentinel(StatusEpochsExhausted)
	ErrAlreadyUsed        = sentinel(StatusAlreadyUsed)
	ErrSuperseded         = sentinel(StatusSuperseded)
	ErrCodeBeforeRotation = sentinel(StatusCodeBeforeRotation)
	ErrRedeployNeeded     = sentinel(StatusRedeployNeeded)
	ErrLedgerFull         = sentinel(StatusLedgerFull)
	ErrUtf16Text          = sentinel(StatusUtf16Text)
	ErrNullPointer        = sentinel(StatusNullPointer)
	ErrInvalidUtf8        = sentinel(StatusInvalidUtf8)
	ErrBufferTooSmall     = sentinel(StatusBufferTooSmall)
	ErrInvalidLength      = sentinel(StatusInvalidLength)
	ErrPanic              = sentinel(StatusPanic)
	ErrInvalidUtf16       = sentinel(StatusInvalidUtf16)

	// ABI 2.0 (machine-side trust).
	ErrClockSetBack            = sentinel(StatusClockSetBack)
	ErrTooManyAttempts         = sentinel(StatusTooManyAttempts)
	ErrLedgerOfAnotherMachine  = sentinel(StatusLedgerOfAnotherMachine)
	ErrLedgerRolledBack        = sentinel(StatusLedgerRolledBack)
	ErrPackageEpochTooOld      = sentinel(StatusPackageEpochTooOld)
	ErrPackageSignatureInvalid = sentinel(StatusPackageSignatureInvalid)
	ErrInvalidSid              = sentinel(StatusInvalidSid)
	ErrOutOfMemory             = sentinel(StatusOutOfMemory)

	// ABI 2.1 (server keys in a PKCS#11 token). ErrPkcs11NotBuilt: the library was built
	// without the cargo feature pkcs11.
	ErrPkcs11NotBuilt      = sentinel(StatusPkcs11NotBuilt)
	ErrTokenModuleNotFound = sentinel(StatusTokenModuleNotFound)
	ErrTokenAbsent         = sentinel(StatusTokenAbsent)
	ErrTokenWrongPin       = sentinel(StatusTokenWrongPin)
	ErrTokenKeyMissing     = sentinel(StatusTokenKeyMissing)
	ErrTokenRingExists     = sentinel(StatusTokenRingExists)
	ErrTokenFailure        = sentinel(StatusTokenFailure)
	ErrKeysInToken         = sentinel(StatusKeysInToken)
)

// ErrClosed is returned by every method of a ServerKeyRing, Machine or ReplayLedger that returns
// an error, after Close. The getters that cannot fail (Epoch, Policy, IdentificationCode,
// Generation, …) return values instead and panic after Close, with an error wrapping ErrClosed.
var ErrClosed = errors.New("offlinereset: object is closed")

// ErrNoWrappingKey: Export was given no wrapping key. A plain (unwrapped) export, which holds
// the secrets in the clear, is never made by accident: it is ExportPlain.
var ErrNoWrappingKey = errors.New("offlinereset: Export needs a wrapping key (a plain export is ExportPlain)")

// statusNames: the header's names (without OLR_), and each status's sentinel.
var statusNames = map[Status]string{
	StatusOK: "OK", StatusMalformedInput: "MALFORMED_INPUT", StatusMistyped: "MISTYPED",
	StatusUnsupportedVersion: "UNSUPPORTED_VERSION", StatusKeyRotated: "KEY_ROTATED",
	StatusExpired: "EXPIRED", StatusNotYetValid: "NOT_YET_VALID", StatusRejected: "REJECTED",
	StatusInvalidKeyMaterial: "INVALID_KEY_MATERIAL", StatusWrongWrappingKey: "WRONG_WRAPPING_KEY",
	StatusRngFailure: "RNG_FAILURE", StatusTruncated: "TRUNCATED", StatusCorrupted: "CORRUPTED",
	StatusWrongKind: "WRONG_KIND", StatusWrappingMismatch: "WRAPPING_MISMATCH",
	StatusInvalidUsername: "INVALID_USERNAME", StatusInvalidDomain: "INVALID_DOMAIN",
	StatusInvalidPassword: "INVALID_PASSWORD", StatusInvalidPolicy: "INVALID_POLICY",
	StatusTimeOutOfRange: "TIME_OUT_OF_RANGE", StatusEpochsExhausted: "EPOCHS_EXHAUSTED",
	StatusAlreadyUsed: "ALREADY_USED", StatusSuperseded: "SUPERSEDED",
	StatusCodeBeforeRotation: "CODE_BEFORE_ROTATION", StatusRedeployNeeded: "REDEPLOY_NEEDED",
	StatusLedgerFull: "LEDGER_FULL", StatusUtf16Text: "UTF16_TEXT",
	StatusClockSetBack: "CLOCK_SET_BACK", StatusTooManyAttempts: "TOO_MANY_ATTEMPTS",
	StatusLedgerOfAnotherMachine: "LEDGER_OF_ANOTHER_MACHINE", StatusLedgerRolledBack: "LEDGER_ROLLED_BACK",
	StatusPackageEpochTooOld: "PACKAGE_EPOCH_TOO_OLD", StatusPackageSignatureInvalid: "PACKAGE_SIGNATURE_INVALID",
	StatusInvalidSid: "INVALID_SID", StatusOutOfMemory: "OUT_OF_MEMORY",
	StatusPkcs11NotBuilt: "PKCS11_NOT_BUILT", StatusTokenModuleNotFound: "TOKEN_MODULE_NOT_FOUND",
	StatusTokenAbsent: "TOKEN_ABSENT", StatusTokenWrongPin: "TOKEN_WRONG_PIN",
	StatusTokenKeyMissing: "TOKEN_KEY_MISSING", StatusTokenRingExists: "TOKEN_RING_EXISTS",
	StatusTokenFailure: "TOKEN_FAILURE", StatusKeysInToken: "KEYS_IN_TOKEN", StatusNullPointer: "NULL_POINTER",
	StatusInvalidUtf8: "INVALID_UTF8", StatusBufferTooSmall: "BUFFER_TOO_SMALL",
	StatusInvalidLength: "INVALID_LENGTH", StatusPanic: "PANIC", StatusInvalidUtf16: "INVALID_UTF16",
}

var sentinels = map[Status]*Error{
	StatusMalformedInput: ErrMalformedInput, StatusMistyped: ErrMistyped,
	StatusUnsupportedVersion: ErrUnsupportedVersion, StatusKeyRotated: ErrKeyRotated,
	StatusExpired: ErrExpired, StatusNotYetValid: ErrNotYetValid, StatusRejected: ErrRejected,
	StatusInvalidKeyMaterial: ErrInvalidKeyMaterial, StatusWrongWrappingKey: ErrWrongWrappingKey,
	StatusRngFailure: ErrRngFailure, StatusTruncated: ErrTruncated, StatusCorrupted: ErrCorrupted,
	StatusWrongKind: ErrWrongKind, StatusWrappingMismatch: ErrWrappingMismatch,
	StatusInvalidUsername: ErrInvalidUsername, StatusInvalidDomain: ErrInvalidDomain,
	StatusInvalidPassword: ErrInvalidPassword, StatusInvalidPolicy: ErrInvalidPolicy,
	StatusTimeOutOfRange: ErrTimeOutOfRange, StatusEpochsExhausted: ErrEpochsExhausted,
	StatusAlreadyUsed: ErrAlreadyUsed, StatusSuperseded: ErrSuperseded,
	StatusCodeBeforeRotation: ErrCodeBeforeRotation, StatusRedeployNeeded: ErrRedeployNeeded,
	StatusLedgerFull: ErrLedgerFull, StatusUtf16Text: ErrUtf16Text,
	StatusClockSetBack: ErrClockSetBack, StatusTooManyAttempts: ErrTooManyAttempts,
	StatusLedgerOfAnotherMachine: ErrLedgerOfAnotherMachine, StatusLedgerRolledBack: ErrLedgerRolledBack,
	StatusPackageEpochTooOld: ErrPackageEpochTooOld, StatusPackageSignatureInvalid: ErrPackageSignatureInvalid,
	StatusInvalidSid: ErrInvalidSid, StatusOutOfMemory: ErrOutOfMemory,
	StatusPkcs11NotBuilt: ErrPkcs11NotBuilt, StatusTokenModuleNotFound: ErrTokenModuleNotFound,
	StatusTokenAbsent: ErrTokenAbsent, StatusTokenWrongPin: ErrTokenWrongPin,
	StatusTokenKeyMissing: ErrTokenKeyMissing, StatusTokenRingExists: ErrTokenRingExists,
	StatusTokenFailure: ErrTokenFailure, StatusKeysInToken: ErrKeysInToken, StatusNullPointer: ErrNullPointer,
	StatusInvalidUtf8: ErrInvalidUtf8, StatusBufferTooSmall: ErrBufferTooSmall,
	StatusInvalidLength: ErrInvalidLength, StatusPanic: ErrPanic, StatusInvalidUtf16: ErrInvalidUtf16,
}

// String is the header's name without OLR_ ("KEY_ROTATED"), or "Status(n)" for a number this
// binding does not know (a newer library).
func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("Status(%d)", uint32(s))
}

// makeError turns a failing status and its details into an *Error; nil for StatusOK.
func makeError(status C.olr_status, d *C.olr_error_details) error {
	if status == C.OLR_OK {
		return nil
	}
	e := &Error{Status: Status(status), Message: StatusMessage(uint32(status))}
	if d != nil {
		e.Group = uint8(d.mistyped_group)
		e.CodeEpoch = uint16(d.code_epoch)
		e.CurrentEpoch = uint16(d.current_epoch)
		e.FoundVersion = uint8(d.found_version)
	}
	return e
}

// linkedStatusName is the library's olr_status_name (NULL for an unknown number: ""), for the
// test that compares it with Status.String.
func linkedStatusName(s Status) string {
	p := C.olr_status_name(C.uint32_t(s))
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// cStatus converts a number to olr_status (for the tests: cgo cannot be used in _test.go files).
func cStatus(n uint32) C.olr_status { return C.olr_status(n) }

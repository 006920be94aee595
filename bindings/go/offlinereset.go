package offlinereset

/*
#include <stdlib.h>
#include "offline_reset.h"
*/
import "C"

import (
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// ABIVersion is the C ABI this binding was written for: (major << 16) | minor, ABI 2.1.
const ABIVersion uint32 = 2<<16 | 1

// Lengths of the C ABI (include/offline_reset.h).
const (
	IdentificationCodeTextLen = C.OLR_IDENTIFICATION_CODE_TEXT_LEN
	ResetCodeTextLen          = C.OLR_RESET_CODE_TEXT_LEN
	DeploymentPackageTextLen  = C.OLR_DEPLOYMENT_PACKAGE_TEXT_LEN
	WrappingKeyLen            = C.OLR_WRAPPING_KEY_LEN
	MaxNameLen                = C.OLR_MAX_NAME_LEN
	MaxPasswordLen            = C.OLR_MAX_PASSWORD_LEN
	MaxGenerations            = C.OLR_MAX_GENERATIONS
	// MaxLedgerAccounts, MaxLedgerCodes: the account and code records a replay ledger holds;
	// a redeem needing one more fails with ErrLedgerFull.
	MaxLedgerAccounts = C.OLR_MAX_LEDGER_ACCOUNTS
	MaxLedgerCodes    = C.OLR_MAX_LEDGER_CODES
	// MinSIDLen, MaxSIDLen: a binary SID (revision 1, 1 to 15 sub-authorities) is 12 to 68 bytes.
	MinSIDLen = C.OLR_MIN_SID_LEN
	MaxSIDLen = C.OLR_MAX_SID_LEN
	// PackageFingerprintLen: the characters of DeploymentPackageFingerprint (hex SHA-256).
	PackageFingerprintLen = C.OLR_PACKAGE_FINGERPRINT_LEN
	// Largest exports (wrapped): machine state, server key ring, replay ledger.
	MachineStateMaxLen  = C.OLR_MACHINE_STATE_MAX_LEN
	ServerKeyRingMaxLen = C.OLR_SERVER_KEY_RING_MAX_LEN
	ReplayLedgerMaxLen  = C.OLR_REPLAY_LEDGER_MAX_LEN
)

// ErrIncompatibleLibrary: the linked library does not serve callers built for ABIVersion (for
// example an ABI 1.x library, whose functions take no SID). The package does not panic at
// initialization: the first call that can fail returns this error (an *ABIError naming both
// versions; errors.Is(err, ErrIncompatibleLibrary)), and so does every later one. The library is
// linked at build time, so a library that is missing altogether is the dynamic loader's error,
// before main.
var ErrIncompatibleLibrary = errors.New("offlinereset: the linked library's C ABI is incompatible")

// ABIError is the error of every call when the linked library's C ABI is not compatible.
type ABIError struct {
	Linked, Wanted uint32 // (major << 16) | minor
}

func (e *ABIError) Error() string {
	return fmt.Sprintf("offlinereset: the linked library has C ABI %d.%d, this binding needs %d.%d",
		e.Linked>>16, e.Linked&0xffff, e.Wanted>>16, e.Wanted&0xffff)
}

// Is makes errors.Is(err, ErrIncompatibleLibrary) true.
func (e *ABIError) Is(target error) bool { return target == ErrIncompatibleLibrary }

// abiCheck is the ABI check of the first call, done once (docs/BINDINGS.md §6: refuse to load,
// in Go's form: an error from the first call, never a panic at initialization).
type abiCheck struct {
	want uint32
	once sync.Once
	err  error
}

// abi: the tests swap it for one wanting another ABI.
var abi = &abiCheck{want: ABIVersion}

// ready is nil when the linked library serves this binding, else its *ABIError. Every exported
// function that can fail calls it first (except the methods of handles, which exist only after a
// constructor called it); header_test.go checks that.
func ready() error {
	a := abi
	a.once.Do(func() { a.err = checkABI(a.want) })
	return a.err
}

// checkABI asks the linked library whether it serves callers built for ABI want.
func checkABI(want uint32) error {
	if !bool(C.olr_abi_is_compatible(C.uint32_t(want))) {
		return &ABIError{Linked: uint32(C.olr_abi_version()), Wanted: want}
	}
	return nil
}

// emptyInput is a valid non-NULL pointer for zero-length inputs (the C API refuses NULL even
// with length 0). It is C memory, allocated once and never written.
var emptyInput = (*C.char)(C.malloc(1))

// str passes a Go string's bytes to C without a copy (C only reads them during the call). No
// copy is made, so there is nothing to wipe; Go strings themselves cannot be wiped.
func str(s string) (*C.char, C.size_t) {
	if len(s) == 0 {
		return emptyInput, 0
	}
	return (*C.char)(*(*unsafe.Pointer)(unsafe.Pointer(&s))), C.size_t(len(s))
}

// byt passes a byte slice without a copy; nil stays NULL (an absent wrapping key).
func byt(b []byte) (*C.char, C.size_t) {
	if b == nil {
		return nil, 0
	}
	if len(b) == 0 {
		return emptyInput, 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

func ubyt(b []byte) (*C.uint8_t, C.size_t) {
	p, n := byt(b)
	return (*C.uint8_t)(unsafe.Pointer(p)), n
}

// linkedLimits are the linked library's sizes and limits (its _len and max functions), for the
// test that compares them with the header this package was compiled against.
func linkedLimits() map[string]int {
	return map[string]int{
		"IDENTIFICATION_CODE_TEXT_LEN": int(C.olr_identification_code_text_len()),
		"RESET_CODE_TEXT_LEN":          int(C.olr_reset_code_text_len()),
		"DEPLOYMENT_PACKAGE_TEXT_LEN":  int(C.olr_deployment_package_text_len()),
		"WRAPPING_KEY_LEN":             int(C.olr_wrapping_key_len()),
		"MACHINE_STATE_MAX_LEN":        int(C.olr_machine_state_max_len()),
		"SERVER_KEY_RING_MAX_LEN":      int(C.olr_server_key_ring_max_len()),
		"MAX_LEDGER_ACCOUNTS":          int(C.olr_max_ledger_accounts()),
		"MAX_LEDGER_CODES":             int(C.olr_max_ledger_codes()),
		"REPLAY_LEDGER_MAX_LEN":        int(C.olr_replay_ledger_max_len()),
		"MAX_GENERATIONS":              int(C.olr_max_generations()),
		"MAX_NAME_LEN":                 int(C.olr_max_name_len()),
		"MAX_PASSWORD_LEN":             int(C.olr_max_password_len()),
		"MAX_INPUT_LEN":                int(C.olr_max_input_len()),
	}
}

// StatusMessage is the library's static English message for any status number.
func StatusMessage(status uint32) string {
	return C.GoString(C.olr_status_message(C.uint32_t(status)))
}

// Version is the linked library's version, such as "0.1.0".
func Version() string { return C.GoString(C.olr_version()) }

// LinkedABIVersion is the linked library's C ABI version ((major << 16) | minor).
func LinkedABIVersion() uint32 { return uint32(C.olr_abi_version()) }

// ProtocolVersion is the protocol version carried in every code.
func ProtocolVersion() uint8 { return uint8(C.olr_protocol_version()) }

// Policy is a key ring's reset-code lifetime and allowed clock skew, in minutes.
type Policy struct {
	ResetCodeLifetimeMinutes uint16
	ClockSkewMinutes         uint16
}

// ResetCodeLifetime is ResetCodeLifetimeMinutes as a time.Duration.
func (p Policy) ResetCodeLifetime() time.Duration {
	return time.Duration(p.ResetCodeLifetimeMinutes) * time.Minute
}

// ClockSkew is ClockSkewMinutes as a time.Duration.
func (p Policy) ClockSkew() time.Duration { return time.Duration(p.ClockSkewMinutes) * time.Minute }

// DefaultPolicy: 24 hours, 10 minutes.
func DefaultPolicy() Policy {
	return Policy{C.OLR_DEFAULT_LIFETIME_MINUTES, C.OLR_DEFAULT_CLOCK_SKEW_MINUTES}
}

// PasswordCost is the Argon2id cost of binding a new password: every seal and open runs it once.
type PasswordCost struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint32
}

// DefaultPasswordCost: 64 MiB, 3 passes, 1 lane.
func DefaultPasswordCost() PasswordCost {
	return PasswordCost{C.OLR_DEFAULT_PASSWORD_MEMORY_KIB, C.OLR_DEFAULT_PASSWORD_ITERATIONS, C.OLR_DEFAULT_PASSWORD_PARALLELISM}
}

// MinimumPasswordCost: the cheapest cost allowed (19 MiB, 2 passes, 1 lane), for tests.
func MinimumPasswordCost() PasswordCost {
	return PasswordCost{C.OLR_MIN_PASSWORD_MEMORY_KIB, C.OLR_MIN_PASSWORD_ITERATIONS, 1}
}

// AttemptLimits are the failed opens a machine allows per reset code and per account within one
// code lifetime (docs/PROTOCOL.md §9.7; each 1 to 1000, defaults 5 and 20), after which redeem
// answers ErrTooManyAttempts. The key ring sets them; machines learn them from a new package.
type AttemptLimits struct {
	FailedOpensPerCode    uint16
	FailedOpensPerAccount uint16
}

// TokenPlace says where a key ring is held in a PKCS#11 token (ABI 2.1): the module to load
// (for example "/usr/lib/softhsm/libsofthsm2.so"), the label of the token, the user PIN (the
// bytes as the token takes them: passed to the library without a copy, used to log in and not
// kept; the caller wipes its buffer) and the label prefix of the ring's objects in the token
// (1 to 64 bytes). Its String and GoString leave the PIN out, so formatting a TokenPlace with
// fmt (%v, %+v, %#v) never prints it.
type TokenPlace struct {
	ModulePath     string
	TokenLabel     string
	PIN            []byte
	KeyLabelPrefix string
}

// String is the place without the PIN.
func (p TokenPlace) String() string {
	return fmt.Sprintf("{ModulePath:%q TokenLabel:%q PIN:<hidden> KeyLabelPrefix:%q}", p.ModulePath, p.TokenLabel, p.KeyLabelPrefix)
}

// GoString is the place without the PIN, for %#v.
func (p TokenPlace) GoString() string {
	return fmt.Sprintf("offlinereset.TokenPlace{ModulePath:%q, TokenLabel:%q, PIN:<hidden>, KeyLabelPrefix:%q}", p.ModulePath, p.TokenLabel, p.KeyLabelPrefix)
}

// args are the place as the C functions take it (the PIN without a copy; keep place.PIN alive
// until the call returns).
func (p TokenPlace) args() (mp *C.char, mn C.size_t, tp *C.char, tn C.size_t, pp *C.uint8_t, pn C.size_t, lp *C.char, ln C.size_t) {
	mp, mn = str(p.ModulePath)
	tp, tn = str(p.TokenLabel)
	pin, pn := byt(p.PIN)
	if pin == nil {
		pin = emptyInput
	}
	lp, ln = str(p.KeyLabelPrefix)
	return mp, mn, tp, tn, (*C.uint8_t)(unsafe.Pointer(pin)), pn, lp, ln
}

// unixSeconds is t as the library takes time: whole unix seconds (t.Unix()). The zero Time and
// other times out of the library's range (2025 to 2152) are ErrTimeOutOfRange, from the library.
func unixSeconds(t time.Time) int64 { return t.Unix() }

// AcceptedReset is what a machine learns from a reset code that opened (unix seconds).
type AcceptedReset struct {
	IssuedAt  int64
	ExpiresAt int64
}

// Issued is IssuedAt as a time.Time.
func (a AcceptedReset) Issued() time.Time { return time.Unix(a.IssuedAt, 0) }

// Expires is ExpiresAt as a time.Time.
func (a AcceptedReset) Expires() time.Time { return time.Unix(a.ExpiresAt, 0) }

// DeploymentPackageInfo is the epoch and policy a deployment package carries.
type DeploymentPackageInfo struct {
	Epoch  uint16
	Policy Policy
}

// CheckDeploymentPackage reads a deployment package (its text, or the raw bytes of the file as a
// string) without enrolling.
func CheckDeploymentPackage(pkg string) (DeploymentPackageInfo, error) {
	if err := ready(); err != nil {
		return DeploymentPackageInfo{}, err
	}
	p, n := str(pkg)
	var epoch, lifetime, skew C.uint16_t
	var d C.olr_error_details
	if err := makeError(C.olr_deployment_package_check(p, n, &epoch, &lifetime, &skew, &d), &d); err != nil {
		return DeploymentPackageInfo{}, err
	}
	return DeploymentPackageInfo{uint16(epoch), Policy{uint16(lifetime), uint16(skew)}}, nil
}

// DeploymentPackageFingerprint is the package's fingerprint (docs/PROTOCOL.md §8): the lowercase
// hexadecimal SHA-256 of its envelope, PackageFingerprintLen characters, the same for every text
// of one package. Compare it with the server's before the first deployment. Package errors as
// CheckDeploymentPackage.
func DeploymentPackageFingerprint(pkg string) (string, error) {
	if err := ready(); err != nil {
		return "", err
	}
	p, n := str(pkg)
	var buf [PackageFingerprintLen + 1]byte
	var outLen C.size_t
	var d C.olr_error_details
	status := C.olr_deployment_package_fingerprint(p, n, (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)), &outLen, &d)
	if err := makeError(status, &d); err != nil {
		return "", err
	}
	return string(buf[:outLen]), nil
}

// GenerateWrappingKey is a fresh random wrapping key (64 bytes) from the OS RNG. Wipe it after use.
func GenerateWrappingKey() ([]byte, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	out := make([]byte, WrappingKeyLen)
	var n C.size_t
	p, _ := ubyt(out)
	if err := makeError(C.olr_wrapping_key_generate(p, C.size_t(len(out)), &n), nil); err != nil {
		return nil, err
	}
	return out[:n], nil
}

// DefaultOfflineDomain is the offline user domain for a user's FQDN when none was typed
// ("corp.example.com" gives "CORP").
func DefaultOfflineDomain(fqdn string) (string, error) {
	if err := ready(); err != nil {
		return "", err
	}
	p, n := str(fqdn)
	var buf [MaxNameLen]byte
	var outLen C.size_t
	if err := makeError(C.olr_default_offline_domain(p, n, (*C.char)(unsafe.Pointer(&buf[0])), MaxNameLen, &outLen), nil); err != nil {
		return "", err
	}
	return string(buf[:outLen]), nil
}

// NameProblem says what is wrong with a typed username or offline domain (olr_name_problem_code).
type NameProblem uint32

// The olr_name_problem_code numbers.
const (
	NameProblemNone                     NameProblem = C.OLR_NAME_PROBLEM_NONE
	NameProblemEmpty                    NameProblem = C.OLR_NAME_PROBLEM_EMPTY
	NameProblemSurroundingWhiteSpace    NameProblem = C.OLR_NAME_PROBLEM_SURROUNDING_WHITE_SPACE
	NameProblemControlOrFormatCharacter NameProblem = C.OLR_NAME_PROBLEM_CONTROL_OR_FORMAT_CHARACTER
	NameProblemLineOrParagraphSeparator NameProblem = C.OLR_NAME_PROBLEM_LINE_OR_PARAGRAPH_SEPARATOR
	NameProblemQualifiedName            NameProblem = C.OLR_NAME_PROBLEM_QUALIFIED_NAME
	NameProblemForbiddenCharacter       NameProblem = C.OLR_NAME_PROBLEM_FORBIDDEN_CHARACTER
	NameProblemTooLong                  NameProblem = C.OLR_NAME_PROBLEM_TOO_LONG
)

// Hint is a short English hint saying what to fix.
func (p NameProblem) Hint() string { return C.GoString(C.olr_name_problem_hint(C.uint32_t(p))) }

// CheckName says what is wrong with a typed username or offline domain (NameProblemNone if nothing).
func CheckName(text string) (NameProblem, error) {
	if err := ready(); err != nil {
		return 0, err
	}
	p, n := str(text)
	var out C.olr_name_problem_code
	if err := makeError(C.olr_name_problem(p, n, &out), nil); err != nil {
		return 0, err
	}
	return NameProblem(out), nil
}

// IdentificationCode is a machine's identification code in canonical form. Make one with
// ParseIdentificationCode (or Machine.IdentificationCode); the zero value is not a code.
type IdentificationCode struct{ text string }

// ParseIdentificationCode parses a typed identification code (case-insensitive; O reads as 0,
// I and L as 1; spaces and hyphens ignored). A mistyped code is ErrMistyped with Error.Group.
func ParseIdentificationCode(text string) (IdentificationCode, error) {
	if err := ready(); err != nil {
		return IdentificationCode{}, err
	}
	s, err := checkCode(text, IdentificationCodeTextLen, true)
	return IdentificationCode{s}, err
}

// String is the canonical text (upper case, groups joined by "-").
func (c IdentificationCode) String() string { return c.text }

// ResetCode is a reset code in canonical form, from ParseResetCode or ServerKeyRing.SealResetCode.
type ResetCode struct{ text string }

// ParseResetCode parses a typed reset code with the rules of ParseIdentificationCode.
func ParseResetCode(text string) (ResetCode, error) {
	if err := ready(); err != nil {
		return ResetCode{}, err
	}
	s, err := checkCode(text, ResetCodeTextLen, false)
	return ResetCode{s}, err
}

// String is the canonical text.
func (c ResetCode) String() string { return c.text }

func checkCode(text string, size int, identification bool) (string, error) {
	p, n := str(text)
	var buf [IdentificationCodeTextLen]byte
	var outLen C.size_t
	var d C.olr_error_details
	out := (*C.char)(unsafe.Pointer(&buf[0]))
	var status C.olr_status
	if identification {
		status = C.olr_identification_code_check(p, n, out, C.size_t(size), &outLen, &d)
	} else {
		status = C.olr_reset_code_check(p, n, out, C.size_t(size), &outLen, &d)
	}
	if err := makeError(status, &d); err != nil {
		return "", err
	}
	return string(buf[:outLen]), nil
}

// Account is a Windows account: username, offline user domain and the account's binary SID
// (objectSid, revision 1, MinSIDLen to MaxSIDLen bytes; docs/PROTOCOL.md §5). The server seals
// with the directory's canonical names and objectSid; the login integration redeems with the
// names and SID of the one cached account the typed names resolve to (§12.3 rule 1). Seal and
// redeem pass the names to the library, which normalizes them; Normalize gives the normalized
// forms. The SID is passed as is (without a copy) and is compared byte for byte.
type Account struct {
	Username      string
	OfflineDomain string
	SID           []byte
}

// sid passes an account's SID without a copy. It is never NULL: an empty or missing SID is a
// zero-length input, which the library refuses as ErrInvalidSid (not ErrNullPointer).
func sid(b []byte) (*C.uint8_t, C.size_t) {
	if len(b) == 0 {
		return (*C.uint8_t)(unsafe.Pointer(emptyInput)), 0
	}
	return ubyt(b)
}

// Check checks the names and the SID as seal and redeem will (ErrInvalidUsername,
// ErrInvalidDomain, then ErrInvalidSid).
func (a Account) Check() error {
	if err := ready(); err != nil {
		return err
	}
	u, un := str(a.Username)
	d, dn := str(a.OfflineDomain)
	s, sn := sid(a.SID)
	err := makeError(C.olr_account_check(u, un, d, dn, s, sn), nil)
	runtime.KeepAlive(a.SID)
	return err
}

// Normalize returns the account with both names in normalized form (the SID is kept as it is:
// it is not checked here, Check does). Two accounts are the same exactly when both normalized
// names and the SID are equal.
func (a Account) Normalize() (Account, error) {
	if err := ready(); err != nil {
		return Account{}, err
	}
	u, un := str(a.Username)
	d, dn := str(a.OfflineDomain)
	var ub, db [MaxNameLen]byte
	var ul, dl C.size_t
	var det C.olr_error_details
	status := C.olr_account_normalize(u, un, d, dn,
		(*C.char)(unsafe.Pointer(&ub[0])), MaxNameLen, &ul,
		(*C.char)(unsafe.Pointer(&db[0])), MaxNameLen, &dl, &det)
	if err := makeError(status, &det); err != nil {
		return Account{}, err
	}
	return Account{string(ub[:ul]), string(db[:dl]), a.SID}, nil
}

// String is the account for display: the names as typed (not normalized; Normalize gives the
// comparison forms) and the SID in its S-1-… form, as `DOMAIN\username (S-1-5-21-…)`.
func (a Account) String() string {
	return a.OfflineDomain + `\` + a.Username + " (" + a.SIDString() + ")"
}

// SIDString is the SID in its string form, such as S-1-5-21-1004336348-1177238915-682003330-1001
// (identifier authority as a decimal number, sub-authorities little-endian as Windows stores
// them), as the Java and .NET bindings write it. A SID that is not one (wrong length or count)
// is "invalid SID " and its bytes in hex.
func (a Account) SIDString() string {
	s := a.SID
	if len(s) < 8 || (len(s)-8)%4 != 0 || int(s[1]) != (len(s)-8)/4 {
		return "invalid SID " + hex.EncodeToString(s)
	}
	var authority uint64
	for _, b := range s[2:8] {
		authority = authority<<8 | uint64(b)
	}
	var b strings.Builder
	b.WriteString("S-" + strconv.Itoa(int(s[0])) + "-" + strconv.FormatUint(authority, 10))
	for k := 8; k+4 <= len(s); k += 4 {
		sub := uint32(s[k]) | uint32(s[k+1])<<8 | uint32(s[k+2])<<16 | uint32(s[k+3])<<24
		b.WriteString("-" + strconv.FormatUint(uint64(sub), 10))
	}
	return b.String()
}

// Same reports whether a and b are the same account, as the library compares them (and as the
// other bindings' Account equality does): both normalized names equal and the SIDs byte-equal.
// Errors are Normalize's (an invalid name of either account).
func (a Account) Same(b Account) (bool, error) {
	if err := ready(); err != nil {
		return false, err
	}
	na, err := a.Normalize()
	if err != nil {
		return false, err
	}
	nb, err := b.Normalize()
	if err != nil {
		return false, err
	}
	return na.Username == nb.Username && na.OfflineDomain == nb.OfflineDomain && string(a.SID) == string(b.SID), nil
}

// AccountWithFQDN is the account with the default offline domain of the user's FQDN.
func AccountWithFQDN(username, fqdn string, sid []byte) (Account, error) {
	if err := ready(); err != nil {
		return Account{}, err
	}
	d, err := DefaultOfflineDomain(fqdn)
	if err != nil {
		return Account{}, err
	}
	return Account{username, d, sid}, nil
}

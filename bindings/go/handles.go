package offlinereset

/*
#include "offline_reset.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// liveHandles counts handles made and not yet freed (read by the tests).
var liveHandles int64

// Each handle type holds its C pointer behind a sync.RWMutex: calls the C API allows on a shared
// (const) handle take the read lock, so they run in parallel; rotate, setters, prune, redeem (on
// the ledger) and Close take the write lock. After Close the pointer is nil and every method
// returns ErrClosed. A finalizer closes a handle that was never closed (a safety net only: call
// Close, usually with defer).

// ServerKeyRing is the reset server's key ring: one key pair per epoch, rotation, the retired-key
// grace period. Safe for concurrent use: seals and getters run in parallel; Rotate, Prune, the
// setters and Close wait for them (and they for it).
type ServerKeyRing struct {
	mu sync.RWMutex
	h  *C.olr_server_key_ring
}

func newRing(h *C.olr_server_key_ring) *ServerKeyRing {
	r := &ServerKeyRing{h: h}
	atomic.AddInt64(&liveHandles, 1)
	runtime.SetFinalizer(r, (*ServerKeyRing).Close)
	return r
}

// GenerateServerKeyRing creates a ring at epoch 1 with a fresh key pair from the OS RNG.
func GenerateServerKeyRing(policy Policy, cost PasswordCost) (*ServerKeyRing, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	var h *C.olr_server_key_ring
	status := C.olr_server_key_ring_generate_with_password_cost(C.uint16_t(policy.ResetCodeLifetimeMinutes),
		C.uint16_t(policy.ClockSkewMinutes), C.uint32_t(cost.MemoryKiB), C.uint32_t(cost.Iterations),
		C.uint32_t(cost.Parallelism), &h)
	if err := makeError(status, nil); err != nil {
		return nil, err
	}
	return newRing(h), nil
}

// ImportServerKeyRing reads an Export with its wrappingKey, or an ExportPlain with a nil key.
func ImportServerKeyRing(data, wrappingKey []byte) (*ServerKeyRing, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	p, n := ubyt(data)
	k, kn := ubyt(wrappingKey)
	var h *C.olr_server_key_ring
	var d C.olr_error_details
	if err := makeError(C.olr_server_key_ring_import(p, n, k, kn, &h, &d), &d); err != nil {
		return nil, err
	}
	return newRing(h), nil
}

// GenerateServerKeyRingPKCS11 creates a ring whose keys are generated in a PKCS#11 token and
// never leave it (ABI 2.1): epoch 1's key pair, the deployment signing key pair and the ring's
// record, under labels starting with place.KeyLabelPrefix. Every later change (Rotate, Prune,
// the Set methods, signing-key rotation) is written to the token at once; Export fails with
// ErrKeysInToken (back up the token). Close leaves the token objects in place.
//
// Errors: ErrPkcs11NotBuilt (the library was built without the cargo feature pkcs11),
// ErrTokenModuleNotFound, ErrTokenAbsent, ErrTokenWrongPin, ErrTokenRingExists (a ring is
// already there under that prefix), ErrTokenFailure, ErrMalformedInput (an empty, too long or
// control-character prefix), ErrInvalidPolicy.
func GenerateServerKeyRingPKCS11(place TokenPlace, policy Policy, cost PasswordCost) (*ServerKeyRing, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	mp, mn, tp, tn, pp, pn, lp, ln := place.args()
	var h *C.olr_server_key_ring
	status := C.olr_server_key_ring_generate_pkcs11(mp, mn, tp, tn, pp, pn, lp, ln,
		C.uint16_t(policy.ResetCodeLifetimeMinutes), C.uint16_t(policy.ClockSkewMinutes),
		C.uint32_t(cost.MemoryKiB), C.uint32_t(cost.Iterations), C.uint32_t(cost.Parallelism), &h)
	runtime.KeepAlive(place.PIN)
	if err := makeError(status, nil); err != nil {
		return nil, err
	}
	return newRing(h), nil
}

// OpenServerKeyRingPKCS11 opens the ring held in a PKCS#11 token under place.KeyLabelPrefix
// (made by GenerateServerKeyRingPKCS11 or CopyToPKCS11), checking each key against its record.
// Errors: ErrTokenKeyMissing (no ring under that prefix, or one of its keys is missing), and
// those of GenerateServerKeyRingPKCS11.
func OpenServerKeyRingPKCS11(place TokenPlace) (*ServerKeyRing, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	mp, mn, tp, tn, pp, pn, lp, ln := place.args()
	var h *C.olr_server_key_ring
	status := C.olr_server_key_ring_open_pkcs11(mp, mn, tp, tn, pp, pn, lp, ln, &h)
	runtime.KeepAlive(place.PIN)
	if err := makeError(status, nil); err != nil {
		return nil, err
	}
	return newRing(h), nil
}

// CopyToPKCS11 copies the ring's keys into a PKCS#11 token and returns the ring held there (a
// new handle; r is unchanged): how a deployment moves its keys into an HSM without redeploying
// machines (same keys, same codes). Delete every copy of r's export afterwards. Errors:
// ErrKeysInToken (r is already held in a token), and those of GenerateServerKeyRingPKCS11.
func (r *ServerKeyRing) CopyToPKCS11(place TokenPlace) (*ServerKeyRing, error) {
	mp, mn, tp, tn, pp, pn, lp, ln := place.args()
	h, err := r.read()
	if err != nil {
		return nil, err
	}
	var out *C.olr_server_key_ring
	status := C.olr_server_key_ring_copy_to_pkcs11(h, mp, mn, tp, tn, pp, pn, lp, ln, &out)
	r.mu.RUnlock()
	runtime.KeepAlive(place.PIN)
	if err := makeError(status, nil); err != nil {
		return nil, err
	}
	return newRing(out), nil
}

// IsHeldInToken reports whether the ring's keys are held in a PKCS#11 token (then Export fails
// with ErrKeysInToken). It panics after Close, as every getter that cannot fail does.
func (r *ServerKeyRing) IsHeldInToken() bool {
	h := r.get("IsHeldInToken")
	defer r.mu.RUnlock()
	var held C.bool
	mustOK(C.olr_server_key_ring_is_held_in_token(h, &held))
	return bool(held)
}

// Close frees the ring and wipes its secret keys. Closing twice is fine.
func (r *ServerKeyRing) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.h != nil {
		C.olr_server_key_ring_free(r.h)
		atomic.AddInt64(&liveHandles, -1)
		r.h = nil
		runtime.SetFinalizer(r, nil)
	}
	return nil
}

func (r *ServerKeyRing) read() (*C.olr_server_key_ring, error) {
	if r == nil {
		return nil, ErrNullPointer
	}
	r.mu.RLock()
	if r.h == nil {
		r.mu.RUnlock()
		return nil, ErrClosed
	}
	return r.h, nil
}

// get is read for the getters that cannot fail: they return values, not errors, and panic on a
// closed or nil handle (a programming error, as a closed channel's send is).
func (r *ServerKeyRing) get(method string) *C.olr_server_key_ring {
	h, err := r.read()
	if err != nil {
		panic(useError("ServerKeyRing", method, err))
	}
	return h
}

func (r *ServerKeyRing) write() (*C.olr_server_key_ring, error) {
	if r == nil {
		return nil, ErrNullPointer
	}
	r.mu.Lock()
	if r.h == nil {
		r.mu.Unlock()
		return nil, ErrClosed
	}
	return r.h, nil
}

// Export writes the ring as bytes wrapped under wrappingKey (WrappingKeyLen bytes, from
// GenerateWrappingKey; a nil or empty key is ErrNoWrappingKey: a plain export is ExportPlain).
// The result is the only copy the binding makes: wipe it when done. A ring held in a PKCS#11
// token cannot be exported (ErrKeysInToken).
func (r *ServerKeyRing) Export(wrappingKey []byte) ([]byte, error) {
	if len(wrappingKey) == 0 {
		return nil, ErrNoWrappingKey
	}
	return r.export(wrappingKey)
}

// ExportPlain writes the ring unwrapped: its secret keys in the clear. For tests and for a
// store that protects the bytes itself; wipe the result when done. Read it back with
// ImportServerKeyRing(data, nil).
func (r *ServerKeyRing) ExportPlain() ([]byte, error) { return r.export(nil) }

func (r *ServerKeyRing) export(wrappingKey []byte) ([]byte, error) {
	h, err := r.read()
	if err != nil {
		return nil, err
	}
	defer r.mu.RUnlock()
	return export(func(k *C.uint8_t, kn C.size_t, out *C.uint8_t, cp C.size_t, n *C.size_t) C.olr_status {
		return C.olr_server_key_ring_export(h, k, kn, out, cp, n)
	}, wrappingKey)
}

// SealResetCode seals a reset code for the machine, the account (canonical names and objectSid
// from the directory) and the new password, issued at now (unix seconds). The password string is
// passed to the library without a copy.
func (r *ServerKeyRing) SealResetCode(id IdentificationCode, account Account, newPassword string, now int64) (ResetCode, error) {
	pw, pwn := str(newPassword)
	return r.seal(id, account, pw, pwn, now)
}

// SealResetCodeAt is SealResetCode issued at t (its whole unix seconds).
func (r *ServerKeyRing) SealResetCodeAt(id IdentificationCode, account Account, newPassword string, t time.Time) (ResetCode, error) {
	return r.SealResetCode(id, account, newPassword, unixSeconds(t))
}

// SealResetCodeBytesAt is SealResetCodeBytes issued at t.
func (r *ServerKeyRing) SealResetCodeBytesAt(id IdentificationCode, account Account, newPassword []byte, t time.Time) (ResetCode, error) {
	return r.SealResetCodeBytes(id, account, newPassword, unixSeconds(t))
}

// SealResetCodeBytes is SealResetCode with the password as UTF-8 bytes, passed without a copy
// (the caller wipes its buffer).
func (r *ServerKeyRing) SealResetCodeBytes(id IdentificationCode, account Account, newPassword []byte, now int64) (ResetCode, error) {
	pw, pwn := byt(newPassword)
	if pw == nil {
		pw = emptyInput
	}
	code, err := r.seal(id, account, pw, pwn, now)
	runtime.KeepAlive(newPassword)
	return code, err
}

func (r *ServerKeyRing) seal(id IdentificationCode, account Account, pw *C.char, pwn C.size_t, now int64) (ResetCode, error) {
	ip, in := str(id.text)
	u, un := str(account.Username)
	dm, dn := str(account.OfflineDomain)
	sp, sn := sid(account.SID)
	var buf [ResetCodeTextLen]byte
	var n C.size_t
	var d C.olr_error_details
	h, err := r.read()
	if err != nil {
		return ResetCode{}, err
	}
	status := C.olr_server_key_ring_seal_reset_code(h, ip, in, u, un, dm, dn, sp, sn, pw, pwn, C.int64_t(now),
		(*C.char)(unsafe.Pointer(&buf[0])), ResetCodeTextLen, &n, &d)
	r.mu.RUnlock()
	runtime.KeepAlive(account.SID)
	if err := makeError(status, &d); err != nil {
		return ResetCode{}, err
	}
	return ResetCode{string(buf[:n])}, nil
}

// Rotate makes a new generation current, retiring the previous one at now; it returns the new epoch.
func (r *ServerKeyRing) Rotate(now int64) (uint16, error) {
	h, err := r.write()
	if err != nil {
		return 0, err
	}
	defer r.mu.Unlock()
	var epoch C.uint16_t
	err = makeError(C.olr_server_key_ring_rotate(h, C.int64_t(now), &epoch), nil)
	return uint16(epoch), err
}

// RotateAt is Rotate at t.
func (r *ServerKeyRing) RotateAt(t time.Time) (uint16, error) { return r.Rotate(unixSeconds(t)) }

// PruneAt is Prune at t.
func (r *ServerKeyRing) PruneAt(t time.Time) error { return r.Prune(unixSeconds(t)) }

// Prune erases retired generations whose grace period has ended at now.
func (r *ServerKeyRing) Prune(now int64) error {
	h, err := r.write()
	if err != nil {
		return err
	}
	defer r.mu.Unlock()
	return makeError(C.olr_server_key_ring_prune(h, C.int64_t(now)), nil)
}

// RetiredGraceSeconds is how long a generation retired from now on still seals codes.
func (r *ServerKeyRing) RetiredGraceSeconds() uint32 {
	h := r.get("RetiredGraceSeconds")
	defer r.mu.RUnlock()
	var out C.uint32_t
	mustOK(C.olr_server_key_ring_retired_grace_seconds(h, &out))
	return uint32(out)
}

// RetiredGrace is RetiredGraceSeconds as a time.Duration.
func (r *ServerKeyRing) RetiredGrace() time.Duration {
	return time.Duration(r.RetiredGraceSeconds()) * time.Second
}

// SetRetiredGrace is SetRetiredGraceSeconds with a time.Duration, in whole seconds (a fraction
// of a second is dropped: the window only shrinks). A negative duration or one over
// math.MaxUint32 seconds is ErrInvalidPolicy.
func (r *ServerKeyRing) SetRetiredGrace(d time.Duration) error {
	if d < 0 || d/time.Second > math.MaxUint32 {
		return &Error{Status: StatusInvalidPolicy, Message: StatusMessage(uint32(StatusInvalidPolicy))}
	}
	return r.SetRetiredGraceSeconds(uint32(d / time.Second))
}

// SetRetiredGraceSeconds sets the grace period of generations retired from now on.
func (r *ServerKeyRing) SetRetiredGraceSeconds(seconds uint32) error {
	h, err := r.write()
	if err != nil {
		return err
	}
	defer r.mu.Unlock()
	return makeError(C.olr_server_key_ring_set_retired_grace_seconds(h, C.uint32_t(seconds)), nil)
}

// Policy is the ring's reset-code lifetime and clock skew.
func (r *ServerKeyRing) Policy() Policy {
	h := r.get("Policy")
	defer r.mu.RUnlock()
	var l, s C.uint16_t
	mustOK(C.olr_server_key_ring_policy(h, &l, &s))
	return Policy{uint16(l), uint16(s)}
}

// SetPolicy changes the reset-code lifetime and clock skew (machines learn them only from a new
// deployment package).
func (r *ServerKeyRing) SetPolicy(p Policy) error {
	h, err := r.write()
	if err != nil {
		return err
	}
	defer r.mu.Unlock()
	return makeError(C.olr_server_key_ring_set_policy(h, C.uint16_t(p.ResetCodeLifetimeMinutes), C.uint16_t(p.ClockSkewMinutes)), nil)
}

// PasswordCost is the password cost of the generation for epoch (ErrKeyRotated when not held).
func (r *ServerKeyRing) PasswordCost(epoch uint16) (PasswordCost, error) {
	h, err := r.read()
	if err != nil {
		return PasswordCost{}, err
	}
	defer r.mu.RUnlock()
	return ringCost(h, epoch)
}

// CurrentPasswordCost is the password cost of the current generation.
func (r *ServerKeyRing) CurrentPasswordCost() PasswordCost {
	h := r.get("CurrentPasswordCost")
	defer r.mu.RUnlock()
	var e C.uint16_t
	mustOK(C.olr_server_key_ring_current_epoch(h, &e))
	c, err := ringCost(h, uint16(e))
	if err != nil {
		panic(err) // the current generation is always held
	}
	return c
}

func ringCost(h *C.olr_server_key_ring, epoch uint16) (PasswordCost, error) {
	var m, i, p C.uint32_t
	err := makeError(C.olr_server_key_ring_password_cost(h, C.uint16_t(epoch), &m, &i, &p), nil)
	return PasswordCost{uint32(m), uint32(i), uint32(p)}, err
}

// SetPasswordCost sets the password cost of generations made from the next rotation on.
func (r *ServerKeyRing) SetPasswordCost(c PasswordCost) error {
	h, err := r.write()
	if err != nil {
		return err
	}
	defer r.mu.Unlock()
	return makeError(C.olr_server_key_ring_set_password_cost(h, C.uint32_t(c.MemoryKiB), C.uint32_t(c.Iterations), C.uint32_t(c.Parallelism)), nil)
}

// AttemptLimits are the attempt limits the ring's deployment packages carry.
func (r *ServerKeyRing) AttemptLimits() AttemptLimits {
	h := r.get("AttemptLimits")
	defer r.mu.RUnlock()
	var c, a C.uint16_t
	mustOK(C.olr_server_key_ring_attempt_limits(h, &c, &a))
	return AttemptLimits{uint16(c), uint16(a)}
}

// SetAttemptLimits sets the attempt limits the next deployment package carries (each 1 to 1000,
// else ErrInvalidPolicy). Machines learn them only from a new package (Machine.Redeploy).
func (r *ServerKeyRing) SetAttemptLimits(l AttemptLimits) error {
	h, err := r.write()
	if err != nil {
		return err
	}
	defer r.mu.Unlock()
	return makeError(C.olr_server_key_ring_set_attempt_limits(h, C.uint16_t(l.FailedOpensPerCode), C.uint16_t(l.FailedOpensPerAccount)), nil)
}

// BeginSigningKeyRotation draws the next deployment signing key from the OS RNG (docs/PROTOCOL.md
// §9.4): packages made from now on are signed with the current key and name the next one, and
// machines redeployed with them pin it. Nothing changes when a rotation is under way. Export
// the ring afterwards: the next signing key is in it.
func (r *ServerKeyRing) BeginSigningKeyRotation() error {
	h, err := r.write()
	if err != nil {
		return err
	}
	defer r.mu.Unlock()
	return makeError(C.olr_server_key_ring_begin_signing_key_rotation(h), nil)
}

// FinishSigningKeyRotation makes the next key sign from now on and erases the old one. Call it
// only after every machine took a package made since BeginSigningKeyRotation: a machine that did
// not refuses later packages (ErrPackageSignatureInvalid) and must be enrolled afresh. Nothing
// changes when no rotation is under way.
func (r *ServerKeyRing) FinishSigningKeyRotation() error {
	h, err := r.write()
	if err != nil {
		return err
	}
	defer r.mu.Unlock()
	return makeError(C.olr_server_key_ring_finish_signing_key_rotation(h), nil)
}

// CurrentEpoch is the current generation's epoch.
func (r *ServerKeyRing) CurrentEpoch() uint16 {
	h := r.get("CurrentEpoch")
	defer r.mu.RUnlock()
	var e C.uint16_t
	mustOK(C.olr_server_key_ring_current_epoch(h, &e))
	return uint16(e)
}

// Epochs are the epochs the ring holds, oldest first (the last is current).
func (r *ServerKeyRing) Epochs() []uint16 {
	h := r.get("Epochs")
	defer r.mu.RUnlock()
	var arr [MaxGenerations]C.uint16_t
	var n C.size_t
	mustOK(C.olr_server_key_ring_epochs(h, &arr[0], MaxGenerations, &n))
	out := make([]uint16, n)
	for i := range out {
		out[i] = uint16(arr[i])
	}
	return out
}

// DeploymentPackage is the deployment package text of the current generation (public). It can
// fail for a ring held in a PKCS#11 token, which signs each package anew (ErrTokenFailure).
func (r *ServerKeyRing) DeploymentPackage() (string, error) {
	h, err := r.read()
	if err != nil {
		return "", err
	}
	defer r.mu.RUnlock()
	var buf [DeploymentPackageTextLen]byte
	var n C.size_t
	if err := makeError(C.olr_server_key_ring_deployment_package(h, (*C.char)(unsafe.Pointer(&buf[0])), DeploymentPackageTextLen, &n), nil); err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// mustOK is for the C getters that fail only on a NULL argument, which the binding never passes:
// a failure would be a bug of the binding or the library, so it panics.
func mustOK(status C.olr_status) {
	if err := makeError(status, nil); err != nil {
		panic(err)
	}
}

// useError is the panic value of a getter called on a closed or nil handle: an error wrapping
// ErrClosed or ErrNullPointer, naming the method.
func useError(typ, method string, err error) error {
	if errors.Is(err, ErrClosed) {
		return fmt.Errorf("offlinereset: %s.%s called after Close: %w", typ, method, err)
	}
	return fmt.Errorf("offlinereset: %s.%s called on a nil *%s: %w", typ, method, typ, err)
}

// export runs an _export function twice: size query, then into a slice of exactly that size,
// which is returned (no intermediate buffer to wipe).
func export(f func(k *C.uint8_t, kn C.size_t, out *C.uint8_t, cp C.size_t, n *C.size_t) C.olr_status, wrappingKey []byte) ([]byte, error) {
	k, kn := ubyt(wrappingKey)
	var need C.size_t
	status := f(k, kn, nil, 0, &need)
	if status != C.OLR_BUFFER_TOO_SMALL {
		if err := makeError(status, nil); err != nil {
			return nil, err
		}
	}
	out := make([]byte, need)
	var n C.size_t
	p, _ := ubyt(out)
	if err := makeError(f(k, kn, p, need, &n), nil); err != nil {
		return nil, err
	}
	runtime.KeepAlive(wrappingKey)
	return out[:n], nil
}

// Machine is one enrolled machine; it holds the machine key, wiped on Close. Safe for concurrent
// use: opens and getters run in parallel; Close waits for them.
type Machine struct {
	mu sync.RWMutex
	h  *C.olr_machine
}

func newMachine(h *C.olr_machine) *Machine {
	m := &Machine{h: h}
	atomic.AddInt64(&liveHandles, 1)
	runtime.SetFinalizer(m, (*Machine).Close)
	return m
}

// EnrollMachine enrolls from a deployment package (its text, or the file's raw bytes as a string).
func EnrollMachine(pkg string) (*Machine, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	p, n := str(pkg)
	var h *C.olr_machine
	var d C.olr_error_details
	if err := makeError(C.olr_machine_enroll(p, n, &h, &d), &d); err != nil {
		return nil, err
	}
	return newMachine(h), nil
}

// ImportMachine reads a Machine.Export with its wrappingKey, or an ExportPlain with a nil key.
func ImportMachine(data, wrappingKey []byte) (*Machine, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	p, n := ubyt(data)
	k, kn := ubyt(wrappingKey)
	var h *C.olr_machine
	var d C.olr_error_details
	if err := makeError(C.olr_machine_import(p, n, k, kn, &h, &d), &d); err != nil {
		return nil, err
	}
	return newMachine(h), nil
}

// Redeploy takes a later deployment package for this machine (docs/PROTOCOL.md §8) and returns
// the redeployed machine as a new handle; m is unchanged (close it when the new one is
// persisted). The package must be signed by the key this machine pinned
// (ErrPackageSignatureInvalid) and its epoch must not be older (ErrPackageEpochTooOld). The same
// epoch keeps the identification code and takes the package's policy, attempt limits and next
// signer; a newer epoch enrolls a fresh key pair (a new identification code: start a new replay
// ledger with NewReplayLedger).
func (m *Machine) Redeploy(pkg string) (*Machine, error) {
	p, n := str(pkg)
	h, err := m.read()
	if err != nil {
		return nil, err
	}
	defer m.mu.RUnlock()
	var out *C.olr_machine
	var d C.olr_error_details
	if err := makeError(C.olr_machine_redeploy(h, p, n, &out, &d), &d); err != nil {
		return nil, err
	}
	return newMachine(out), nil
}

// Close frees the machine and wipes its key. Closing twice is fine.
func (m *Machine) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.h != nil {
		C.olr_machine_free(m.h)
		atomic.AddInt64(&liveHandles, -1)
		m.h = nil
		runtime.SetFinalizer(m, nil)
	}
	return nil
}

func (m *Machine) read() (*C.olr_machine, error) {
	if m == nil {
		return nil, ErrNullPointer
	}
	m.mu.RLock()
	if m.h == nil {
		m.mu.RUnlock()
		return nil, ErrClosed
	}
	return m.h, nil
}

func (m *Machine) get(method string) *C.olr_machine {
	h, err := m.read()
	if err != nil {
		panic(useError("Machine", method, err))
	}
	return h
}

// Export writes the machine state wrapped under wrappingKey (a nil or empty key is
// ErrNoWrappingKey: a plain export is ExportPlain).
func (m *Machine) Export(wrappingKey []byte) ([]byte, error) {
	if len(wrappingKey) == 0 {
		return nil, ErrNoWrappingKey
	}
	return m.export(wrappingKey)
}

// ExportPlain writes the machine state unwrapped: the machine key in the clear (wipe the
// result). Read it back with ImportMachine(data, nil).
func (m *Machine) ExportPlain() ([]byte, error) { return m.export(nil) }

func (m *Machine) export(wrappingKey []byte) ([]byte, error) {
	h, err := m.read()
	if err != nil {
		return nil, err
	}
	defer m.mu.RUnlock()
	return export(func(k *C.uint8_t, kn C.size_t, out *C.uint8_t, cp C.size_t, n *C.size_t) C.olr_status {
		return C.olr_machine_export(h, k, kn, out, cp, n)
	}, wrappingKey)
}

// IdentificationCode is the code to show on the login screen.
func (m *Machine) IdentificationCode() IdentificationCode {
	h := m.get("IdentificationCode")
	defer m.mu.RUnlock()
	var buf [IdentificationCodeTextLen]byte
	var n C.size_t
	mustOK(C.olr_machine_identification_code(h, (*C.char)(unsafe.Pointer(&buf[0])), IdentificationCodeTextLen, &n))
	return IdentificationCode{string(buf[:n])}
}

// Epoch is the key generation the machine is enrolled for.
func (m *Machine) Epoch() uint16 {
	h := m.get("Epoch")
	defer m.mu.RUnlock()
	var e C.uint16_t
	mustOK(C.olr_machine_epoch(h, &e))
	return uint16(e)
}

// Policy is the policy from the deployment package.
func (m *Machine) Policy() Policy {
	h := m.get("Policy")
	defer m.mu.RUnlock()
	var l, s C.uint16_t
	mustOK(C.olr_machine_policy(h, &l, &s))
	return Policy{uint16(l), uint16(s)}
}

// PasswordCost is the Argon2id cost from the deployment package.
func (m *Machine) PasswordCost() PasswordCost {
	h := m.get("PasswordCost")
	defer m.mu.RUnlock()
	var a, b, c C.uint32_t
	mustOK(C.olr_machine_password_cost(h, &a, &b, &c))
	return PasswordCost{uint32(a), uint32(b), uint32(c)}
}

// IsEnrolledWith says whether pkg is the deployment package this machine is enrolled with.
func (m *Machine) IsEnrolledWith(pkg string) (bool, error) {
	p, n := str(pkg)
	h, err := m.read()
	if err != nil {
		return false, err
	}
	defer m.mu.RUnlock()
	var out C.bool
	var d C.olr_error_details
	err = makeError(C.olr_machine_is_enrolled_with(h, p, n, &out, &d), &d)
	return bool(out), err
}

// OpenResetCodeForDiagnostics checks a reset code offline and records nothing: it counts no
// attempt, so it is not limited, and it does not make the code work once. For diagnostics and
// tests only; a login integration MUST use RedeemResetCode (docs/PROTOCOL.md §12.3 rule 7) and
// never update credentials on this function's answer.
func (m *Machine) OpenResetCodeForDiagnostics(code ResetCode, account Account, newPassword string, now int64) (AcceptedReset, error) {
	pw, pwn := str(newPassword)
	return m.open(false, nil, code, account, pw, pwn, now)
}

// OpenResetCodeForDiagnosticsBytes is OpenResetCodeForDiagnostics with the password as bytes
// (passed without a copy).
func (m *Machine) OpenResetCodeForDiagnosticsBytes(code ResetCode, account Account, newPassword []byte, now int64) (AcceptedReset, error) {
	pw, pwn := byt(newPassword)
	if pw == nil {
		pw = emptyInput
	}
	a, err := m.open(false, nil, code, account, pw, pwn, now)
	runtime.KeepAlive(newPassword)
	return a, err
}

// RedeemResetCode opens the code for the cached account (its names and SID) and records the
// attempt in ledger (docs/PROTOCOL.md §9.7): the call a login integration uses. The ledger changes
// on failures too (attempts are counted before the answer), so whatever the answer, persist the
// ledger (Export, then raise the monotonic store to Generation) before showing the answer or
// acting on it, and refuse the reset if persisting fails. A nil error is the only outcome that
// allows updating the cached credentials of that account, after the ledger is persisted.
// (Answers before the clock check, such as ErrLedgerOfAnotherMachine or ErrClockSetBack, leave
// the ledger unchanged; persisting after them is harmless, so persist after every call.)
func (m *Machine) RedeemResetCode(ledger *ReplayLedger, code ResetCode, account Account, newPassword string, now int64) (AcceptedReset, error) {
	pw, pwn := str(newPassword)
	return m.open(true, ledger, code, account, pw, pwn, now)
}

// OpenResetCodeForDiagnosticsAt is OpenResetCodeForDiagnostics at t.
func (m *Machine) OpenResetCodeForDiagnosticsAt(code ResetCode, account Account, newPassword string, t time.Time) (AcceptedReset, error) {
	return m.OpenResetCodeForDiagnostics(code, account, newPassword, unixSeconds(t))
}

// OpenResetCodeForDiagnosticsBytesAt is OpenResetCodeForDiagnosticsBytes at t.
func (m *Machine) OpenResetCodeForDiagnosticsBytesAt(code ResetCode, account Account, newPassword []byte, t time.Time) (AcceptedReset, error) {
	return m.OpenResetCodeForDiagnosticsBytes(code, account, newPassword, unixSeconds(t))
}

// RedeemResetCodeAt is RedeemResetCode at t (the machine's clock: time.Now()).
func (m *Machine) RedeemResetCodeAt(ledger *ReplayLedger, code ResetCode, account Account, newPassword string, t time.Time) (AcceptedReset, error) {
	return m.RedeemResetCode(ledger, code, account, newPassword, unixSeconds(t))
}

// RedeemResetCodeBytesAt is RedeemResetCodeBytes at t.
func (m *Machine) RedeemResetCodeBytesAt(ledger *ReplayLedger, code ResetCode, account Account, newPassword []byte, t time.Time) (AcceptedReset, error) {
	return m.RedeemResetCodeBytes(ledger, code, account, newPassword, unixSeconds(t))
}

// RedeemResetCodeBytes is RedeemResetCode with the password as bytes (passed without a copy).
func (m *Machine) RedeemResetCodeBytes(ledger *ReplayLedger, code ResetCode, account Account, newPassword []byte, now int64) (AcceptedReset, error) {
	pw, pwn := byt(newPassword)
	if pw == nil {
		pw = emptyInput
	}
	a, err := m.open(true, ledger, code, account, pw, pwn, now)
	runtime.KeepAlive(newPassword)
	return a, err
}

// open redeems when redeem is set (a nil ledger is then ErrNullPointer, never an open without
// the ledger), else opens for diagnostics.
func (m *Machine) open(redeem bool, ledger *ReplayLedger, code ResetCode, account Account, pw *C.char, pwn C.size_t, now int64) (AcceptedReset, error) {
	cp, cn := str(code.text)
	u, un := str(account.Username)
	dm, dn := str(account.OfflineDomain)
	sp, sn := sid(account.SID)
	var a C.olr_accepted_reset
	var d C.olr_error_details
	h, err := m.read()
	if err != nil {
		return AcceptedReset{}, err
	}
	var status C.olr_status
	if !redeem {
		status = C.olr_machine_open_reset_code_for_diagnostics(h, cp, cn, u, un, dm, dn, sp, sn, pw, pwn, C.int64_t(now), &a, &d)
	} else {
		// Lock order: machine (shared), then ledger (exclusive); ledger methods never take a
		// machine lock while holding the ledger's, so this cannot deadlock.
		lh, lerr := ledger.write()
		if lerr != nil {
			m.mu.RUnlock()
			return AcceptedReset{}, lerr
		}
		status = C.olr_machine_redeem_reset_code(h, lh, cp, cn, u, un, dm, dn, sp, sn, pw, pwn, C.int64_t(now), &a, &d)
		ledger.mu.Unlock()
	}
	m.mu.RUnlock()
	runtime.KeepAlive(account.SID)
	if err := makeError(status, &d); err != nil {
		return AcceptedReset{}, err
	}
	return AcceptedReset{int64(a.issued_at), int64(a.expires_at)}, nil
}

// ReplayLedger is a machine's replay ledger (docs/PROTOCOL.md §9.7), bound to one enrollment: it
// makes each reset code work once, lets a newer reset retire older codes of the account, limits
// failed attempts per code and per account, and refuses a clock set back. Persist it (Export)
// after every Machine.RedeemResetCode, whatever the answer. Safe for concurrent use: redeems on
// one ledger run one at a time.
type ReplayLedger struct {
	mu sync.RWMutex
	h  *C.olr_replay_ledger
}

func newLedger(h *C.olr_replay_ledger) *ReplayLedger {
	l := &ReplayLedger{h: h}
	atomic.AddInt64(&liveHandles, 1)
	runtime.SetFinalizer(l, (*ReplayLedger).Close)
	return l
}

// NewReplayLedger is a new, empty ledger for the machine's current enrollment (generation 0).
// Use it only for a first enrollment or after a redeployment to a new epoch: a ledger that cannot
// be read back must not be replaced by an empty one silently (docs/PROTOCOL.md §12.3 rule 7).
func NewReplayLedger(machine *Machine) (*ReplayLedger, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	mh, err := machine.read()
	if err != nil {
		return nil, err
	}
	defer machine.mu.RUnlock()
	var h *C.olr_replay_ledger
	if err := makeError(C.olr_replay_ledger_new(mh, &h), nil); err != nil {
		return nil, err
	}
	return newLedger(h), nil
}

// ImportReplayLedger reads a ReplayLedger.Export for machine with its wrappingKey, or an
// ExportPlain with a nil key.
// A ledger of another machine or enrollment is ErrLedgerOfAnotherMachine; one whose generation is
// below minimumGeneration (the value kept in a monotonic store; 0 when there is none) is
// ErrLedgerRolledBack.
func ImportReplayLedger(data, wrappingKey []byte, machine *Machine, minimumGeneration uint64) (*ReplayLedger, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	p, n := ubyt(data)
	k, kn := ubyt(wrappingKey)
	mh, err := machine.read()
	if err != nil {
		return nil, err
	}
	defer machine.mu.RUnlock()
	var h *C.olr_replay_ledger
	var d C.olr_error_details
	status := C.olr_replay_ledger_import(p, n, k, kn, mh, C.uint64_t(minimumGeneration), &h, &d)
	runtime.KeepAlive(data)
	runtime.KeepAlive(wrappingKey)
	if err := makeError(status, &d); err != nil {
		return nil, err
	}
	return newLedger(h), nil
}

// Close frees the ledger. Closing twice is fine.
func (l *ReplayLedger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.h != nil {
		C.olr_replay_ledger_free(l.h)
		atomic.AddInt64(&liveHandles, -1)
		l.h = nil
		runtime.SetFinalizer(l, nil)
	}
	return nil
}

func (l *ReplayLedger) read() (*C.olr_replay_ledger, error) {
	if l == nil {
		return nil, ErrNullPointer
	}
	l.mu.RLock()
	if l.h == nil {
		l.mu.RUnlock()
		return nil, ErrClosed
	}
	return l.h, nil
}

func (l *ReplayLedger) get(method string) *C.olr_replay_ledger {
	h, err := l.read()
	if err != nil {
		panic(useError("ReplayLedger", method, err))
	}
	return h
}

func (l *ReplayLedger) write() (*C.olr_replay_ledger, error) {
	if l == nil {
		return nil, ErrNullPointer
	}
	l.mu.Lock()
	if l.h == nil {
		l.mu.Unlock()
		return nil, ErrClosed
	}
	return l.h, nil
}

// Counts are the ledger's account records (at most MaxLedgerAccounts) and code records (codes
// with failed opens, at most MaxLedgerCodes).
func (l *ReplayLedger) Counts() (accounts, codes int) {
	h := l.get("Counts")
	defer l.mu.RUnlock()
	var a, c C.size_t
	mustOK(C.olr_replay_ledger_counts(h, &a, &c))
	return int(a), int(c)
}

// Generation is increased by one at every redeem that passed the clock check. After persisting
// the ledger, keep it where it cannot be rolled back with the file (a TPM NV counter, a registry
// value only SYSTEM writes) and pass it to ImportReplayLedger as minimumGeneration.
func (l *ReplayLedger) Generation() uint64 {
	h := l.get("Generation")
	defer l.mu.RUnlock()
	var g C.uint64_t
	mustOK(C.olr_replay_ledger_generation(h, &g))
	return uint64(g)
}

// Export writes the ledger wrapped under wrappingKey (a nil or empty key is ErrNoWrappingKey: a
// plain export is ExportPlain).
func (l *ReplayLedger) Export(wrappingKey []byte) ([]byte, error) {
	if len(wrappingKey) == 0 {
		return nil, ErrNoWrappingKey
	}
	return l.export(wrappingKey)
}

// ExportPlain writes the ledger unwrapped. Read it back with ImportReplayLedger(data, nil, …).
func (l *ReplayLedger) ExportPlain() ([]byte, error) { return l.export(nil) }

func (l *ReplayLedger) export(wrappingKey []byte) ([]byte, error) {
	h, err := l.read()
	if err != nil {
		return nil, err
	}
	defer l.mu.RUnlock()
	return export(func(k *C.uint8_t, kn C.size_t, out *C.uint8_t, cp C.size_t, n *C.size_t) C.olr_status {
		return C.olr_replay_ledger_export(h, k, kn, out, cp, n)
	}, wrappingKey)
}

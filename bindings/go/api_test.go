package offlinereset

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

const now int64 = 1_795_000_000

var (
	fixtureOnce sync.Once
	fxRing      *ServerKeyRing
	fxMachine   *Machine
)

// fixture: one ring at the minimum password cost and one machine enrolled with it.
func fixture(t testing.TB) (*ServerKeyRing, *Machine) {
	fixtureOnce.Do(func() {
		fxRing = must(GenerateServerKeyRing(DefaultPolicy(), MinimumPasswordCost()))
		fxMachine = must(EnrollMachine(must(fxRing.DeploymentPackage())))
	})
	return fxRing, fxMachine
}

// testSID is the binary form of S-1-5-21-1004336348-1177238915-682003330-rid (a domain account).
func testSID(rid uint32) []byte {
	b := []byte{1, 5, 0, 0, 0, 0, 0, 5}
	for _, sub := range []uint32{21, 1004336348, 1177238915, 682003330, rid} {
		b = binary.LittleEndian.AppendUint32(b, sub)
	}
	return b
}

func acct(user, domain string) Account { return Account{user, domain, testSID(1001)} }

func expectIs(t *testing.T, err, target error) *Error {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got %v, want %v", err, target)
	}
	var e *Error
	if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), "offlinereset: "+StatusMessage(uint32(e.Status))) {
		t.Fatalf("%v: not an *Error with the library's message", err)
	}
	return e
}

func sameAccount(a, b Account) bool {
	return a.Username == b.Username && a.OfflineDomain == b.OfflineDomain && bytes.Equal(a.SID, b.SID)
}

func TestRoundTripNonASCII(t *testing.T) {
	ring, machine := fixture(t)
	id := machine.IdentificationCode()
	for _, c := range []struct{ user, domain, pw string }{
		{"alice", "CORP", "Winter-Tulip-42"}, {"Jürgen", "ÖSTERREICH", "Grüße aus Wien 🏔"},
		{"İstanbul", "ist", "pässwörd"}, {"山田", "東京", "パスワード"},
	} {
		code, err := ring.SealResetCode(id, acct(c.user, c.domain), c.pw, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(code.String()) != ResetCodeTextLen {
			t.Fatalf("code %q", code)
		}
		typed := must(ParseResetCode(strings.ToLower(code.String())))
		a, err := machine.OpenResetCodeForDiagnosticsBytes(typed, acct(strings.ToUpper(c.user), strings.ToLower(c.domain)), []byte(c.pw), now+60)
		if err != nil {
			t.Fatalf("%s: %v", c.user, err)
		}
		if !(a.IssuedAt <= now && now < a.ExpiresAt) || a.Issued().Unix() != a.IssuedAt {
			t.Fatalf("accepted %+v", a)
		}
		_, err = machine.OpenResetCodeForDiagnostics(code, acct(c.user, c.domain), c.pw+"x", now+60)
		expectIs(t, err, ErrRejected)
		// The SID is bound: the same names with another account's SID are refused.
		_, err = machine.OpenResetCodeForDiagnostics(code, Account{c.user, c.domain, testSID(1002)}, c.pw, now+60)
		expectIs(t, err, ErrRejected)
		norm := must(acct(c.user, c.domain).Normalize())
		if !sameAccount(norm, must(acct(strings.ToUpper(c.user), strings.ToLower(c.domain)).Normalize())) || !bytes.Equal(norm.SID, testSID(1001)) {
			t.Fatalf("normalized forms differ for %s", c.user)
		}
	}
}

func TestPasswordBytesAreTheCallers(t *testing.T) {
	ring, machine := fixture(t)
	pw := []byte("Grüße")
	code := must(ring.SealResetCodeBytes(machine.IdentificationCode(), acct("bob", "CORP"), pw, now))
	if !bytes.Equal(pw, []byte("Grüße")) {
		t.Fatal("the binding changed the caller's buffer")
	}
	if _, err := machine.OpenResetCodeForDiagnosticsBytes(code, acct("bob", "CORP"), pw, now); err != nil {
		t.Fatal(err)
	}
	for i := range pw {
		pw[i] = 0 // the caller wipes it
	}
	_, err := machine.OpenResetCodeForDiagnosticsBytes(code, acct("bob", "CORP"), pw, now)
	expectIs(t, err, ErrRejected)
	_, err = ring.SealResetCodeBytes(machine.IdentificationCode(), acct("bob", "CORP"), nil, now)
	expectIs(t, err, ErrInvalidPassword)
}

func TestSIDIsRequiredAndChecked(t *testing.T) {
	ring, machine := fixture(t)
	id := machine.IdentificationCode()
	if err := acct("alice", "CORP").Check(); err != nil {
		t.Fatal(err)
	}
	long := []byte{1, 15, 0, 0, 0, 0, 0, 5}
	long = append(long, make([]byte, 60)...)
	if len(long) != MaxSIDLen || (Account{"alice", "CORP", long}).Check() != nil {
		t.Fatal("a SID of 15 sub-authorities is refused")
	}
	bad := map[string][]byte{
		"nil": nil, "empty": {}, "revision 2": append([]byte{2}, testSID(1)[1:]...),
		"count mismatch": testSID(1)[:len(testSID(1))-4], "no sub-authority": {1, 0, 0, 0, 0, 0, 0, 5},
		"too long": append(long, 0, 0, 0, 0),
	}
	for name, s := range bad {
		a := Account{"alice", "CORP", s}
		expectIs(t, a.Check(), ErrInvalidSid)
		_, err := ring.SealResetCode(id, a, "p", now)
		expectIs(t, err, ErrInvalidSid)
		if name == "nil" { // the names are checked first
			expectIs(t, Account{"", "CORP", s}.Check(), ErrInvalidUsername)
		}
	}
	code := must(ring.SealResetCode(id, acct("alice", "CORP"), "p", now))
	_, err := machine.OpenResetCodeForDiagnostics(code, Account{"alice", "CORP", nil}, "p", now)
	expectIs(t, err, ErrInvalidSid)
	ledger := must(NewReplayLedger(machine))
	defer ledger.Close()
	_, err = machine.RedeemResetCode(ledger, code, Account{"alice", "CORP", []byte{1}}, "p", now)
	expectIs(t, err, ErrInvalidSid)
}

func TestEveryStatusAsItsSentinel(t *testing.T) {
	ring, machine := fixture(t)
	id := machine.IdentificationCode()
	idText := id.String()
	last := "0"
	if idText[len(idText)-1] == '0' {
		last = "1"
	}
	_, err := ParseIdentificationCode(idText[:len(idText)-1] + last)
	if e := expectIs(t, err, ErrMistyped); e.Group != 8 || e.Status != StatusMistyped {
		t.Fatalf("group %d", e.Group)
	}
	_, err = ParseResetCode("12345")
	expectIs(t, err, ErrMalformedInput)
	_, err = ParseIdentificationCode(strings.Repeat("0", 44)) // a reset code's length
	expectIs(t, err, ErrUnsupportedVersion)
	expectIs(t, acct("", "CORP").Check(), ErrInvalidUsername)
	_, err = acct("a", "X/Y").Normalize()
	expectIs(t, err, ErrInvalidDomain)
	_, err = ring.SealResetCode(id, acct("a", "B"), "", now)
	expectIs(t, err, ErrInvalidPassword)
	_, err = ring.SealResetCode(id, acct("a", "B"), "p", 0)
	expectIs(t, err, ErrTimeOutOfRange)
	_, err = GenerateServerKeyRing(Policy{0, 0}, MinimumPasswordCost())
	expectIs(t, err, ErrInvalidPolicy)
	code := must(ring.SealResetCode(id, acct("a", "B"), "p", now))
	_, err = machine.OpenResetCodeForDiagnostics(code, acct("a", "B"), "p", now+10*86400)
	expectIs(t, err, ErrExpired)
	_, err = machine.OpenResetCodeForDiagnostics(code, acct("a", "B"), "p", now-3600)
	expectIs(t, err, ErrNotYetValid)
	_, err = ImportMachine(must(ring.ExportPlain()), nil)
	expectIs(t, err, ErrWrongKind)
	key1, key2 := must(GenerateWrappingKey()), must(GenerateWrappingKey())
	_, err = ImportMachine(must(machine.Export(key1)), nil)
	expectIs(t, err, ErrWrappingMismatch)
	_, err = ImportMachine(must(machine.Export(key1)), key2)
	expectIs(t, err, ErrWrongWrappingKey)
	_, err = machine.Export([]byte("short"))
	expectIs(t, err, ErrInvalidKeyMaterial)
	empty := must(NewReplayLedger(machine))
	blob := must(empty.ExportPlain())
	_, err = ImportReplayLedger(blob[:len(blob)-1], nil, machine, 0)
	expectIs(t, err, ErrTruncated)
	state := must(machine.ExportPlain())
	state[30] ^= 1
	_, err = ImportMachine(state, nil)
	expectIs(t, err, ErrCorrupted)
	pkg := must(ring.DeploymentPackage())
	var u16 []byte
	for _, r := range utf16.Encode([]rune(pkg)) {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	_, err = CheckDeploymentPackage(string(u16))
	expectIs(t, err, ErrUtf16Text)
	expectIs(t, acct("\xff", "CORP").Check(), ErrInvalidUtf8)
	_, err = CheckName(strings.Repeat("a", 70000))
	expectIs(t, err, ErrInvalidLength)
}

func expectIsNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestRotationRedeploymentAndLedgerStatuses(t *testing.T) {
	ring, machine := fixture(t)
	id := machine.IdentificationCode()
	code := must(ring.SealResetCode(id, acct("a", "B"), "p", now))
	// Rotation: on the server, and on the machine in both directions.
	rotated := must(ImportServerKeyRing(must(ring.ExportPlain()), nil))
	defer rotated.Close()
	if e := must(rotated.Rotate(now)); e != ring.CurrentEpoch()+1 {
		t.Fatalf("rotated to %d", e)
	}
	_, err := rotated.SealResetCode(id, acct("a", "B"), "p", now+1)
	if e := expectIs(t, err, ErrKeyRotated); e.CodeEpoch != 1 || e.CurrentEpoch != 2 {
		t.Fatalf("epochs %d %d", e.CodeEpoch, e.CurrentEpoch)
	}
	// Redeploying to epoch 2 enrolls afresh: a new identification code, and the old ledger is
	// another enrollment's.
	oldLedger := must(NewReplayLedger(machine))
	defer oldLedger.Close()
	newer := must(machine.Redeploy(must(rotated.DeploymentPackage())))
	defer newer.Close()
	if newer.Epoch() != 2 || newer.IdentificationCode() == id || machine.Epoch() != 1 {
		t.Fatal("redeployment to epoch 2")
	}
	_, err = newer.OpenResetCodeForDiagnostics(code, acct("a", "B"), "p", now)
	if e := expectIs(t, err, ErrCodeBeforeRotation); e.CodeEpoch != 1 || e.CurrentEpoch != 2 {
		t.Fatalf("epochs %d %d", e.CodeEpoch, e.CurrentEpoch)
	}
	newerCode := must(rotated.SealResetCode(newer.IdentificationCode(), acct("a", "B"), "p", now))
	_, err = machine.OpenResetCodeForDiagnostics(newerCode, acct("a", "B"), "p", now)
	expectIs(t, err, ErrRedeployNeeded)
	_, err = newer.RedeemResetCode(oldLedger, newerCode, acct("a", "B"), "p", now)
	expectIs(t, err, ErrLedgerOfAnotherMachine)
	_, err = ImportReplayLedger(must(oldLedger.ExportPlain()), nil, newer, 0)
	expectIs(t, err, ErrLedgerOfAnotherMachine)
	// The older package for the redeployed machine; a package of another server.
	_, err = newer.Redeploy(must(ring.DeploymentPackage()))
	expectIs(t, err, ErrPackageEpochTooOld)
	other := must(GenerateServerKeyRing(DefaultPolicy(), MinimumPasswordCost()))
	defer other.Close()
	_, err = machine.Redeploy(must(other.DeploymentPackage()))
	expectIs(t, err, ErrPackageSignatureInvalid)

	// The ledger: used, superseded, clock set back, rolled back, too many attempts.
	ledger := must(NewReplayLedger(machine))
	defer ledger.Close()
	later := must(ring.SealResetCode(id, acct("a", "B"), "p", now+120))
	expectIsNil(t, second(machine.RedeemResetCode(ledger, later, acct("a", "B"), "p", now+120)))
	_, err = machine.RedeemResetCode(ledger, later, acct("a", "B"), "p", now+120)
	expectIs(t, err, ErrAlreadyUsed)
	_, err = machine.RedeemResetCode(ledger, code, acct("a", "B"), "p", now+120)
	expectIs(t, err, ErrSuperseded)
	gen := ledger.Generation()
	if gen != 3 {
		t.Fatalf("generation %d after 3 redeems", gen)
	}
	_, err = machine.RedeemResetCode(ledger, later, acct("a", "B"), "p", now-3600)
	expectIs(t, err, ErrClockSetBack)
	if ledger.Generation() != gen {
		t.Fatal("a clock set back changed the ledger")
	}
	saved := must(ledger.ExportPlain())
	if got := must(ImportReplayLedger(saved, nil, machine, gen)); got.Generation() != gen {
		t.Fatal("re-import")
	}
	_, err = ImportReplayLedger(saved, nil, machine, gen+1)
	expectIs(t, err, ErrLedgerRolledBack)
	// Five failed opens of one code (the default limit per code), then the right password is
	// refused too.
	third := must(ring.SealResetCode(id, acct("c", "B"), "right", now+180))
	for i := 0; i < 5; i++ {
		_, err = machine.RedeemResetCode(ledger, third, acct("c", "B"), "wrong", now+180)
		expectIs(t, err, ErrRejected)
	}
	_, err = machine.RedeemResetCode(ledger, third, acct("c", "B"), "right", now+180)
	expectIs(t, err, ErrTooManyAttempts)
	// Statuses the API cannot provoke (RNG failure, epochs exhausted, ledger full or out of
	// memory in reasonable time, NULL pointer, buffer too small, panic) map to their sentinel and
	// message.
	for s, sent := range sentinels {
		expectIs(t, makeError(cStatus(uint32(s)), nil), sent)
	}
}

// Redeem counts attempts before it answers: a failed redeem changes the ledger, which the
// integration must persist; a success resets the account's count and keeps the code.
func TestLedgerChangesOnFailures(t *testing.T) {
	ring, machine := fixture(t)
	ledger := must(NewReplayLedger(machine))
	defer ledger.Close()
	if a, c := ledger.Counts(); a != 0 || c != 0 || ledger.Generation() != 0 {
		t.Fatalf("new ledger: %d %d", a, c)
	}
	code := must(ring.SealResetCode(machine.IdentificationCode(), acct("dave", "CORP"), "pw", now))
	_, err := machine.RedeemResetCode(ledger, code, acct("dave", "CORP"), "not the pw", now+60)
	expectIs(t, err, ErrRejected)
	if a, c := ledger.Counts(); a != 1 || c != 1 || ledger.Generation() != 1 {
		t.Fatalf("after a failure: %d accounts, %d codes, generation %d", a, c, ledger.Generation())
	}
	key := must(GenerateWrappingKey())
	wrapped := must(ledger.Export(key))
	restored := must(ImportReplayLedger(wrapped, key, machine, 1))
	defer restored.Close()
	if _, err := machine.RedeemResetCode(restored, code, acct("dave", "CORP"), "pw", now+60); err != nil {
		t.Fatal(err)
	}
	if a, c := restored.Counts(); a != 1 || c != 0 || restored.Generation() != 2 {
		t.Fatalf("after the success: %d accounts, %d codes", a, c)
	}
	_, err = ImportReplayLedger(wrapped, nil, machine, 0)
	expectIs(t, err, ErrWrappingMismatch)
}

// Same-epoch redeployment keeps the identification code (and the ledger) and takes the
// package's attempt limits; a signing-key rotation reaches only machines redeployed during it.
func TestRedeployAndSigningKeyRotation(t *testing.T) {
	base, _ := fixture(t)
	ring := must(ImportServerKeyRing(must(base.ExportPlain()), nil))
	defer ring.Close()
	machine := must(EnrollMachine(must(ring.DeploymentPackage())))
	defer machine.Close()
	stale := must(EnrollMachine(must(ring.DeploymentPackage()))) // never redeployed
	defer stale.Close()
	id := machine.IdentificationCode()

	if ring.AttemptLimits() != (AttemptLimits{5, 20}) {
		t.Fatalf("default limits %+v", ring.AttemptLimits())
	}
	expectIs(t, ring.SetAttemptLimits(AttemptLimits{0, 20}), ErrInvalidPolicy)
	expectIs(t, ring.SetAttemptLimits(AttemptLimits{5, 1001}), ErrInvalidPolicy)
	before := must(DeploymentPackageFingerprint(must(ring.DeploymentPackage())))
	expectIsNil(t, ring.SetAttemptLimits(AttemptLimits{1, 20}))
	if ring.AttemptLimits() != (AttemptLimits{1, 20}) {
		t.Fatal("limits not kept")
	}
	if got := must(ImportServerKeyRing(must(ring.ExportPlain()), nil)); got.AttemptLimits() != (AttemptLimits{1, 20}) {
		t.Fatal("limits not exported")
	}
	pkg := must(ring.DeploymentPackage())
	fp := must(DeploymentPackageFingerprint(pkg))
	if len(fp) != PackageFingerprintLen || fp == before || strings.ToLower(fp) != fp {
		t.Fatalf("fingerprint %q (before %q)", fp, before)
	}
	if must(DeploymentPackageFingerprint(strings.ToLower(pkg)+"\n")) != fp {
		t.Fatal("the fingerprint depends on the text's form")
	}
	_, err := DeploymentPackageFingerprint(pkg[:len(pkg)-1])
	if err == nil {
		t.Fatal("a truncated package has a fingerprint")
	}

	ledger := must(NewReplayLedger(machine))
	defer ledger.Close()
	redeployed := must(machine.Redeploy(pkg))
	defer redeployed.Close()
	if redeployed.IdentificationCode() != id || !must(redeployed.IsEnrolledWith(pkg)) {
		t.Fatal("same-epoch redeployment changed the identification code")
	}
	code := must(ring.SealResetCode(id, acct("erin", "CORP"), "pw", now))
	_, err = redeployed.RedeemResetCode(ledger, code, acct("erin", "CORP"), "wrong", now)
	expectIs(t, err, ErrRejected)
	_, err = redeployed.RedeemResetCode(ledger, code, acct("erin", "CORP"), "pw", now)
	expectIs(t, err, ErrTooManyAttempts) // limit 1 per code, from the new package

	// Signing-key rotation: packages made during it name the next key; the machine redeployed
	// with one accepts packages signed by the next key, the stale machine does not.
	expectIsNil(t, ring.BeginSigningKeyRotation())
	during := must(ring.DeploymentPackage())
	if during == pkg {
		t.Fatal("the package does not name the next signer")
	}
	expectIsNil(t, ring.BeginSigningKeyRotation()) // nothing changes
	if must(ring.DeploymentPackage()) != during {
		t.Fatal("a second begin drew another key")
	}
	pinned := must(redeployed.Redeploy(during))
	defer pinned.Close()
	expectIsNil(t, ring.FinishSigningKeyRotation())
	after := must(ring.DeploymentPackage())
	expectIsNil(t, second(pinned.Redeploy(after)))
	_, err = stale.Redeploy(after)
	expectIs(t, err, ErrPackageSignatureInvalid)
	expectIsNil(t, ring.FinishSigningKeyRotation()) // nothing changes
	if must(ring.DeploymentPackage()) != after {
		t.Fatal("a second finish changed the package")
	}
}

// A nil handle is a clear error, never a crash, and a redeem without a ledger never opens the
// code without recording it.
func TestNilHandles(t *testing.T) {
	ring, machine := fixture(t)
	code := must(ring.SealResetCode(machine.IdentificationCode(), acct("nil", "CORP"), "p", now))
	_, err := machine.RedeemResetCode(nil, code, acct("nil", "CORP"), "p", now)
	expectIs(t, err, ErrNullPointer)
	_, err = machine.RedeemResetCodeBytes(nil, code, acct("nil", "CORP"), []byte("p"), now)
	expectIs(t, err, ErrNullPointer)
	_, err = NewReplayLedger(nil)
	expectIs(t, err, ErrNullPointer)
	_, err = ImportReplayLedger(must(must(NewReplayLedger(machine)).ExportPlain()), nil, nil, 0)
	expectIs(t, err, ErrNullPointer)
	var m *Machine
	_, err = m.Redeploy(must(ring.DeploymentPackage()))
	expectIs(t, err, ErrNullPointer)
	var r *ServerKeyRing
	expectIs(t, r.BeginSigningKeyRotation(), ErrNullPointer)
	var l *ReplayLedger
	_, err = l.ExportPlain()
	expectIs(t, err, ErrNullPointer)
	// The getters that cannot fail panic on a nil handle, naming the method.
	expectPanic(t, "ReplayLedger.Generation called on a nil *ReplayLedger", ErrNullPointer, func() { l.Generation() })
	expectPanic(t, "Machine.Epoch called on a nil *Machine", ErrNullPointer, func() { m.Epoch() })
	expectPanic(t, "ServerKeyRing.Policy called on a nil *ServerKeyRing", ErrNullPointer, func() { r.Policy() })
}

// expectPanic runs f, which must panic with an error wrapping target whose text contains text.
func expectPanic(t *testing.T, text string, target error, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		v := recover()
		err, ok := v.(error)
		if !ok || !errors.Is(err, target) || !strings.Contains(err.Error(), text) {
			t.Errorf("panic %v, want an error wrapping %v with %q", v, target, text)
		}
	}()
	f()
}

func TestCloseTwiceAndUseAfterClose(t *testing.T) {
	ring, machine := fixture(t)
	r := must(ImportServerKeyRing(must(ring.ExportPlain()), nil))
	m := must(ImportMachine(must(machine.ExportPlain()), nil))
	l := must(NewReplayLedger(machine))
	for _, c := range []interface{ Close() error }{r, m, l} {
		if c.Close() != nil || c.Close() != nil {
			t.Fatal("Close failed")
		}
	}
	id := machine.IdentificationCode()
	code := must(ring.SealResetCode(id, acct("a", "B"), "p", now))
	ledgerBlob := must(must(NewReplayLedger(machine)).ExportPlain())
	pkg := must(ring.DeploymentPackage())
	errs := []error{}
	add := func(_ interface{}, err error) { errs = append(errs, err) }
	add(r.SealResetCode(id, acct("a", "B"), "p", now))
	add(r.SealResetCodeBytes(id, acct("a", "B"), []byte("p"), now))
	add(r.ExportPlain())
	add(r.Rotate(now))
	add(nil, r.Prune(now))
	add(nil, r.SetRetiredGraceSeconds(1))
	add(nil, r.SetRetiredGrace(time.Second))
	add(nil, r.SetPolicy(DefaultPolicy()))
	add(r.PasswordCost(1))
	add(nil, r.SetPasswordCost(MinimumPasswordCost()))
	add(nil, r.SetAttemptLimits(AttemptLimits{5, 20}))
	add(nil, r.BeginSigningKeyRotation())
	add(nil, r.FinishSigningKeyRotation())
	add(r.DeploymentPackage())
	add(r.CopyToPKCS11(TokenPlace{"/m.so", "t", []byte("1234"), "p"}))
	add(r.ExportPlain())
	add(r.RotateAt(time.Unix(now, 0)))
	add(nil, r.PruneAt(time.Unix(now, 0)))
	add(r.SealResetCodeAt(id, acct("a", "B"), "p", time.Unix(now, 0)))
	add(m.Export(must(GenerateWrappingKey())))
	add(m.ExportPlain())
	add(m.IsEnrolledWith("x"))
	add(m.Redeploy(pkg))
	add(m.OpenResetCodeForDiagnostics(code, acct("a", "B"), "p", now))
	add(m.OpenResetCodeForDiagnosticsBytes(code, acct("a", "B"), []byte("p"), now))
	add(m.RedeemResetCode(l, code, acct("a", "B"), "p", now))
	add(m.RedeemResetCodeAt(l, code, acct("a", "B"), "p", time.Unix(now, 0)))
	add(machine.RedeemResetCode(l, code, acct("a", "B"), "p", now)) // open machine, closed ledger
	add(NewReplayLedger(m))
	add(ImportReplayLedger(ledgerBlob, nil, m, 0))
	add(l.Export(must(GenerateWrappingKey())))
	add(l.ExportPlain())
	for i, err := range errs {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("call %d after Close: %v", i, err)
		}
	}
	// The getters that cannot fail return values; after Close they panic with an error wrapping
	// ErrClosed that names the method.
	for name, f := range map[string]func(){
		"ServerKeyRing.RetiredGraceSeconds": func() { r.RetiredGraceSeconds() },
		"ServerKeyRing.RetiredGrace":        func() { r.RetiredGrace() }, // through RetiredGraceSeconds
		"ServerKeyRing.Policy":              func() { r.Policy() },
		"ServerKeyRing.CurrentPasswordCost": func() { r.CurrentPasswordCost() },
		"ServerKeyRing.AttemptLimits":       func() { r.AttemptLimits() },
		"ServerKeyRing.CurrentEpoch":        func() { r.CurrentEpoch() },
		"ServerKeyRing.Epochs":              func() { r.Epochs() },
		"ServerKeyRing.IsHeldInToken":       func() { r.IsHeldInToken() },
		"Machine.IdentificationCode":        func() { m.IdentificationCode() },
		"Machine.Epoch":                     func() { m.Epoch() },
		"Machine.Policy":                    func() { m.Policy() },
		"Machine.PasswordCost":              func() { m.PasswordCost() },
		"ReplayLedger.Counts":               func() { l.Counts() },
		"ReplayLedger.Generation":           func() { l.Generation() },
	} {
		want := name
		if name == "ServerKeyRing.RetiredGrace" {
			want = "ServerKeyRing.RetiredGraceSeconds"
		}
		expectPanic(t, want+" called after Close", ErrClosed, f)
	}
}

func TestRingSettingsAndExports(t *testing.T) {
	ring, _ := fixture(t)
	key := must(GenerateWrappingKey())
	r := must(ImportServerKeyRing(must(ring.Export(key)), key))
	defer r.Close()
	if r.SetPolicy(Policy{60, 5}) != nil || r.SetRetiredGraceSeconds(3600) != nil {
		t.Fatal("setters")
	}
	if r.Policy() != (Policy{60, 5}) || r.RetiredGraceSeconds() != 3600 {
		t.Fatal("settings not kept")
	}
	if r.CurrentPasswordCost() != MinimumPasswordCost() {
		t.Fatal("cost")
	}
	if r.SetPasswordCost(PasswordCost{20000, 2, 1}) != nil || must(r.Rotate(now)) != 2 || must(r.PasswordCost(2)) != (PasswordCost{20000, 2, 1}) {
		t.Fatal("rotation with a new cost")
	}
	if err := r.Prune(now + 3600); err != nil || len(r.Epochs()) != 1 || r.Epochs()[0] != 2 {
		t.Fatalf("prune: %v %v", err, r.Epochs())
	}
	_, err := r.PasswordCost(1)
	expectIs(t, err, ErrKeyRotated)
	pkg := must(r.DeploymentPackage())
	if len(pkg) != DeploymentPackageTextLen {
		t.Fatalf("package of %d characters", len(pkg))
	}
	if info := must(CheckDeploymentPackage(pkg)); info != (DeploymentPackageInfo{2, Policy{60, 5}}) {
		t.Fatalf("info %+v", info)
	}
	m := must(EnrollMachine(pkg))
	defer m.Close()
	if !must(m.IsEnrolledWith(pkg)) || m.Epoch() != 2 || m.PasswordCost() != (PasswordCost{20000, 2, 1}) || m.Policy() != (Policy{60, 5}) {
		t.Fatal("machine")
	}
}

func TestNames(t *testing.T) {
	if must(DefaultOfflineDomain("corp.example.com")) != "CORP" {
		t.Fatal("domain")
	}
	a := must(must(AccountWithFQDN("alice", "corp.example.com", testSID(7))).Normalize())
	if !sameAccount(a, must(Account{"ALICE", "corp", testSID(7)}.Normalize())) || !bytes.Equal(a.SID, testSID(7)) {
		t.Fatalf("%+v", a)
	}
	if must(CheckName(`CORP\alice`)) != NameProblemQualifiedName || NameProblemQualifiedName.Hint() == "" {
		t.Fatal("name problem")
	}
	if must(CheckName("")) != NameProblemEmpty || must(CheckName("alice")) != NameProblemNone {
		t.Fatal("empty / none")
	}
	if ProtocolVersion() != 1 || strings.Count(Version(), ".") != 2 || StatusOK.String() != "OK" {
		t.Fatal("versions")
	}
}

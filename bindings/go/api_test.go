package offlinereset

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
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

func TestRoundTripNonASCII(t *testing.T) {
	ring, machine := fixture(t)
	id := must(machine.IdentificationCode())
	for _, c := range []struct{ user, domain, pw string }{
		{"alice", "CORP", "Winter-Tulip-42"}, {"Jürgen", "ÖSTERREICH", "Grüße aus Wien 🏔"},
		{"İstanbul", "ist", "pässwörd"}, {"山田", "東京", "パスワード"},
	} {
		code, err := ring.SealResetCode(id, Account{c.user, c.domain}, c.pw, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(code.String()) != ResetCodeTextLen {
			t.Fatalf("code %q", code)
		}
		typed := must(ParseResetCode(strings.ToLower(code.String())))
		a, err := machine.OpenResetCodeBytes(typed, Account{strings.ToUpper(c.user), strings.ToLower(c.domain)}, []byte(c.pw), now+60)
		if err != nil {
			t.Fatalf("%s: %v", c.user, err)
		}
		if !(a.IssuedAt <= now && now < a.ExpiresAt) || a.Issued().Unix() != a.IssuedAt {
			t.Fatalf("accepted %+v", a)
		}
		_, err = machine.OpenResetCode(code, Account{c.user, c.domain}, c.pw+"x", now+60)
		expectIs(t, err, ErrRejected)
		norm := must(Account{c.user, c.domain}.Normalize())
		if norm != must(Account{strings.ToUpper(c.user), strings.ToLower(c.domain)}.Normalize()) {
			t.Fatalf("normalized forms differ for %s", c.user)
		}
	}
}

func TestPasswordBytesAreTheCallers(t *testing.T) {
	ring, machine := fixture(t)
	pw := []byte("Grüße")
	code := must(ring.SealResetCodeBytes(must(machine.IdentificationCode()), Account{"bob", "CORP"}, pw, now))
	if !bytes.Equal(pw, []byte("Grüße")) {
		t.Fatal("the binding changed the caller's buffer")
	}
	if _, err := machine.OpenResetCodeBytes(code, Account{"bob", "CORP"}, pw, now); err != nil {
		t.Fatal(err)
	}
	for i := range pw {
		pw[i] = 0 // the caller wipes it
	}
	_, err := machine.OpenResetCodeBytes(code, Account{"bob", "CORP"}, pw, now)
	expectIs(t, err, ErrRejected)
	_, err = ring.SealResetCodeBytes(must(machine.IdentificationCode()), Account{"bob", "CORP"}, nil, now)
	expectIs(t, err, ErrInvalidPassword)
}

func TestEveryStatusAsItsSentinel(t *testing.T) {
	ring, machine := fixture(t)
	id := must(machine.IdentificationCode())
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
	expectIs(t, Account{"", "CORP"}.Check(), ErrInvalidUsername)
	_, err = Account{"a", "X/Y"}.Normalize()
	expectIs(t, err, ErrInvalidDomain)
	_, err = ring.SealResetCode(id, Account{"a", "B"}, "", now)
	expectIs(t, err, ErrInvalidPassword)
	_, err = ring.SealResetCode(id, Account{"a", "B"}, "p", 0)
	expectIs(t, err, ErrTimeOutOfRange)
	_, err = GenerateServerKeyRing(Policy{0, 0}, MinimumPasswordCost())
	expectIs(t, err, ErrInvalidPolicy)
	code := must(ring.SealResetCode(id, Account{"a", "B"}, "p", now))
	_, err = machine.OpenResetCode(code, Account{"a", "B"}, "p", now+10*86400)
	expectIs(t, err, ErrExpired)
	_, err = machine.OpenResetCode(code, Account{"a", "B"}, "p", now-3600)
	expectIs(t, err, ErrNotYetValid)
	_, err = ImportMachine(must(ring.Export(nil)), nil)
	expectIs(t, err, ErrWrongKind)
	key1, key2 := must(GenerateWrappingKey()), must(GenerateWrappingKey())
	_, err = ImportMachine(must(machine.Export(key1)), nil)
	expectIs(t, err, ErrWrappingMismatch)
	_, err = ImportMachine(must(machine.Export(key1)), key2)
	expectIs(t, err, ErrWrongWrappingKey)
	_, err = machine.Export([]byte("short"))
	expectIs(t, err, ErrInvalidKeyMaterial)
	empty := must(NewReplayLedger())
	blob := must(empty.Export(nil))
	_, err = ImportReplayLedger(blob[:len(blob)-1], nil)
	expectIs(t, err, ErrTruncated)
	state := must(machine.Export(nil))
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
	expectIs(t, Account{"\xff", "CORP"}.Check(), ErrInvalidUtf8)
	_, err = CheckName(strings.Repeat("a", 70000))
	expectIs(t, err, ErrInvalidLength)
	// Rotation: on the server, and on the machine in both directions.
	rotated := must(ImportServerKeyRing(must(ring.Export(nil)), nil))
	defer rotated.Close()
	if e := must(rotated.Rotate(now)); e != must(ring.CurrentEpoch())+1 {
		t.Fatalf("rotated to %d", e)
	}
	_, err = rotated.SealResetCode(id, Account{"a", "B"}, "p", now+1)
	if e := expectIs(t, err, ErrKeyRotated); e.CodeEpoch != 1 || e.CurrentEpoch != 2 {
		t.Fatalf("epochs %d %d", e.CodeEpoch, e.CurrentEpoch)
	}
	newer := must(EnrollMachine(must(rotated.DeploymentPackage())))
	defer newer.Close()
	_, err = newer.OpenResetCode(code, Account{"a", "B"}, "p", now)
	if e := expectIs(t, err, ErrCodeBeforeRotation); e.CodeEpoch != 1 || e.CurrentEpoch != 2 {
		t.Fatalf("epochs %d %d", e.CodeEpoch, e.CurrentEpoch)
	}
	newerCode := must(rotated.SealResetCode(must(newer.IdentificationCode()), Account{"a", "B"}, "p", now))
	_, err = machine.OpenResetCode(newerCode, Account{"a", "B"}, "p", now)
	expectIs(t, err, ErrRedeployNeeded)
	ledger := must(NewReplayLedger())
	defer ledger.Close()
	later := must(ring.SealResetCode(id, Account{"a", "B"}, "p", now+120))
	if _, err := machine.RedeemResetCode(ledger, later, Account{"a", "B"}, "p", now+120); err != nil {
		t.Fatal(err)
	}
	_, err = machine.RedeemResetCode(ledger, later, Account{"a", "B"}, "p", now+120)
	expectIs(t, err, ErrAlreadyUsed)
	_, err = machine.RedeemResetCode(ledger, code, Account{"a", "B"}, "p", now+120)
	expectIs(t, err, ErrSuperseded)
	if must(ledger.Len()) != 1 || must(must(ImportReplayLedger(must(ledger.Export(nil)), nil)).Len()) != 1 {
		t.Fatal("ledger length")
	}
	// Statuses the API cannot provoke (RNG failure, epochs exhausted, ledger full in reasonable
	// time, NULL pointer, buffer too small, panic) map to their sentinel and message.
	for s, sent := range sentinels {
		expectIs(t, makeError(cStatus(uint32(s)), nil), sent)
	}
}

func TestCloseTwiceAndUseAfterClose(t *testing.T) {
	ring, machine := fixture(t)
	r := must(ImportServerKeyRing(must(ring.Export(nil)), nil))
	m := must(ImportMachine(must(machine.Export(nil)), nil))
	l := must(NewReplayLedger())
	for _, c := range []interface{ Close() error }{r, m, l} {
		if c.Close() != nil || c.Close() != nil {
			t.Fatal("Close failed")
		}
	}
	id := must(machine.IdentificationCode())
	code := must(ring.SealResetCode(id, Account{"a", "B"}, "p", now))
	errs := []error{}
	add := func(_ interface{}, err error) { errs = append(errs, err) }
	add(r.SealResetCode(id, Account{"a", "B"}, "p", now))
	add(r.SealResetCodeBytes(id, Account{"a", "B"}, []byte("p"), now))
	add(r.Export(nil))
	add(r.Rotate(now))
	add(nil, r.Prune(now))
	add(r.RetiredGraceSeconds())
	add(nil, r.SetRetiredGraceSeconds(1))
	add(r.Policy())
	add(nil, r.SetPolicy(DefaultPolicy()))
	add(r.PasswordCost(1))
	add(r.CurrentPasswordCost())
	add(nil, r.SetPasswordCost(MinimumPasswordCost()))
	add(r.CurrentEpoch())
	add(r.Epochs())
	add(r.DeploymentPackage())
	add(m.Export(nil))
	add(m.IdentificationCode())
	add(m.Epoch())
	add(m.Policy())
	add(m.PasswordCost())
	add(m.IsEnrolledWith("x"))
	add(m.OpenResetCode(code, Account{"a", "B"}, "p", now))
	add(m.OpenResetCodeBytes(code, Account{"a", "B"}, []byte("p"), now))
	add(m.RedeemResetCode(l, code, Account{"a", "B"}, "p", now))
	add(machine.RedeemResetCode(l, code, Account{"a", "B"}, "p", now)) // open machine, closed ledger
	add(l.Len())
	add(l.Export(nil))
	for i, err := range errs {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("call %d after Close: %v", i, err)
		}
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
	if must(r.Policy()) != (Policy{60, 5}) || must(r.RetiredGraceSeconds()) != 3600 {
		t.Fatal("settings not kept")
	}
	if must(r.CurrentPasswordCost()) != MinimumPasswordCost() {
		t.Fatal("cost")
	}
	if r.SetPasswordCost(PasswordCost{20000, 2, 1}) != nil || must(r.Rotate(now)) != 2 || must(r.PasswordCost(2)) != (PasswordCost{20000, 2, 1}) {
		t.Fatal("rotation with a new cost")
	}
	if err := r.Prune(now + 3600); err != nil || len(must(r.Epochs())) != 1 || must(r.Epochs())[0] != 2 {
		t.Fatalf("prune: %v %v", err, must(r.Epochs()))
	}
	_, err := r.PasswordCost(1)
	expectIs(t, err, ErrKeyRotated)
	pkg := must(r.DeploymentPackage())
	if info := must(CheckDeploymentPackage(pkg)); info != (DeploymentPackageInfo{2, Policy{60, 5}}) {
		t.Fatalf("info %+v", info)
	}
	m := must(EnrollMachine(pkg))
	defer m.Close()
	if !must(m.IsEnrolledWith(pkg)) || must(m.Epoch()) != 2 || must(m.PasswordCost()) != (PasswordCost{20000, 2, 1}) || must(m.Policy()) != (Policy{60, 5}) {
		t.Fatal("machine")
	}
}

func TestNames(t *testing.T) {
	if must(DefaultOfflineDomain("corp.example.com")) != "CORP" {
		t.Fatal("domain")
	}
	a := must(must(AccountWithFQDN("alice", "corp.example.com")).Normalize())
	if a != must(Account{"ALICE", "corp"}.Normalize()) {
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

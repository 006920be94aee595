package offlinereset

import (
	"bytes"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
	"time"
)

// No panic at package initialization: a library of another ABI is an error from the first call
// (an *ABIError matching ErrIncompatibleLibrary), from every entry point that can fail, and the
// check is made once.
func TestIncompatibleLibraryIsAnErrorFromTheFirstCall(t *testing.T) {
	saved := abi
	defer func() { abi = saved }()
	abi = &abiCheck{want: 3 << 16} // as if this binding were written for ABI 3.0
	calls := map[string]func() error{
		"ParseIdentificationCode": func() error { _, err := ParseIdentificationCode("x"); return err },
		"ParseResetCode":          func() error { _, err := ParseResetCode("x"); return err },
		"GenerateServerKeyRing": func() error {
			_, err := GenerateServerKeyRing(DefaultPolicy(), MinimumPasswordCost())
			return err
		},
		"ImportServerKeyRing": func() error { _, err := ImportServerKeyRing([]byte{1}, nil); return err },
		"EnrollMachine":       func() error { _, err := EnrollMachine("x"); return err },
		"ImportMachine":       func() error { _, err := ImportMachine([]byte{1}, nil); return err },
		"NewReplayLedger":     func() error { _, err := NewReplayLedger(nil); return err },
		"Account.Check":       func() error { return acct("a", "B").Check() },
		"Account.Normalize":   func() error { _, err := acct("a", "B").Normalize(); return err },
		"GenerateWrappingKey": func() error { _, err := GenerateWrappingKey(); return err },
		"CheckName":           func() error { _, err := CheckName("a"); return err },
	}
	for name, call := range calls {
		err := call()
		var e *ABIError
		if !errors.Is(err, ErrIncompatibleLibrary) || !errors.As(err, &e) || e.Wanted != 3<<16 ||
			!strings.Contains(err.Error(), "this binding needs 3.0") {
			t.Errorf("%s: %v", name, err)
		}
	}
	abi = saved
	if _, err := ParseIdentificationCode("x"); errors.Is(err, ErrIncompatibleLibrary) || err == nil {
		t.Fatalf("the compatible library: %v", err)
	}
}

// Source checks: no init function, and every exported function (and Account method) that returns
// an error calls ready() first. The methods of handles need not: a handle exists only after a
// constructor called it.
func TestEveryFallibleEntryPointChecksTheABI(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			if fn.Name.Name == "init" && fn.Recv == nil {
				t.Errorf("%s: an init function (the package must not panic at initialization)", fset.Position(fn.Pos()))
			}
			if !fn.Name.IsExported() || fn.Type.Results == nil {
				continue
			}
			if fn.Recv != nil {
				if id, ok := fn.Recv.List[0].Type.(*ast.Ident); !ok || id.Name != "Account" {
					continue // a handle's method, or a method of a value that never fails
				}
			}
			returnsError := false
			for _, r := range fn.Type.Results.List {
				if id, ok := r.Type.(*ast.Ident); ok && id.Name == "error" {
					returnsError = true
				}
			}
			if !returnsError {
				continue
			}
			callsReady := false
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "ready" {
						callsReady = true
					}
				}
				return true
			})
			checked++
			if !callsReady {
				t.Errorf("%s: %s returns an error but does not call ready()", fset.Position(fn.Pos()), fn.Name.Name)
			}
		}
	}
	if checked < 15 {
		t.Fatalf("checked only %d functions", checked)
	}
}

// A plain export is never made by Export: Export needs a wrapping key (ErrNoWrappingKey for nil
// or empty), ExportPlain makes the plain one, and each reads back as what it is.
func TestExportNeedsAKeyAndExportPlainIsPlain(t *testing.T) {
	ring, machine := fixture(t)
	ledger := must(NewReplayLedger(machine))
	defer ledger.Close()
	key := must(GenerateWrappingKey())
	for name, export := range map[string]func([]byte) ([]byte, error){
		"ServerKeyRing": ring.Export, "Machine": machine.Export, "ReplayLedger": ledger.Export,
	} {
		for _, k := range [][]byte{nil, {}} {
			if out, err := export(k); !errors.Is(err, ErrNoWrappingKey) || out != nil {
				t.Errorf("%s.Export(%#v): %d bytes, %v", name, k, len(out), err)
			}
		}
	}
	plainRing, wrappedRing := must(ring.ExportPlain()), must(ring.Export(key))
	if bytes.Equal(plainRing, wrappedRing) {
		t.Fatal("the wrapped export is the plain one")
	}
	must(ImportServerKeyRing(plainRing, nil)).Close()
	must(ImportServerKeyRing(wrappedRing, key)).Close()
	_, err := ImportServerKeyRing(wrappedRing, nil)
	expectIs(t, err, ErrWrappingMismatch)
	_, err = ImportServerKeyRing(plainRing, key)
	expectIs(t, err, ErrWrappingMismatch)

	must(ImportMachine(must(machine.ExportPlain()), nil)).Close()
	_, err = ImportMachine(must(machine.Export(key)), nil)
	expectIs(t, err, ErrWrappingMismatch)
	must(ImportReplayLedger(must(ledger.ExportPlain()), nil, machine, 0)).Close()
	_, err = ImportReplayLedger(must(ledger.Export(key)), nil, machine, 0)
	expectIs(t, err, ErrWrappingMismatch)
}

// The time.Time and time.Duration forms give what the unix-seconds ones give.
func TestTimeForms(t *testing.T) {
	ring, machine := fixture(t)
	id := machine.IdentificationCode()
	at := time.Unix(now, 999_000_000) // a fraction of a second is dropped
	code := must(ring.SealResetCode(id, acct("tim", "CORP"), "pw", now))
	if c := must(ring.SealResetCodeAt(id, acct("tim", "CORP"), "pw", at)); c != code {
		t.Fatalf("SealResetCodeAt %s, SealResetCode %s", c, code)
	}
	if c := must(ring.SealResetCodeBytesAt(id, acct("tim", "CORP"), []byte("pw"), at.In(time.FixedZone("X", 7*3600)))); c != code {
		t.Fatal("SealResetCodeBytesAt in another zone")
	}
	_, err := ring.SealResetCodeAt(id, acct("tim", "CORP"), "pw", time.Time{})
	expectIs(t, err, ErrTimeOutOfRange)

	a := must(machine.OpenResetCodeForDiagnosticsAt(code, acct("tim", "CORP"), "pw", at.Add(time.Minute)))
	if want := must(machine.OpenResetCodeForDiagnostics(code, acct("tim", "CORP"), "pw", now+60)); a != want ||
		!a.Issued().Equal(time.Unix(a.IssuedAt, 0)) || a.Expires().Sub(a.Issued()) != ring.Policy().ResetCodeLifetime() {
		t.Fatalf("accepted %+v", a)
	}
	must(machine.OpenResetCodeForDiagnosticsBytesAt(code, acct("tim", "CORP"), []byte("pw"), at))
	_, err = machine.OpenResetCodeForDiagnosticsAt(code, acct("tim", "CORP"), "pw", at.Add(25*time.Hour))
	expectIs(t, err, ErrExpired)
	ledger := must(NewReplayLedger(machine))
	defer ledger.Close()
	_, err = machine.RedeemResetCodeBytesAt(ledger, code, acct("tim", "CORP"), []byte("wrong"), at)
	expectIs(t, err, ErrRejected)
	if a2 := must(machine.RedeemResetCodeAt(ledger, code, acct("tim", "CORP"), "pw", at)); a2 != a {
		t.Fatalf("redeem %+v, open %+v", a2, a)
	}
	_, err = machine.RedeemResetCodeAt(ledger, code, acct("tim", "CORP"), "pw", at.Add(-2*time.Hour))
	expectIs(t, err, ErrClockSetBack)

	if p := DefaultPolicy(); p.ResetCodeLifetime() != 24*time.Hour || p.ClockSkew() != 10*time.Minute {
		t.Fatalf("policy durations %v %v", p.ResetCodeLifetime(), p.ClockSkew())
	}
	r := must(ImportServerKeyRing(must(ring.ExportPlain()), nil))
	defer r.Close()
	expectIsNil(t, r.SetRetiredGrace(90*time.Minute+500*time.Millisecond))
	if r.RetiredGraceSeconds() != 5400 || r.RetiredGrace() != 90*time.Minute {
		t.Fatalf("grace %d s, %v", r.RetiredGraceSeconds(), r.RetiredGrace())
	}
	expectIs(t, r.SetRetiredGrace(-time.Second), ErrInvalidPolicy)
	expectIs(t, r.SetRetiredGrace(time.Duration(1<<32)*time.Second), ErrInvalidPolicy)
	if r.RetiredGraceSeconds() != 5400 {
		t.Fatal("a refused grace changed the ring")
	}
	if e := must(r.RotateAt(at)); e != ring.CurrentEpoch()+1 || len(r.Epochs()) != 2 {
		t.Fatalf("RotateAt: epoch %d, epochs %v", e, r.Epochs())
	}
	expectIsNil(t, r.PruneAt(at.Add(89*time.Minute)))
	if len(r.Epochs()) != 2 {
		t.Fatal("PruneAt erased a generation inside its grace")
	}
	expectIsNil(t, r.PruneAt(at.Add(91*time.Minute)))
	if len(r.Epochs()) != 1 {
		t.Fatalf("PruneAt after the grace: %v", r.Epochs())
	}
}

// The account for display (as typed, the SID as S-1-…), and the same account as the library
// compares it (the other bindings' equality).
func TestAccountDisplayAndSameness(t *testing.T) {
	a := Account{"Jürgen", "corp", testSID(1104)}
	if got := a.String(); got != `corp\Jürgen (S-1-5-21-1004336348-1177238915-682003330-1104)` {
		t.Fatalf("String %q", got)
	}
	if got := (Account{"x", "Y", []byte{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}}).SIDString(); got != "S-1-5-18" {
		t.Fatalf("SYSTEM %q", got)
	}
	for _, bad := range [][]byte{nil, {1}, testSID(1)[:20], append([]byte{1, 2}, testSID(1)[2:]...)} {
		if got := (Account{SID: bad}).SIDString(); !strings.HasPrefix(got, "invalid SID") {
			t.Errorf("%x: %q", bad, got)
		}
	}
	norm := must(a.Normalize())
	if norm.Username != "JÜRGEN" || norm.OfflineDomain != "CORP" || a.Username != "Jürgen" {
		t.Fatalf("normalized %+v, typed %+v", norm, a)
	}
	if !must(a.Same(Account{"JÜRGEN", "CORP", testSID(1104)})) || must(a.Same(Account{"Jürgen", "corp", testSID(1105)})) ||
		must(a.Same(Account{"Jurgen", "corp", testSID(1104)})) {
		t.Fatal("Same")
	}
	_, err := a.Same(Account{"", "corp", testSID(1104)})
	expectIs(t, err, ErrInvalidUsername)
}

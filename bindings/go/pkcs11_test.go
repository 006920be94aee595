package offlinereset

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
)

// Server keys in a PKCS#11 token (ABI 2.1). Without OLR_TEST_PKCS11_MODULE the linked library is
// the default build: the three PKCS#11 calls fail with ErrPkcs11NotBuilt. With
// OLR_TEST_PKCS11_MODULE (the module's path), OLR_TEST_PKCS11_TOKEN (the token's label) and
// OLR_TEST_PKCS11_PIN set, the library was built with OLR_CARGO_FEATURES=pkcs11 and the rings
// are made in that token under label prefixes new to each run ("go-" and random hex); the test
// destroys nothing in the token.

func tokenPrefix(t *testing.T) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "go-" + hex.EncodeToString(b)
}

func TestTokenPlaceHidesThePIN(t *testing.T) {
	place := TokenPlace{"/usr/lib/softhsm/libsofthsm2.so", "olr", []byte("s3cret-PIN"), "go-x"}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		text := fmt.Sprintf(format, place)
		if strings.Contains(text, "s3cret") || !strings.Contains(text, "go-x") || !strings.Contains(text, "libsofthsm2") {
			t.Errorf("%s: %s", format, text)
		}
	}
	ring, _ := fixture(t)
	if ring.IsHeldInToken() {
		t.Fatal("a software ring is held in a token")
	}
}

func TestPKCS11NotBuilt(t *testing.T) {
	if os.Getenv("OLR_TEST_PKCS11_MODULE") != "" {
		t.Skip("OLR_TEST_PKCS11_MODULE is set: a pkcs11 build")
	}
	ring, _ := fixture(t)
	place := TokenPlace{"/usr/lib/softhsm/libsofthsm2.so", "olr", []byte("1234"), tokenPrefix(t)}
	_, err := GenerateServerKeyRingPKCS11(place, DefaultPolicy(), MinimumPasswordCost())
	if e := expectIs(t, err, ErrPkcs11NotBuilt); uint32(e.Status) != 35 {
		t.Fatalf("status %d", e.Status)
	}
	_, err = OpenServerKeyRingPKCS11(place)
	expectIs(t, err, ErrPkcs11NotBuilt)
	_, err = ring.CopyToPKCS11(place)
	expectIs(t, err, ErrPkcs11NotBuilt)
	// The arguments are checked first: a bad policy is ErrInvalidPolicy; an empty PIN is passed
	// as an empty input, not a NULL pointer.
	_, err = GenerateServerKeyRingPKCS11(place, Policy{0, 0}, MinimumPasswordCost())
	expectIs(t, err, ErrInvalidPolicy)
	_, err = OpenServerKeyRingPKCS11(TokenPlace{place.ModulePath, place.TokenLabel, nil, place.KeyLabelPrefix})
	expectIs(t, err, ErrPkcs11NotBuilt)
}

func TestPKCS11Token(t *testing.T) {
	module, token, pin := os.Getenv("OLR_TEST_PKCS11_MODULE"), os.Getenv("OLR_TEST_PKCS11_TOKEN"), os.Getenv("OLR_TEST_PKCS11_PIN")
	if module == "" || token == "" || pin == "" {
		t.Skip("OLR_TEST_PKCS11_MODULE, _TOKEN and _PIN name a token to test against")
	}
	place := TokenPlace{module, token, []byte(pin), tokenPrefix(t)}
	cost := MinimumPasswordCost()
	alice := acct("alice", "CORP")
	const password = "Winter-Tulip-42"

	// (a) A ring generated in the token: its keys do not leave it.
	ring := must(GenerateServerKeyRingPKCS11(place, DefaultPolicy(), cost))
	defer ring.Close()
	if !ring.IsHeldInToken() || ring.CurrentPasswordCost() != cost || ring.CurrentEpoch() != 1 {
		t.Fatal("the ring in the token")
	}
	_, err := ring.ExportPlain()
	expectIs(t, err, ErrKeysInToken)
	_, err = ring.Export(must(GenerateWrappingKey()))
	expectIs(t, err, ErrKeysInToken)
	_, err = ring.CopyToPKCS11(TokenPlace{module, token, []byte(pin), tokenPrefix(t)})
	expectIs(t, err, ErrKeysInToken)

	// (b) A machine enrolled from its package redeems a code it sealed.
	machine := must(EnrollMachine(must(ring.DeploymentPackage())))
	defer machine.Close()
	id := machine.IdentificationCode()
	code := must(ring.SealResetCode(id, alice, password, now))
	ledger := must(NewReplayLedger(machine))
	defer ledger.Close()
	if a, err := machine.RedeemResetCode(ledger, code, alice, password, now+60); err != nil || !(a.IssuedAt <= now && now < a.ExpiresAt) {
		t.Fatalf("redeem: %+v %v", a, err)
	}

	// (c) The same ring opened again seals the same code (token signatures are randomized: the
	// package is the same one, signed anew).
	again := must(OpenServerKeyRingPKCS11(place))
	defer again.Close()
	if !again.IsHeldInToken() || must(CheckDeploymentPackage(must(again.DeploymentPackage()))) != must(CheckDeploymentPackage(must(ring.DeploymentPackage()))) {
		t.Fatal("the reopened ring")
	}
	if c := must(again.SealResetCodeBytes(id, alice, []byte(password), now)); c != code {
		t.Fatalf("reopened ring sealed %s, first %s", c, code)
	}

	// (d) The token's statuses, each as its sentinel; the PIN is in no error text.
	_, err = GenerateServerKeyRingPKCS11(place, DefaultPolicy(), cost)
	expectIs(t, err, ErrTokenRingExists)
	_, err = OpenServerKeyRingPKCS11(TokenPlace{module, token, []byte(pin), tokenPrefix(t)})
	expectIs(t, err, ErrTokenKeyMissing)
	// A wrong PIN is refused at a process's login to a token: checked on the spare token, which
	// no handle of this process has open (an open one shares its login, unchecked).
	wrong := "wrong-" + tokenPrefix(t)
	_, err = OpenServerKeyRingPKCS11(TokenPlace{module, os.Getenv("OLR_TEST_PKCS11_SPARE_TOKEN"), []byte(wrong), place.KeyLabelPrefix})
	expectIs(t, err, ErrTokenWrongPin)
	if strings.Contains(err.Error(), wrong) || strings.Contains(fmt.Sprintf("%#v", err), wrong) || strings.Contains(err.Error(), pin) {
		t.Fatalf("the PIN in the error: %v", err)
	}
	_, err = OpenServerKeyRingPKCS11(TokenPlace{"/nonexistent/libnone.so", token, []byte(pin), place.KeyLabelPrefix})
	expectIs(t, err, ErrTokenModuleNotFound)
	_, err = OpenServerKeyRingPKCS11(TokenPlace{module, "no-such-token", []byte(pin), place.KeyLabelPrefix})
	expectIs(t, err, ErrTokenAbsent)
	_, err = OpenServerKeyRingPKCS11(TokenPlace{module, token, []byte(pin), ""})
	expectIs(t, err, ErrMalformedInput)

	// (e) Rotation is written to the token: codes for the old identification code are refused.
	if e := must(ring.Rotate(now)); e != 2 {
		t.Fatalf("rotated to %d", e)
	}
	_, err = ring.SealResetCode(id, alice, password, now+1)
	if e := expectIs(t, err, ErrKeyRotated); e.CodeEpoch != 1 || e.CurrentEpoch != 2 {
		t.Fatalf("epochs %d %d", e.CodeEpoch, e.CurrentEpoch)
	}
	reopened := must(OpenServerKeyRingPKCS11(place))
	defer reopened.Close()
	if reopened.CurrentEpoch() != 2 {
		t.Fatal("the rotation is not in the token")
	}

	// (f) A software ring copied into the token seals exactly the codes it seals.
	software := must(GenerateServerKeyRing(DefaultPolicy(), cost))
	defer software.Close()
	softMachine := must(EnrollMachine(must(software.DeploymentPackage())))
	defer softMachine.Close()
	softID := softMachine.IdentificationCode()
	expected := must(software.SealResetCode(softID, alice, password, now))
	copied := must(software.CopyToPKCS11(TokenPlace{module, token, []byte(pin), tokenPrefix(t)}))
	defer copied.Close()
	if !copied.IsHeldInToken() || software.IsHeldInToken() {
		t.Fatal("held in token")
	}
	if c := must(copied.SealResetCode(softID, alice, password, now)); c != expected {
		t.Fatalf("the copy sealed %s, the software ring %s", c, expected)
	}
	if _, err := software.ExportPlain(); err != nil {
		t.Fatalf("the original no longer exports: %v", err)
	}
}

package offlinereset_test

import (
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	offlinereset "github.com/offline-reset/offline-reset/bindings/go"
)

// A help desk seals a reset code for the identification code a user reads out over the phone;
// the user's machine redeems it offline, at the login screen.
func Example_helpDeskSeal() {
	// The reset server's key ring (once; keep its wrapped export). The minimum password cost
	// keeps the example fast; production uses offlinereset.DefaultPasswordCost().
	ring, err := offlinereset.GenerateServerKeyRing(offlinereset.DefaultPolicy(), offlinereset.MinimumPasswordCost())
	if err != nil {
		log.Fatal(err)
	}
	defer ring.Close()
	pkg, _ := ring.DeploymentPackage()
	fingerprint, _ := offlinereset.DeploymentPackageFingerprint(pkg)
	fmt.Println("deployment package characters:", len(pkg), "fingerprint characters:", len(fingerprint))

	// The machine, enrolled with the deployment package (after comparing its fingerprint with
	// the server's); its login screen shows this code. Its replay ledger starts empty.
	machine, err := offlinereset.EnrollMachine(pkg)
	if err != nil {
		log.Fatal(err)
	}
	defer machine.Close()
	ledger, err := offlinereset.NewReplayLedger(machine)
	if err != nil {
		log.Fatal(err)
	}
	defer ledger.Close()
	shown := machine.IdentificationCode()
	// The server's clock (time.Now() in production; fixed here so the output is stable).
	now := time.Unix(1_795_000_000, 0)

	// The help desk types what the user reads out: lower case, spaces, O for 0 are fine.
	typed := strings.ToLower(strings.ReplaceAll(shown.String(), "-", " "))
	id, err := offlinereset.ParseIdentificationCode(typed)
	var e *offlinereset.Error
	if errors.As(err, &e) && errors.Is(err, offlinereset.ErrMistyped) {
		fmt.Println("ask the user to read group", e.Group, "again")
		return
	}
	// The account as the directory has it: sAMAccountName, NetBIOS domain and objectSid
	// (S-1-5-21-1004336348-1177238915-682003330-1104, binary).
	sid, _ := hex.DecodeString("010500000000000515000000dcf4dc3b833d2b46828ba62850040000")
	account := offlinereset.Account{Username: "jürgen", OfflineDomain: "CORP", SID: sid}
	fmt.Println("account:", account) // as typed; account.Normalize() gives the comparison forms
	code, err := ring.SealResetCodeAt(id, account, "Grüße-aus-Wien-7", now)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("reset code characters:", len(code.String()))

	// At the login screen, offline, with the cached account's names and SID: redeem (so the
	// code works once and attempts are limited), persist the ledger whatever the answer, and
	// only on success update the cached credentials.
	// The ledger is stored wrapped under a key the platform protects (DPAPI, a TPM).
	ledgerKey, err := offlinereset.GenerateWrappingKey()
	if err != nil {
		log.Fatal(err)
	}
	redeem := func(password string, at time.Time) error {
		typedCode, err := offlinereset.ParseResetCode(strings.ToLower(code.String()))
		if err != nil {
			return err
		}
		_, err = machine.RedeemResetCodeAt(ledger, typedCode, account, password, at)
		saved, perr := ledger.Export(ledgerKey) // production: written to a file, then renamed
		if perr != nil {
			return perr // refuse the reset
		}
		generation := ledger.Generation() // production: raise the monotonic store to it
		fmt.Println("ledger saved:", len(saved) > 0, "generation", generation)
		return err
	}
	fmt.Println("wrong password refused:", errors.Is(redeem("Gruesse", now.Add(4*time.Minute)), offlinereset.ErrRejected))
	fmt.Println("accepted:", redeem("Grüße-aus-Wien-7", now.Add(5*time.Minute)) == nil)
	fmt.Println("second use refused:", errors.Is(redeem("Grüße-aus-Wien-7", now.Add(6*time.Minute)), offlinereset.ErrAlreadyUsed))
	// Output:
	// deployment package characters: 319 fingerprint characters: 64
	// account: CORP\jürgen (S-1-5-21-1004336348-1177238915-682003330-1104)
	// reset code characters: 49
	// ledger saved: true generation 1
	// wrong password refused: true
	// ledger saved: true generation 2
	// accepted: true
	// ledger saved: true generation 3
	// second use refused: true
}

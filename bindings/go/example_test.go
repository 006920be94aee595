package offlinereset_test

import (
	"errors"
	"fmt"
	"log"
	"strings"

	"offlinereset"
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

	// The machine, enrolled with the deployment package; its login screen shows this code.
	machine, err := offlinereset.EnrollMachine(pkg)
	if err != nil {
		log.Fatal(err)
	}
	defer machine.Close()
	shown, _ := machine.IdentificationCode()
	const now = 1_795_000_000 // unix seconds, from the server's clock

	// The help desk types what the user reads out: lower case, spaces, O for 0 are fine.
	typed := strings.ToLower(strings.ReplaceAll(shown.String(), "-", " "))
	id, err := offlinereset.ParseIdentificationCode(typed)
	var e *offlinereset.Error
	if errors.As(err, &e) && errors.Is(err, offlinereset.ErrMistyped) {
		fmt.Println("ask the user to read group", e.Group, "again")
		return
	}
	account := offlinereset.Account{Username: "jürgen", OfflineDomain: "CORP"}
	code, err := ring.SealResetCode(id, account, "Grüße-aus-Wien-7", now)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("reset code characters:", len(code.String()))

	// At the login screen, offline: redeem (so the code works once), persist the ledger, and only
	// then update the cached credentials.
	ledger, _ := offlinereset.NewReplayLedger()
	defer ledger.Close()
	typedCode, _ := offlinereset.ParseResetCode(strings.ToLower(code.String()))
	accepted, err := machine.RedeemResetCode(ledger, typedCode, account, "Grüße-aus-Wien-7", now+300)
	fmt.Println("accepted:", err == nil, "valid for", (accepted.ExpiresAt-accepted.IssuedAt)/3600, "hours")
	_, err = machine.RedeemResetCode(ledger, typedCode, account, "Grüße-aus-Wien-7", now+360)
	fmt.Println("second use refused:", errors.Is(err, offlinereset.ErrAlreadyUsed))
	// Output:
	// reset code characters: 49
	// accepted: true valid for 24 hours
	// second use refused: true
}

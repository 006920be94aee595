// A help-desk session through the installed Go module, as tests/packages/run.sh builds it
// outside the repository (a replace to the unpacked module, the library through pkg-config).
// Prints the same lines as every consumer program (tests/packages/consumers/c/helpdesk.c says
// what they mean).
package main

import (
	"errors"
	"fmt"
	"log"
	"strings"

	offlinereset "github.com/offline-reset/offline-reset/bindings/go"
)

var sid = []byte{1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x51, 4, 0, 0}

const now = 1795000000

func mistype(code string, group int) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	t := []byte(code)
	at := (group-1)*9 + 3
	t[at] = alphabet[(strings.IndexByte(alphabet, t[at])+1)%32]
	return string(t)
}

func main() {
	ring, err := offlinereset.GenerateServerKeyRing(offlinereset.DefaultPolicy(), offlinereset.DefaultPasswordCost())
	if err != nil {
		log.Fatal(err)
	}
	defer ring.Close()
	pkg, err := ring.DeploymentPackage()
	if err != nil {
		log.Fatal(err)
	}
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
	alice := offlinereset.Account{Username: "alice", OfflineDomain: "CORP", SID: sid}
	id := machine.IdentificationCode()

	var e *offlinereset.Error
	if _, err := offlinereset.ParseIdentificationCode(mistype(id.String(), 3)); errors.As(err, &e) && errors.Is(err, offlinereset.ErrMistyped) {
		fmt.Println("mistyped: group", e.Group)
	}
	code, err := ring.SealResetCode(id, alice, "Winter-Tulip-42", now)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := machine.RedeemResetCode(ledger, code, alice, "Winter-Tulip-42", now+60); err != nil {
		log.Fatal(err)
	}
	fmt.Println("redeemed: OK")
	if _, err := machine.RedeemResetCode(ledger, code, alice, "Winter-Tulip-42", now+120); errors.Is(err, offlinereset.ErrAlreadyUsed) {
		fmt.Println("replay: ALREADY_USED")
	}
	if _, err := ring.Rotate(now + 180); err != nil {
		log.Fatal(err)
	}
	_, err = ring.SealResetCode(id, alice, "Winter-Tulip-42", now+240)
	if errors.As(err, &e) && errors.Is(err, offlinereset.ErrKeyRotated) {
		fmt.Println("rotation: KEY_ROTATED", e.CodeEpoch, e.CurrentEpoch)
	}
	fmt.Println("done")
}

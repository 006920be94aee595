package offlinereset

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// tests/vectors/bindings.json through the Go API (docs/BINDINGS.md §8): every case.

func repoFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type obj = map[string]interface{}

func unhex(t *testing.T, v interface{}) []byte {
	if v == nil {
		return nil
	}
	b, err := hex.DecodeString(v.(string))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func num(v interface{}) float64 { return v.(float64) }

var zeroDetails = obj{"mistyped_group": 0, "code_epoch": 0, "current_epoch": 0, "found_version": 0}

// outcome runs call and gives {status, details, value?} as the file has it.
func outcome(t *testing.T, call func() (interface{}, error)) obj {
	value, err := call()
	if err == nil {
		return obj{"status": 0, "details": zeroDetails, "value": value}
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("not an *Error: %v", err)
	}
	if s, ok := sentinels[e.Status]; ok && !errors.Is(err, s) {
		t.Errorf("%v is not its sentinel", err)
	}
	if e.Message != StatusMessage(uint32(e.Status)) {
		t.Errorf("message %q", e.Message)
	}
	return obj{"status": uint32(e.Status), "details": obj{
		"mistyped_group": e.Group, "code_epoch": e.CodeEpoch,
		"current_epoch": e.CurrentEpoch, "found_version": e.FoundVersion,
	}}
}

func policyValue(p Policy) obj {
	return obj{"reset_code_lifetime_minutes": p.ResetCodeLifetimeMinutes, "clock_skew_minutes": p.ClockSkewMinutes}
}

func costValue(c PasswordCost) obj {
	return obj{"memory_kib": c.MemoryKiB, "iterations": c.Iterations, "parallelism": c.Parallelism}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// account: the case's names and SID (hex; absent in account_normalize, which takes no SID).
func account(t *testing.T, i obj) Account {
	var sid []byte
	if v, ok := i["sid"]; ok {
		if sid = unhex(t, v); sid == nil {
			t.Fatal("sid is null")
		}
	}
	return Account{i["username"].(string), i["domain"].(string), sid}
}

func sealCase(t *testing.T, r *ServerKeyRing, i obj) (interface{}, error) {
	id, err := ParseIdentificationCode(i["identification_code"].(string))
	if err != nil {
		return nil, err
	}
	code, err := r.SealResetCode(id, account(t, i), i["password"].(string), int64(num(i["now"])))
	return code.String(), err
}

func openCase(t *testing.T, m *Machine, l *ReplayLedger, i obj) (interface{}, error) {
	code, err := ParseResetCode(i["reset_code"].(string))
	if err != nil {
		return nil, err
	}
	var a AcceptedReset
	if l == nil {
		a, err = m.OpenResetCodeForDiagnostics(code, account(t, i), i["password"].(string), int64(num(i["now"])))
	} else {
		a, err = m.RedeemResetCode(l, code, account(t, i), i["password"].(string), int64(num(i["now"])))
	}
	if err != nil {
		return nil, err
	}
	return obj{"issued_at": a.IssuedAt, "expires_at": a.ExpiresAt}, nil
}

// packageInput: a case's package, as text or as the file's bytes in hex.
func packageInput(t *testing.T, i obj) string {
	if h, isHex := i["package_hex"]; isHex {
		return string(unhex(t, h))
	}
	pkg, ok := i["package"].(string)
	if !ok {
		t.Fatal("no package")
	}
	return pkg
}

func ledgerValue(l *ReplayLedger) obj {
	a, c := l.Counts()
	return obj{"accounts": a, "codes": c, "generation": l.Generation()}
}

func runCase(t *testing.T, objects obj, op string, i obj) obj {
	ring := func() *ServerKeyRing { return must(ImportServerKeyRing(unhex(t, objects[i["ring"].(string)]), nil)) }
	machine := func() *Machine { return must(ImportMachine(unhex(t, objects[i["machine"].(string)]), nil)) }
	switch op {
	case "identification_code_check":
		return outcome(t, func() (interface{}, error) {
			c, err := ParseIdentificationCode(i["text"].(string))
			return c.String(), err
		})
	case "reset_code_check":
		return outcome(t, func() (interface{}, error) {
			c, err := ParseResetCode(i["text"].(string))
			return c.String(), err
		})
	case "account_check":
		return outcome(t, func() (interface{}, error) { return nil, account(t, i).Check() })
	case "account_normalize":
		return outcome(t, func() (interface{}, error) {
			a, err := account(t, i).Normalize()
			return obj{"username": a.Username, "domain": a.OfflineDomain}, err
		})
	case "default_offline_domain":
		return outcome(t, func() (interface{}, error) { return DefaultOfflineDomain(i["fqdn"].(string)) })
	case "name_problem":
		return outcome(t, func() (interface{}, error) {
			p, err := CheckName(i["text"].(string))
			return uint32(p), err
		})
	case "deployment_package_check":
		return outcome(t, func() (interface{}, error) {
			info, err := CheckDeploymentPackage(packageInput(t, i))
			return obj{"epoch": info.Epoch, "policy": policyValue(info.Policy)}, err
		})
	case "key_ring_generate":
		return outcome(t, func() (interface{}, error) {
			p := Policy{uint16(num(i["reset_code_lifetime_minutes"])), uint16(num(i["clock_skew_minutes"]))}
			c := PasswordCost{uint32(num(i["memory_kib"])), uint32(num(i["iterations"])), uint32(num(i["parallelism"]))}
			r, err := GenerateServerKeyRing(p, c)
			if err != nil {
				return nil, err
			}
			defer r.Close()
			return obj{"epochs": r.Epochs(), "policy": policyValue(r.Policy()),
				"password_cost": costValue(r.CurrentPasswordCost())}, nil
		})
	case "key_ring_import":
		return outcome(t, func() (interface{}, error) {
			r, err := ImportServerKeyRing(unhex(t, i["bytes"]), unhex(t, i["wrapping_key"]))
			if err != nil {
				return nil, err
			}
			defer r.Close()
			return obj{
				"current_epoch": r.CurrentEpoch(), "epochs": r.Epochs(),
				"retired_grace_seconds": r.RetiredGraceSeconds(), "policy": policyValue(r.Policy()),
				"password_cost": costValue(r.CurrentPasswordCost()), "deployment_package": must(r.DeploymentPackage()),
			}, nil
		})
	case "machine_import":
		return outcome(t, func() (interface{}, error) {
			m, err := ImportMachine(unhex(t, i["bytes"]), unhex(t, i["wrapping_key"]))
			if err != nil {
				return nil, err
			}
			defer m.Close()
			return obj{
				"identification_code": m.IdentificationCode().String(), "epoch": m.Epoch(),
				"policy": policyValue(m.Policy()), "password_cost": costValue(m.PasswordCost()),
			}, nil
		})
	case "deployment_package_fingerprint":
		return outcome(t, func() (interface{}, error) { return DeploymentPackageFingerprint(packageInput(t, i)) })
	case "replay_ledger_import":
		m := machine()
		defer m.Close()
		return outcome(t, func() (interface{}, error) {
			l, err := ImportReplayLedger(unhex(t, i["bytes"]), unhex(t, i["wrapping_key"]), m, uint64(num(i["minimum_generation"])))
			if err != nil {
				return nil, err
			}
			defer l.Close()
			return ledgerValue(l), nil
		})
	case "seal":
		r := ring()
		defer r.Close()
		return outcome(t, func() (interface{}, error) { return sealCase(t, r, i) })
	case "open":
		m := machine()
		defer m.Close()
		return outcome(t, func() (interface{}, error) { return openCase(t, m, nil, i) })
	case "redeem_sequence":
		m := machine()
		defer m.Close()
		l := must(NewReplayLedger(m))
		defer l.Close()
		steps := []interface{}{}
		for _, s := range i["steps"].([]interface{}) {
			steps = append(steps, outcome(t, func() (interface{}, error) { return openCase(t, m, l, s.(obj)) }))
		}
		value := ledgerValue(l)
		// The counts survive a plain export and an import for the same machine at the generation.
		back, err := ImportReplayLedger(must(l.ExportPlain()), nil, m, uint64(value["generation"].(uint64)))
		if err != nil {
			t.Errorf("%v: re-import: %v", i["steps"], err)
		} else {
			if got := ledgerValue(back); !reflect.DeepEqual(got, value) {
				t.Errorf("re-imported ledger %v, was %v", got, value)
			}
			back.Close()
		}
		value["steps"] = steps
		return outcome(t, func() (interface{}, error) { return value, nil })
	case "redeploy":
		m := machine()
		defer m.Close()
		return outcome(t, func() (interface{}, error) {
			r, err := m.Redeploy(packageInput(t, i))
			if err != nil {
				return nil, err
			}
			defer r.Close()
			return obj{"epoch": r.Epoch(), "same_identification_code": r.IdentificationCode() == m.IdentificationCode()}, nil
		})
	case "rotate_then_seal":
		r := ring()
		defer r.Close()
		return outcome(t, func() (interface{}, error) {
			if err := r.SetRetiredGraceSeconds(uint32(num(i["grace_seconds"]))); err != nil {
				return nil, err
			}
			epoch, err := r.Rotate(int64(num(i["rotate_at"])))
			if err != nil {
				return nil, err
			}
			s := outcome(t, func() (interface{}, error) { return sealCase(t, r, i["seal"].(obj)) })
			return obj{"epoch": epoch, "epochs": r.Epochs(), "seal": s}, nil
		})
	case "status_message":
		return outcome(t, func() (interface{}, error) { return StatusMessage(uint32(num(i["status"]))), nil })
	}
	t.Fatalf("unknown op %q", op)
	return nil
}

// normalize gives a value the shape encoding/json decodes (numbers as float64, maps, slices).
func normalize(t *testing.T, v interface{}) interface{} {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out interface{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBindingsJSON(t *testing.T) {
	var data struct {
		ABIVersion uint32        `json:"abi_version"`
		Objects    obj           `json:"objects"`
		Cases      []interface{} `json:"cases"`
	}
	if err := json.Unmarshal(repoFile(t, "tests/vectors/bindings.json"), &data); err != nil {
		t.Fatal(err)
	}
	if LinkedABIVersion()>>16 != data.ABIVersion>>16 {
		t.Fatalf("ABI %x, file %x", LinkedABIVersion(), data.ABIVersion)
	}
	if len(data.Cases) == 0 {
		t.Fatal("no cases")
	}
	failed := 0
	for _, c := range data.Cases {
		c := c.(obj)
		got := normalize(t, runCase(t, data.Objects, c["op"].(string), c["inputs"].(obj)))
		if !reflect.DeepEqual(got, c["expect"]) {
			failed++
			t.Errorf("%s: got %v, expected %v", c["name"], got, c["expect"])
		}
	}
	fmt.Printf("bindings.json (Go): %d passed, %d failed\n", len(data.Cases)-failed, failed)
}

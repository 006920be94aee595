package offlinereset

import "testing"

// Per-call cost through the binding, to compare with the same calls from C
// (bindings/python/bench/c_baseline.c; docs/PERFORMANCE.md). Seal and open run Argon2id at the
// minimum password cost: go test -run '^$' -bench . -benchtime 30x for them.

func BenchmarkCheck(b *testing.B) {
	_, machine := fixture(b)
	id := machine.IdentificationCode().String()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ParseIdentificationCode(id); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSeal(b *testing.B) {
	ring, machine := fixture(b)
	id := machine.IdentificationCode()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ring.SealResetCode(id, acct("alice", "CORP"), "Winter-Tulip-42", now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	ring, machine := fixture(b)
	code := must(ring.SealResetCode(machine.IdentificationCode(), acct("alice", "CORP"), "Winter-Tulip-42", now))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := machine.OpenResetCodeForDiagnostics(code, acct("alice", "CORP"), "Winter-Tulip-42", now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCgoCall: the fixed cost of one cgo call (olr_abi_version does nothing else).
func BenchmarkCgoCall(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = LinkedABIVersion()
	}
}

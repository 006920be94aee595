package offlinereset

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestGoroutinesShareARing(t *testing.T) {
	ring, machine := fixture(t)
	shared := must(ImportServerKeyRing(must(ring.ExportPlain()), nil))
	defer shared.Close()
	id := machine.IdentificationCode()
	codes := make([]ResetCode, 8)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for n := range codes {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			c, err := shared.SealResetCode(id, Account{fmt.Sprintf("user%d", n), "CORP", testSID(uint32(n))}, fmt.Sprintf("pw%d", n), now)
			if err != nil {
				errs <- err
				return
			}
			codes[n] = c
			for i := 0; i < 200; i++ {
				if _, err := ParseIdentificationCode(id.String()); err != nil {
					errs <- err
				}
				if e := shared.Epochs(); len(e) == 0 {
					errs <- errors.New("no epochs")
				}
			}
		}(n)
	}
	wg.Add(1)
	go func() { // a writer among the readers: setters take the exclusive lock
		defer wg.Done()
		for i := 0; i < 100; i++ {
			if err := shared.SetRetiredGraceSeconds(uint32(i)); err != nil {
				errs <- err
			}
			if g := shared.RetiredGraceSeconds(); g > 100 {
				errs <- fmt.Errorf("grace %d", g)
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Opened on goroutines sharing the machine.
	var wg2 sync.WaitGroup
	for n, c := range codes {
		wg2.Add(1)
		go func(n int, c ResetCode) {
			defer wg2.Done()
			if _, err := machine.OpenResetCodeForDiagnostics(c, Account{fmt.Sprintf("user%d", n), "CORP", testSID(uint32(n))}, fmt.Sprintf("pw%d", n), now); err != nil {
				t.Error(err)
			}
		}(n, c)
	}
	wg2.Wait()
}

// Close racing with calls: every call either works or returns ErrClosed, and every getter that
// cannot fail either returns its value or panics with an error wrapping ErrClosed (the panic a
// use after Close gives); nothing crashes.
func TestCloseRacingWithCalls(t *testing.T) {
	ring, machine := fixture(t)
	blob := must(ring.ExportPlain())
	mblob := must(machine.ExportPlain())
	for round := 0; round < 20; round++ {
		r := must(ImportServerKeyRing(blob, nil))
		m := must(ImportMachine(mblob, nil))
		l := must(NewReplayLedger(m))
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					for _, err := range []error{
						second(r.DeploymentPackage()), second(m.ExportPlain()),
						recovered(func() { r.Epochs() }), recovered(func() { m.IdentificationCode() }),
						recovered(func() { l.Generation() }),
					} {
						if err != nil && !errors.Is(err, ErrClosed) {
							t.Error(err)
						}
					}
				}
			}()
		}
		_ = r.Close()
		_ = m.Close()
		_ = l.Close()
		wg.Wait()
	}
}

func second[T any](_ T, err error) error { return err }

// recovered runs f and returns the error it panicked with (nil when it did not panic).
func recovered(f func()) (err error) {
	defer func() {
		if v := recover(); v != nil {
			var ok bool
			if err, ok = v.(error); !ok {
				err = fmt.Errorf("panic %v", v)
			}
		}
	}()
	f()
	return nil
}

// rssKiB: the resident set after returning free Go heap to the OS (so Go's heap sizing is not
// read as growth; C allocations stay counted).
func rssKiB(t *testing.T) int {
	debug.FreeOSMemory()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("no /proc/self/statm")
	}
	pages, err := strconv.Atoi(strings.Fields(string(b))[1])
	if err != nil {
		t.Fatal(err)
	}
	return pages * os.Getpagesize() / 1024
}

// 100,000+ cheap calls (and thousands of handles made and freed, some only by their finalizer)
// with bounded memory, twice: the C heap in use (glibc mallinfo2) does not grow by more than
// 64 KiB, every handle is freed, and (without -race) the resident set grows less than 4 MiB a
// round. Leaving out olr_machine_free makes the C heap grow by 1.1 MiB here.
func TestNoLeakIn100000Calls(t *testing.T) {
	ring, machine := fixture(t)
	id := machine.IdentificationCode().String()
	bad := id[:len(id)-1] + "X" // a mistyped last character (the fixture's code is random)
	if strings.HasSuffix(id, "X") {
		bad = id[:len(id)-1] + "Y"
	}
	pkg := must(ring.DeploymentPackage())
	blob := must(machine.ExportPlain())
	ledger := must(NewReplayLedger(machine))
	ledgerBlob := must(ledger.ExportPlain())
	_ = ledger.Close()
	// The handles this test keeps (ring, machine); every other one is freed by the end of a round.
	kept := atomic.LoadInt64(&liveHandles)
	calls := 0
	round := func(n int) {
		for i := 0; i < n; i++ {
			if _, err := ParseIdentificationCode(id); err != nil {
				t.Fatal(err)
			}
			if _, err := ParseIdentificationCode(bad); !errors.Is(err, ErrMistyped) {
				t.Fatal(err)
			}
			if _, err := (Account{"Jürgen", "CORP", nil}).Normalize(); err != nil {
				t.Fatal(err)
			}
			calls += 3
		}
		for i := 0; i < n/10; i++ {
			m := must(ImportMachine(blob, nil))
			_ = m.IdentificationCode()
			_ = must(NewReplayLedger(m)) // never closed: its finalizer frees it
			l := must(ImportReplayLedger(ledgerBlob, nil, m, 0))
			_, _ = l.Counts()
			_ = l.Close()
			_ = m.Close()
			_ = must(CheckDeploymentPackage(pkg))
			_ = must(DeploymentPackageFingerprint(pkg))
			if err := (Account{"Jürgen", "CORP", []byte{1}}).Check(); !errors.Is(err, ErrInvalidSid) {
				t.Fatal(err)
			}
			calls += 9
		}
		// Finalizers run on their own goroutine after a collection, so the ledgers left to them
		// may still hold C memory when GC returns: wait until every handle of the round is freed
		// before anything is measured (measuring earlier counted up to 150 KiB of ledgers whose
		// finalizer had not run yet under -race as a leak).
		for i := 0; i < 200 && atomic.LoadInt64(&liveHandles) > kept; i++ {
			runtime.GC()
			time.Sleep(5 * time.Millisecond)
		}
		if got := atomic.LoadInt64(&liveHandles); got > kept {
			t.Fatalf("%d handles not freed after a round", got-kept)
		}
	}
	round(5_000)
	c0, haveC := cHeapInUse()
	r0 := rssKiB(t)
	calls = 0
	round(30_000)
	r1 := rssKiB(t)
	if calls < 100_000 {
		t.Fatalf("only %d calls", calls)
	}
	round(30_000)
	r2 := rssKiB(t)
	c2, _ := cHeapInUse()
	if haveC {
		// The C heap (every byte the library allocated and did not free) is exact: no growth
		// beyond a little allocator bookkeeping, with or without -race.
		fmt.Printf("C heap in use: %+d bytes over %d calls\n", int64(c2)-int64(c0), calls)
		if int64(c2)-int64(c0) > 64*1024 {
			t.Errorf("C heap grew %d bytes", int64(c2)-int64(c0))
		}
	}
	fmt.Printf("RSS grew %d KiB over the first %d calls, then %d KiB over as many again\n", r1-r0, calls/2, r2-r1)
	// A leak grows with every round; one-off growth (the race detector's shadow memory, heap
	// warming) does not repeat.
	switch {
	case raceEnabled:
		// The race detector's own memory grows with the calls (about 2 MiB a round, also with
		// nothing leaking); run_tests.sh runs this test again without -race for the RSS bound.
		t.Log("-race: RSS not checked")
	case r2-r1 > 4096 || r1-r0 > 4096: // a coarse bound; the C heap check above is the exact one
		t.Fatalf("RSS grew %d then %d KiB", r1-r0, r2-r1)
	}
}

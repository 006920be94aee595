package offlinereset

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The binding's status list is the header's (include/offline_reset.h), parsed as text: a status
// added to the header without its Go constant, name and sentinel fails here. (The prototypes
// need no such test: cgo compiles every call against the header itself.)
func TestStatusesAreTheHeaders(t *testing.T) {
	text := string(repoFile(t, "include/offline_reset.h"))
	found := map[string]uint32{}
	problems := map[string]uint32{}
	for _, m := range regexp.MustCompile(`(?m)^\s*OLR_(\w+) = (\d+),`).FindAllStringSubmatch(text, -1) {
		n, err := strconv.ParseUint(m[2], 10, 32)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(m[1], "NAME_PROBLEM_") {
			problems[m[1]] = uint32(n)
		} else if strings.HasPrefix(m[1], "GROUP_") {
			// Typing-progress group states (olr_group_state): not statuses.
			continue
		} else {
			found[m[1]] = uint32(n)
		}
	}
	if len(found) < 30 {
		t.Fatalf("parsed only %d statuses", len(found))
	}
	if len(found) != len(statusNames) {
		t.Errorf("header has %d statuses, binding %d", len(found), len(statusNames))
	}
	for name, n := range found {
		s := Status(n)
		if s.String() != name {
			t.Errorf("header OLR_%s = %d, binding names %d %q", name, n, n, s.String())
		}
		if s == StatusOK {
			continue
		}
		sent, ok := sentinels[s]
		if !ok {
			t.Errorf("no sentinel for OLR_%s", name)
			continue
		}
		err := makeError(cStatus(n), nil)
		if !errors.Is(err, sent) {
			t.Errorf("status %d is not its sentinel", n)
		}
		for other, o := range sentinels {
			if other != s && errors.Is(err, o) {
				t.Errorf("status %d matches the sentinel of %d", n, other)
			}
		}
	}
	if len(problems) != 8 {
		t.Errorf("header has %d name problems", len(problems))
	}
	for name, n := range problems {
		if NameProblem(n).Hint() == NameProblem(999).Hint() {
			t.Errorf("OLR_%s has no hint", name)
		}
	}
	if int(NameProblemTooLong) != len(problems)-1 {
		t.Errorf("NameProblemTooLong = %d", NameProblemTooLong)
	}
	// The ABI constant the binding was written for is the header's.
	abi := regexp.MustCompile(`#define OLR_ABI_VERSION_MAJOR (\d+)\s[\s\S]*#define OLR_ABI_VERSION_MINOR (\d+)\s`).FindStringSubmatch(text)
	if abi == nil || abi[1]+"."+abi[2] != strconv.Itoa(int(ABIVersion>>16))+"."+strconv.Itoa(int(ABIVersion&0xffff)) {
		t.Errorf("header ABI %v, binding %x", abi, ABIVersion)
	}
}

func TestABIIsCheckedAtLoad(t *testing.T) {
	if err := checkABI(ABIVersion); err != nil {
		t.Fatal(err)
	}
	err := checkABI(2 << 16)
	if err == nil || !strings.Contains(err.Error(), "C ABI 1.") || !strings.Contains(err.Error(), "needs 2.0") {
		t.Fatalf("an incompatible ABI loads: %v", err)
	}
}

func TestUnknownStatus(t *testing.T) {
	err := makeError(cStatus(4242), nil)
	var e *Error
	if !errors.As(err, &e) || e.Status != 4242 || e.Message != StatusMessage(4242) || e.Status.String() != "Status(4242)" {
		t.Fatalf("%#v", err)
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			t.Fatalf("unknown status matches %v", s)
		}
	}
}

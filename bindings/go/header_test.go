package offlinereset

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// moduleHeader is the module's copy of the header, the one cgo compiles against
// (include/offline_reset.h beside this file: #cgo CPPFLAGS: -I${SRCDIR}/include).
func moduleHeader(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("include", "offline_reset.h"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The module's header is the repository's include/offline_reset.h, byte for byte. The repository
// root is two levels above the module (bindings/go); when the module is used outside the
// repository (a copy in a module cache, a vendor tree), there is nothing to compare and the test
// says so. After a header change: cp include/offline_reset.h bindings/go/include/
func TestHeaderCopyIsTheRepositorys(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(root, "include", "offline_reset.h")
	own, err := os.ReadFile(filepath.Join(root, "bindings", "go", "go.mod"))
	_, cargoErr := os.Stat(filepath.Join(root, "Cargo.toml"))
	if err != nil || cargoErr != nil || !bytes.HasPrefix(own, []byte("module github.com/offline-reset/offline-reset/bindings/go\n")) {
		t.Skipf("SKIP: the module is used outside the offline-reset repository (%s is not its root): "+
			"no repository copy of the header to compare with", root)
	}
	// Inside the repository the header must be there: a missing one fails.
	want, err := os.ReadFile(repo)
	if err != nil {
		t.Fatal(err)
	}
	if got := moduleHeader(t); !bytes.Equal(got, want) {
		t.Fatalf("bindings/go/include/offline_reset.h (%d bytes) differs from %s (%d bytes): "+
			"cp include/offline_reset.h bindings/go/include/", len(got), repo, len(want))
	}
}

// The binding's status list is the header's (include/offline_reset.h), parsed as text: a status
// added to the header without its Go constant, name and sentinel fails here. (The prototypes
// need no such test: cgo compiles every call against the header itself.)
func TestStatusesAreTheHeaders(t *testing.T) {
	text := string(moduleHeader(t))
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
	if ABIVersion != 2<<16|1 || LinkedABIVersion() != ABIVersion {
		t.Fatalf("binding ABI %x, linked %x", ABIVersion, LinkedABIVersion())
	}
	if err := checkABI(ABIVersion); err != nil {
		t.Fatal(err)
	}
	if err := ready(); err != nil {
		t.Fatal(err)
	}
	// A newer major, and the previous one (ABI 1.1 callers pass no SID: they must not load).
	for _, c := range []struct {
		want uint32
		text string
	}{{3 << 16, "needs 3.0"}, {1<<16 | 1, "needs 1.1"}, {2<<16 | 2, "needs 2.2"}, {2<<16 | 99, "needs 2.99"}} {
		err := checkABI(c.want)
		var e *ABIError
		if err == nil || !strings.Contains(err.Error(), "C ABI 2.1") || !strings.Contains(err.Error(), c.text) ||
			!errors.Is(err, ErrIncompatibleLibrary) || !errors.As(err, &e) || e.Linked != LinkedABIVersion() || e.Wanted != c.want {
			t.Fatalf("an incompatible ABI loads: %x %v", c.want, err)
		}
	}
}

// Every function of the header is called by the binding (cgo then compiles the call against its
// prototype), except the login-screen aids listed here, which a reset server in Go does not need
// yet: a new export fails this test until it is wrapped or added to the list on purpose.
func TestEveryExportIsWrappedOrListed(t *testing.T) {
	text := string(moduleHeader(t))
	text = regexp.MustCompile(`(?s)#if defined\(OLR_TEST_HOOKS\).*?#endif`).ReplaceAllString(text, "")
	text = regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(text, "")
	notWrapped := map[string]bool{
		"olr_identification_code_progress": true, "olr_reset_code_progress": true,
		"olr_identification_code_uri": true, "olr_identification_code_qr": true,
		"olr_identification_code_parse_uri_or_code": true, "olr_spell_code": true,
		"olr_identification_code_text_size": true, "olr_reset_code_text_size": true,
		"olr_deployment_package_text_size": true,
		// Generation with the default password cost: GenerateServerKeyRing always takes one.
		"olr_server_key_ring_generate": true,
		// The version as a number: Version (the string) and LinkedABIVersion cover it.
		"olr_version_number": true,
		// The UTF-16 twins, for the Windows login screen (LSA strings are UTF-16): a Go reset
		// server passes UTF-8 to their UTF-8 twins, which it wraps.
		"olr_machine_redeem_reset_code_utf16": true, "olr_machine_open_reset_code_for_diagnostics_utf16": true,
		"olr_reset_code_check_utf16": true, "olr_reset_code_progress_utf16": true,
		"olr_account_check_utf16": true, "olr_name_problem_utf16": true, "olr_account_normalize_utf16": true,
	}
	var source strings.Builder
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			b, err := os.ReadFile(e.Name())
			if err != nil {
				t.Fatal(err)
			}
			source.Write(b)
		}
	}
	declared := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)\b(olr_\w+)\(`).FindAllStringSubmatch(text, -1) {
		declared[m[1]] = true
	}
	if len(declared) < 60 || !declared["olr_machine_redeploy"] {
		t.Fatalf("parsed only %d functions", len(declared))
	}
	for name := range declared {
		called := strings.Contains(source.String(), "C."+name+"(")
		switch {
		case notWrapped[name] && called:
			t.Errorf("%s is wrapped: take it off the list", name)
		case !notWrapped[name] && !called:
			t.Errorf("%s is neither wrapped nor listed as not wrapped", name)
		}
	}
	for name := range notWrapped {
		if !declared[name] {
			t.Errorf("%s is listed but not in the header", name)
		}
	}
}

// The sizes and limits of the header this package was compiled against are the linked
// library's (a stale archive or header fails here), and so are the status names.
func TestLimitsAndNamesAreTheLinkedLibrarys(t *testing.T) {
	text := string(moduleHeader(t))
	for name, linked := range linkedLimits() {
		m := regexp.MustCompile(`(?m)^#define OLR_` + name + ` (\d+)$`).FindStringSubmatch(text)
		if m == nil {
			t.Errorf("OLR_%s not in the header", name)
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n != linked {
			t.Errorf("OLR_%s: header %d, library %d", name, n, linked)
		}
	}
	go2c := map[string]int{
		"DEPLOYMENT_PACKAGE_TEXT_LEN": DeploymentPackageTextLen, "MAX_LEDGER_ACCOUNTS": MaxLedgerAccounts,
		"MAX_LEDGER_CODES": MaxLedgerCodes, "REPLAY_LEDGER_MAX_LEN": ReplayLedgerMaxLen,
		"MACHINE_STATE_MAX_LEN": MachineStateMaxLen, "SERVER_KEY_RING_MAX_LEN": ServerKeyRingMaxLen,
	}
	for name, v := range go2c {
		if linkedLimits()[name] != v {
			t.Errorf("%s: Go %d, library %d", name, v, linkedLimits()[name])
		}
	}
	if DeploymentPackageTextLen != 319 || MinSIDLen != 12 || MaxSIDLen != 68 || PackageFingerprintLen != 64 ||
		MaxLedgerAccounts != 1024 || MaxLedgerCodes != 256 || ReplayLedgerMaxLen != 58968 {
		t.Error("ABI 2.0 sizes")
	}
	for s := range statusNames {
		if got := linkedStatusName(s); got != "OLR_"+s.String() {
			t.Errorf("status %d: library %q, binding %q", uint32(s), got, s.String())
		}
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

// Every status has its own message from the library, none of them the text for unknown numbers.
func TestEveryStatusHasItsOwnMessage(t *testing.T) {
	unknown := StatusMessage(4242)
	seen := map[string]Status{}
	for s := range statusNames {
		m := StatusMessage(uint32(s))
		if m == "" || m == unknown {
			t.Errorf("status %d (%s) has the message for unknown numbers: %q", uint32(s), s, m)
		} else if other, dup := seen[m]; dup {
			t.Errorf("statuses %d (%s) and %d (%s) share the message %q", uint32(s), s, uint32(other), other, m)
		}
		seen[m] = s
	}
	if StatusMessage(0xffffffff) != unknown || StatusMessage(99) != unknown {
		t.Errorf("unknown numbers have different messages: %q, %q, %q", unknown, StatusMessage(99), StatusMessage(0xffffffff))
	}
}

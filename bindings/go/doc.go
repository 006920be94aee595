// Package offlinereset is the Go binding of offline-reset: offline Windows domain-password reset.
// A machine shows an identification code; the reset server (a help desk) seals a reset code bound
// to that machine, the account (names and SID) and the new password; the machine redeems it
// offline against its replay ledger.
//
// The package is a thin cgo shell over the C ABI (include/offline_reset.h, docs/C_API.md) and
// follows docs/BINDINGS.md: it re-implements no protocol logic. It adds Go idioms only:
//
//   - Handles: *ServerKeyRing, *Machine and *ReplayLedger own one C handle each. Close frees it
//     and wipes the secrets inside (call it with defer); closing twice is fine; any call after
//     Close returns ErrClosed, never touches the freed pointer. A finalizer closes handles that
//     were never closed, as a safety net only.
//   - Values: IdentificationCode, ResetCode (canonical text), Account (username, offline domain,
//     binary SID), Policy, PasswordCost, AttemptLimits, AcceptedReset, DeploymentPackageInfo
//     and TokenPlace (where a ring is held in a PKCS#11 token; it never prints its PIN) are
//     plain values.
//   - Errors are values: every failure is an *Error (Status, Message, Group, CodeEpoch,
//     CurrentEpoch, FoundVersion; use errors.As), and errors.Is matches it against the sentinel of
//     its status (ErrMistyped, ErrKeyRotated, …, one per status of the header). A status unknown
//     to this binding (a newer library) is an *Error matching no sentinel.
//   - Text is string, passed to C as UTF-8 pointer and length without a copy (a string that is not
//     valid UTF-8 is ErrInvalidUtf8, from the library). A SID is []byte, passed without a copy
//     (a missing or empty SID is ErrInvalidSid). Passwords are string or []byte (the
//     ...Bytes methods): both are passed without a copy, so the binding holds no copy of a
//     password to wipe, and a []byte stays the caller's to wipe. Exports (which hold keys in the
//     clear when plain) are written by the library straight into the returned []byte: wipe it
//     after use; the binding keeps no other copy, in Go or C memory.
//
// # Concurrency
//
// Safe for concurrent use from many goroutines, as far as the C rules allow, and enforced by the
// binding: each handle has a sync.RWMutex. Calls the C API allows on a shared handle (sealing,
// opening, redeploying, exports, getters) hold the read lock and run in parallel, native code
// included (cgo calls do not block other goroutines). ServerKeyRing.Rotate, Prune, the Set
// methods, the signing-key rotation methods, and Close take the write lock, so they wait for
// running calls and block new ones; RedeemResetCode holds its ReplayLedger exclusively, so
// redeems on one ledger run one at a time. Seal, open and redeem each run one Argon2id
// computation (tens of milliseconds at the minimum cost): run them on worker goroutines, not on
// a latency-sensitive one.
//
// # Login integration
//
// Accept a reset only through Machine.RedeemResetCode, in the order of docs/PROTOCOL.md §12.3
// rule 7: under an exclusive file lock, ImportReplayLedger (with the minimum generation from a
// monotonic store); redeem with the cached account's names and SID; whatever the answer, Export
// and persist the ledger (redeem counts failed attempts too) and raise the monotonic store to
// Generation before showing the answer; only on a nil error update the cached credentials.
// OpenResetCodeForDiagnostics counts and records nothing: never accept a reset on its answer.
// Take later deployment packages only through Machine.Redeploy, and compare a package's
// DeploymentPackageFingerprint with the server's before the first deployment.
//
// # Linking
//
// In-tree (default): build the static library with `cargo build --release --lib` at the
// repository root and set CGO_LDFLAGS to the archive plus its system libraries:
//
//	CGO_LDFLAGS="$ROOT/target/release/liboffline_reset.a -lm -lrt -lpthread -lgcc_s -lutil -ldl -lc" go test ./...
//
// The PKCS#11 functions (GenerateServerKeyRingPKCS11, OpenServerKeyRingPKCS11, CopyToPKCS11)
// need a library built with `cargo build --release --lib --features pkcs11`; the default build
// returns ErrPkcs11NotBuilt.
//
// Installed library: build with -tags olr_pkgconfig to use `#cgo pkg-config: offline-reset`.
// The library is linked at build time, so OFFLINE_RESET_LIBRARY (docs/BINDINGS.md §5, for
// bindings that load it at run time) does not apply; the C ABI is still checked at start-up
// (olr_abi_is_compatible for ABI 2.1): an incompatible library (an ABI 1.x one, whose functions
// take no SID) panics during package initialization, naming both versions.
package offlinereset

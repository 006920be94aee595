// Package offlinereset is the Go binding of offline-reset: offline Windows domain-password reset.
// A machine shows an identification code; the reset server (a help desk) seals a reset code bound
// to that machine, the account (names and SID) and the new password; the machine redeems it
// offline against its replay ledger.
//
// Import it as
//
//	import offlinereset "github.com/offline-reset/offline-reset/bindings/go"
//
// The package is a thin cgo shell over the C ABI (include/offline_reset.h, docs/C_API.md) and
// follows docs/BINDINGS.md: it re-implements no protocol logic. It adds Go idioms only:
//
//   - Handles: *ServerKeyRing, *Machine and *ReplayLedger own one C handle each. Close frees it
//     and wipes the secrets inside (call it with defer); closing twice is fine. A finalizer
//     closes handles that were never closed, as a safety net only. The freed pointer is never
//     touched: after Close, every method that returns an error returns ErrClosed, and the
//     getters that cannot fail, which return plain values (ServerKeyRing.CurrentEpoch, Epochs,
//     Policy, RetiredGraceSeconds, RetiredGrace, CurrentPasswordCost, AttemptLimits,
//     IsHeldInToken; Machine.IdentificationCode, Epoch, Policy, PasswordCost;
//     ReplayLedger.Counts, Generation), panic with an error wrapping ErrClosed that names the
//     method: a use after Close is a programming error, as a send on a closed channel is. On a
//     nil handle they panic the same way (wrapping ErrNullPointer); the other methods return
//     ErrNullPointer.
//   - Exports: Export(wrappingKey) always wraps (a nil or empty key is ErrNoWrappingKey);
//     ExportPlain, a separate name, writes the secrets in the clear. Import functions read
//     either: the key of a wrapped export, nil for a plain one (a mix-up is ErrWrappingMismatch).
//   - Time: every method taking unix seconds (now int64) has an …At twin taking a time.Time
//     (SealResetCodeAt, SealResetCodeBytesAt, RedeemResetCodeAt, RedeemResetCodeBytesAt,
//     OpenResetCodeForDiagnosticsAt, …BytesAt, RotateAt, PruneAt; whole seconds, t.Unix());
//     AcceptedReset has Issued and Expires, Policy has ResetCodeLifetime and ClockSkew, the
//     ring has RetiredGrace and SetRetiredGrace (time.Duration).
//   - Values: IdentificationCode, ResetCode (canonical text), Account (username, offline domain,
//     binary SID), Policy, PasswordCost, AttemptLimits, AcceptedReset, DeploymentPackageInfo
//     and TokenPlace (where a ring is held in a PKCS#11 token; it never prints its PIN) are
//     plain values. An Account holds the names as typed (or as the directory has them), which
//     is what seal and redeem pass to the library; it prints as `DOMAIN\username (S-1-…)`,
//     Normalize gives the normalized (comparison) forms on request, and Same compares two
//     accounts as the library does (normalized names and SID), as the other bindings' equality.
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
// The header is the module's own copy (include/offline_reset.h in the module, byte-identical to
// the repository's), and the library is linked at build time. By default the link flags come
// from pkg-config's offline-reset.pc (examples/c/install.sh installs the shared library, the
// header and the .pc file in a prefix). The .pc file carries no run-time path, so pass one, and
// the program then runs without LD_LIBRARY_PATH:
//
//	export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
//	CGO_LDFLAGS="-Wl,-rpath,$(pkg-config --variable=libdir offline-reset)" go build
//
// (Leave the -Wl,-rpath out for a library in /usr or /usr/local.) Go 1.19's build cache does not
// notice a changed .pc file: after installing the library in another prefix, run
// `go clean -cache`. With -tags olr_cgoflags, pkg-config is not used and CGO_LDFLAGS alone names
// the library, for example the static archive of an in-tree build (bindings/go/run_tests.sh):
//
//	CGO_LDFLAGS="$ROOT/target/release/liboffline_reset.a -lm -lrt -lpthread -lgcc_s -lutil -ldl -lc" go test -tags olr_cgoflags ./...
//
// The PKCS#11 functions (GenerateServerKeyRingPKCS11, OpenServerKeyRingPKCS11, CopyToPKCS11)
// need a library built with `cargo build --release --lib --features pkcs11`; the default build
// returns ErrPkcs11NotBuilt.
//
// The library is linked at build time, so OFFLINE_RESET_LIBRARY (docs/BINDINGS.md §5, for
// bindings that load it at run time) does not apply, and a missing library is the dynamic
// loader's error before main. The C ABI is checked at the first call, not at initialization
// (the package never panics there): with an incompatible library (an ABI 1.x one, whose
// functions take no SID) every function that can fail returns an *ABIError naming both versions,
// which matches ErrIncompatibleLibrary (errors.Is).
package offlinereset

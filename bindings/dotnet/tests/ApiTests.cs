// The .NET API: round trips with non-ASCII names, every status as its exception, passwords as
// string and byte[], Dispose, settings and exports.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using NUnit.Framework;

namespace OfflineReset.Tests
{
    [TestFixture]
    public class ApiTests
    {
        const long Now = Shared.Now;
        static ServerKeyRing Ring { get { return Shared.Ring; } }
        static Machine Machine { get { return Shared.Machine; } }
        static Account A(string u, string d) { return new Account(u, d, Shared.Sid1105); }
        static Account A(string u, string d, byte[] sid) { return new Account(u, d, sid); }

        static T Throws<T>(TestDelegate call) where T : OfflineResetException
        {
            T e = Assert.Throws<T>(call);
            Assert.AreEqual(OfflineResetLibrary.StatusMessage(e.Status), e.Message);
            Assert.AreEqual(typeof(T).Name, OfflineResetException.ClassNameOf(e.Status));
            return e;
        }

        [TestCase("alice", "CORP", "Winter-Tulip-42")]
        [TestCase("Jürgen", "ÖSTERREICH", "Grüße aus Wien 🏔")]
        [TestCase("İstanbul", "ist", "pässwörd")]
        [TestCase("山田", "東京", "パスワード")]
        public void RoundTripNonAscii(string username, string domain, string password)
        {
            ResetCode code = Ring.SealResetCode(Machine.IdentificationCode, A(username, domain), password, Now);
            Assert.AreEqual(OfflineResetLibrary.ResetCodeTextLength, code.Text.Length);
            // Typed differently on the machine: lower-case code, other case of the names, password as bytes.
            AcceptedReset accepted = Machine.OpenResetCodeForDiagnostics(ResetCode.Parse(code.Text.ToLowerInvariant()), A(username.ToUpperInvariant(), domain.ToLowerInvariant()),
                Encoding.UTF8.GetBytes(password), Now + 60);
            Assert.That(accepted.IssuedAt <= Now && Now < accepted.ExpiresAt);
            Throws<RejectedException>(() => Machine.OpenResetCodeForDiagnostics(code, A(username, domain), password + "x", Now + 60));
        }

        [Test]
        public void PasswordBytesAreTheCallersAndNotWiped()
        {
            byte[] pw = Encoding.UTF8.GetBytes("Grüße");
            ResetCode code = Ring.SealResetCode(Machine.IdentificationCode, A("bob", "CORP"), pw, Now);
            CollectionAssert.AreEqual(Encoding.UTF8.GetBytes("Grüße"), pw);
            Assert.LessOrEqual(Machine.OpenResetCodeForDiagnostics(code, A("bob", "CORP"), pw, Now).IssuedAt, Now);
            Array.Clear(pw, 0, pw.Length); // the caller wipes its own buffer
            Throws<InvalidPasswordException>(() => Ring.SealResetCode(Machine.IdentificationCode, A("bob", "CORP"), new byte[0], Now));
        }

        [Test]
        public void EveryStatusIsItsException()
        {
            string id = Machine.IdentificationCode.Text;
            string bad = id.Substring(0, id.Length - 1) + (id[id.Length - 1] != '0' ? "0" : "1");
            var mistyped = Throws<MistypedException>(() => IdentificationCode.Parse(bad));
            Assert.AreEqual(8, mistyped.Group);
            Assert.AreEqual(8, mistyped.MistypedGroup);
            Assert.AreEqual(Status.Mistyped, mistyped.Status);
            Throws<MalformedInputException>(() => ResetCode.Parse("12345"));
            Throws<UnsupportedVersionException>(() => IdentificationCode.Parse("00000000000000000000000000000000000000000000"));
            Throws<InvalidUsernameException>(() => A("", "CORP"));
            Throws<InvalidDomainException>(() => A("a", "X/Y"));
            var idc = Machine.IdentificationCode;
            Throws<InvalidPasswordException>(() => Ring.SealResetCode(idc, A("a", "B"), "", Now));
            Throws<TimeOutOfRangeException>(() => Ring.SealResetCode(idc, A("a", "B"), "p", 0));
            Throws<InvalidPolicyException>(() => ServerKeyRing.Generate(new Policy(0, 0), PasswordCost.Minimum));
            ResetCode code = Ring.SealResetCode(idc, A("a", "B"), "p", Now);
            Throws<ExpiredException>(() => Machine.OpenResetCodeForDiagnostics(code, A("a", "B"), "p", Now + 10 * 86400));
            Throws<NotYetValidException>(() => Machine.OpenResetCodeForDiagnostics(code, A("a", "B"), "p", Now - 3600));
            Throws<WrongKindException>(() => Machine.FromBytes(Ring.ExportPlain()));
            Throws<WrappingMismatchException>(() => Machine.FromBytes(Machine.Export(OfflineResetLibrary.GenerateWrappingKey())));
            Throws<WrongWrappingKeyException>(() => Machine.FromBytes(Machine.Export(OfflineResetLibrary.GenerateWrappingKey()), OfflineResetLibrary.GenerateWrappingKey()));
            Throws<InvalidKeyMaterialException>(() => Machine.Export(new byte[] { 1, 2, 3 }));
            byte[] ledger = new ReplayLedger(Machine).ExportPlain();
            Throws<TruncatedException>(() => ReplayLedger.FromBytes(ledger.Take(ledger.Length - 1).ToArray(), null, Machine, 0));
            byte[] blob = Machine.ExportPlain();
            blob[30] ^= 1;
            Throws<CorruptedException>(() => Machine.FromBytes(blob));
            Throws<Utf16TextException>(() => OfflineResetLibrary.CheckDeploymentPackage(Encoding.Unicode.GetBytes(Ring.DeploymentPackage)));
            Throws<InvalidUtf8Exception>(() => A("\ud800", "CORP"));
            Throws<InvalidLengthException>(() => OfflineResetLibrary.GetNameProblem(new string('a', 70000)));

            // Rotation: on the server, and on the machine in both directions.
            using (var rotated = ServerKeyRing.FromBytes(Ring.ExportPlain()))
            {
                Assert.AreEqual(Ring.CurrentEpoch + 1, rotated.Rotate(Now));
                var e = Throws<KeyRotatedException>(() => rotated.SealResetCode(idc, A("a", "B"), "p", Now + 1));
                Assert.AreEqual(Ring.CurrentEpoch, e.CodeEpoch);
                Assert.AreEqual(rotated.CurrentEpoch, e.CurrentEpoch);
                using (var newer = Machine.Enroll(rotated.DeploymentPackage))
                {
                    var b = Throws<CodeBeforeRotationException>(() => newer.OpenResetCodeForDiagnostics(code, A("a", "B"), "p", Now));
                    Assert.AreEqual(1, b.CodeEpoch);
                    Assert.AreEqual(2, b.CurrentEpoch);
                    ResetCode newerCode = rotated.SealResetCode(newer.IdentificationCode, A("a", "B"), "p", Now);
                    Throws<RedeployNeededException>(() => Machine.OpenResetCodeForDiagnostics(newerCode, A("a", "B"), "p", Now));
                    Throws<PackageEpochTooOldException>(() => newer.Redeploy(Ring.DeploymentPackage));
                }
            }
            using (var l = new ReplayLedger(Machine))
            {
                ResetCode later = Ring.SealResetCode(idc, A("a", "B"), "p", Now + 120);
                Machine.RedeemResetCode(l, later, A("a", "B"), "p", Now + 120);
                Throws<AlreadyUsedException>(() => Machine.RedeemResetCode(l, later, A("a", "B"), "p", Now + 120));
                Throws<SupersededException>(() => Machine.RedeemResetCode(l, code, A("a", "B"), "p", Now + 120));
                // Both refusals were counted (one account; two codes with a failed open).
                Assert.AreEqual(1, l.AccountCount);
                Assert.AreEqual(2, l.CodeCount);
                Assert.AreEqual(3UL, l.Generation);
                Throws<ClockSetBackException>(() => Machine.RedeemResetCode(l, later, A("a", "B"), "p", Now + 120 - 601));
                Assert.AreEqual(3UL, l.Generation, "a refused clock changes nothing");
                byte[] saved = l.ExportPlain();
                using (var again = ReplayLedger.FromBytes(saved, null, Machine, 3))
                {
                    Assert.AreEqual(1, again.AccountCount);
                    Assert.AreEqual(2, again.CodeCount);
                    Assert.AreEqual(3UL, again.Generation);
                }
                Throws<LedgerRolledBackException>(() => ReplayLedger.FromBytes(saved, null, Machine, 4));
                using (var other = Machine.Enroll(Ring.DeploymentPackage))
                {
                    Throws<LedgerOfAnotherMachineException>(() => ReplayLedger.FromBytes(saved, null, other, 0));
                    Throws<LedgerOfAnotherMachineException>(() => other.RedeemResetCode(l, later, A("a", "B"), "p", Now + 120));
                    Throws<PackageSignatureInvalidException>(() => other.Redeploy(Shared.OtherRing.DeploymentPackage));
                }
            }
            Throws<InvalidSidException>(() => A("a", "B", new byte[11]));

            // Statuses the binding cannot provoke still map to their own class and message; an
            // unknown number is the base class with its number.
            foreach (Status s in Enum.GetValues(typeof(Status)))
            {
                if (s == Status.Ok) continue;
                OfflineResetException e = OfflineResetException.Create((uint)s, default(ErrorDetails));
                Assert.AreEqual(s == Status.OutOfMemory ? "OfflineResetOutOfMemoryException" : s + "Exception", e.GetType().Name);
                Assert.AreNotEqual(typeof(OfflineResetException), e.GetType(), "status " + s + " has its own class");
                Assert.AreEqual(s, e.Status);
                Assert.AreEqual(OfflineResetLibrary.StatusMessage(s), e.Message);
            }
            OfflineResetException unknown = OfflineResetException.Create(9999, default(ErrorDetails));
            Assert.AreEqual(typeof(OfflineResetException), unknown.GetType());
            Assert.AreEqual(9999u, (uint)unknown.Status);
        }

        [Test]
        public void EveryStatusHasItsOwnMessage()
        {
            // The exceptions carry the library's text: one per status, none the unknown text.
            string unknown = OfflineResetLibrary.StatusMessage(9999u);
            var seen = new Dictionary<string, Status>();
            var problems = new List<string>();
            foreach (Status s in Enum.GetValues(typeof(Status)))
            {
                string m = OfflineResetLibrary.StatusMessage(s);
                Status other;
                if (string.IsNullOrEmpty(m) || m == unknown) problems.Add(s + " (" + (uint)s + ") has the unknown-status text \"" + m + "\"");
                else if (seen.TryGetValue(m, out other)) problems.Add(s + " (" + (uint)s + ") has the text of " + other + ": \"" + m + "\"");
                else seen[m] = s;
            }
            Assert.IsEmpty(problems, string.Join("\n", problems));
            Assert.AreEqual(unknown, OfflineResetLibrary.StatusMessage(43u)); // the first number not assigned (ABI 2.1)
            Assert.AreEqual(unknown, OfflineResetLibrary.StatusMessage(uint.MaxValue));
        }

        [Test]
        public void DisposeTwiceAndUseAfterDispose()
        {
            var r = ServerKeyRing.FromBytes(Ring.ExportPlain());
            using (r) CollectionAssert.AreEqual(Ring.Epochs, r.Epochs);
            Assert.IsTrue(r.IsDisposed);
            r.Dispose(); // twice is fine
            Assert.Throws<ObjectDisposedException>(() => { var e = r.CurrentEpoch; });
            Assert.Throws<ObjectDisposedException>(() => r.SealResetCode(Machine.IdentificationCode, A("a", "B"), "p", Now));
            Assert.Throws<ObjectDisposedException>(() => r.Rotate(Now));
            Assert.Throws<ObjectDisposedException>(() => r.ExportPlain());

            var m = Machine.FromBytes(Machine.ExportPlain());
            var l = new ReplayLedger(m);
            m.Dispose(); m.Dispose();
            Assert.Throws<ObjectDisposedException>(() => { var c = m.IdentificationCode; });
            Assert.Throws<ObjectDisposedException>(() => new ReplayLedger(m));
            Assert.Throws<ObjectDisposedException>(() => m.Redeploy(Ring.DeploymentPackage));
            Assert.AreEqual(0, l.AccountCount, "a ledger outlives the machine it was made for");
            l.Dispose(); l.Dispose();
            Assert.Throws<ObjectDisposedException>(() => { var n = l.AccountCount; });
            Assert.Throws<ObjectDisposedException>(() => { var g = l.Generation; });
            // A disposed ledger given to a live machine: the machine's call refuses it too.
            Assert.Throws<ObjectDisposedException>(() => Machine.RedeemResetCode(l, ResetCode.Parse(Ring.SealResetCode(Machine.IdentificationCode, A("a", "B"), "p", Now).Text), A("a", "B"), "p", Now));
        }

        [Test]
        public void RingSettingsAndWrappedExports()
        {
            byte[] key = OfflineResetLibrary.GenerateWrappingKey();
            Assert.AreEqual(64, key.Length);
            using (var r = ServerKeyRing.FromBytes(Ring.Export(key), key))
            {
                r.Policy = new Policy(60, 5);
                r.RetiredGraceSeconds = 3600;
                Assert.AreEqual(new Policy(60, 5), r.Policy);
                Assert.AreEqual(3600, r.RetiredGraceSeconds);
                Assert.AreEqual(PasswordCost.Minimum, r.GetPasswordCost());
                r.SetPasswordCost(new PasswordCost(20000, 2, 1));
                Assert.AreEqual(2, r.Rotate(Now));
                Assert.AreEqual(new PasswordCost(20000, 2, 1), r.GetPasswordCost(2));
                r.Prune(Now + 3600);
                CollectionAssert.AreEqual(new[] { 2 }, r.Epochs);
                DeploymentPackageInfo info = OfflineResetLibrary.CheckDeploymentPackage(r.DeploymentPackage);
                Assert.AreEqual(2, info.Epoch);
                Assert.AreEqual(new Policy(60, 5), info.Policy);
                using (var m = Machine.Enroll(Encoding.UTF8.GetBytes(r.DeploymentPackage)))
                {
                    Assert.IsTrue(m.IsEnrolledWith(r.DeploymentPackage));
                    Assert.IsFalse(m.IsEnrolledWith(Ring.DeploymentPackage));
                    Assert.AreEqual(2, m.Epoch);
                    Assert.AreEqual(new PasswordCost(20000, 2, 1), m.PasswordCost);
                    using (var m2 = Machine.FromBytes(m.Export(key), key)) Assert.AreEqual(m.IdentificationCode, m2.IdentificationCode);
                }
            }
            Array.Clear(key, 0, key.Length);
        }

        [Test]
        public void TheSidIsPartOfTheAccount()
        {
            byte[] sid = Shared.Sid(1105);
            Account alice = A("alice", "CORP", sid);
            sid[27] ^= 1; // the account holds its own copy
            CollectionAssert.AreEqual(Shared.Sid(1105), alice.Sid);
            alice.Sid[0] = 9; // and hands out copies
            CollectionAssert.AreEqual(Shared.Sid(1105), alice.Sid);
            Assert.AreEqual("CORP\\alice (S-1-5-21-1004336348-1177238915-682003330-1105)", alice.ToString());
            Assert.AreEqual("CORP\\ALICE (S-1-5-21-1004336348-1177238915-682003330-1105)", alice.ToNormalizedString());
            Assert.AreEqual(alice, A("ALICE", "corp", Shared.Sid(1105)));
            Assert.AreNotEqual(alice, A("alice", "CORP", Shared.Sid(1106)));

            // A code for one SID does not open for another account of the same name.
            ResetCode code = Ring.SealResetCode(Machine.IdentificationCode, alice, "Winter-Tulip-42", Now);
            Throws<RejectedException>(() => Machine.OpenResetCodeForDiagnostics(code, A("alice", "CORP", Shared.Sid(1106)), "Winter-Tulip-42", Now));
            Assert.LessOrEqual(Machine.OpenResetCodeForDiagnostics(code, A("Alice", "corp", Shared.Sid(1105)), "Winter-Tulip-42", Now).IssuedAt, Now);

            // Malformed SIDs (section 5): the length is exactly 8 + 4 x count, revision 1, count 1 to 15.
            Func<int, int, int, byte[]> make = (revision, count, length) =>
            {
                byte[] b = new byte[length];
                b[0] = (byte)revision; if (length > 1) b[1] = (byte)count; if (length > 7) b[7] = 5;
                return b;
            };
            var bad = new[] { new byte[0], make(1, 1, 11), make(2, 1, 12), make(1, 0, 8), make(1, 16, 72), make(1, 5, 24), make(1, 1, 16), make(1, 15, 69) };
            foreach (byte[] b in bad)
            {
                Throws<InvalidSidException>(() => A("alice", "CORP", b));
                Throws<InvalidSidException>(() => Account.Check("alice", "CORP", b));
            }
            A("alice", "CORP", make(1, 1, 12));
            A("alice", "CORP", make(1, 15, 68));
            Account.Check("alice", "CORP", make(1, 15, 68));
            // The names are checked first (their errors win), and a null SID is the caller's bug.
            Throws<InvalidUsernameException>(() => A("", "CORP", new byte[0]));
            Throws<InvalidDomainException>(() => Account.Check("alice", "", new byte[0]));
            Assert.Throws<ArgumentNullException>(() => A("alice", "CORP", null));
            Assert.Throws<ArgumentNullException>(() => Account.Check("alice", "CORP", null));
        }

        [Test]
        public void AttemptLimitsTravelInThePackageAndTheLedgerCountsFailures()
        {
            using (var r = ServerKeyRing.FromBytes(Ring.ExportPlain()))
            {
                Assert.AreEqual(AttemptLimits.Default, r.AttemptLimits);
                Throws<InvalidPolicyException>(() => r.AttemptLimits = new AttemptLimits(0, 20));
                Throws<InvalidPolicyException>(() => r.AttemptLimits = new AttemptLimits(5, 1001));
                Throws<InvalidPolicyException>(() => r.AttemptLimits = new AttemptLimits(65537, 20));
                Throws<InvalidPolicyException>(() => r.AttemptLimits = new AttemptLimits(-1, 20));
                Assert.AreEqual(AttemptLimits.Default, r.AttemptLimits, "a refused setting changes nothing");
                r.AttemptLimits = new AttemptLimits(2, 3);
                Assert.AreEqual(new AttemptLimits(2, 3), r.AttemptLimits);
                Assert.AreEqual(new AttemptLimits(2, 3), ServerKeyRing.FromBytes(r.ExportPlain()).AttemptLimits);

                // The same epoch: the machine keeps its identification code (and its ledger).
                using (var m = Machine.Redeploy(r.DeploymentPackage))
                using (var l = new ReplayLedger(m))
                {
                    Assert.AreEqual(Machine.IdentificationCode, m.IdentificationCode);
                    Assert.IsTrue(m.IsEnrolledWith(r.DeploymentPackage));
                    Account bob = A("bob", "CORP", Shared.Sid(1200));
                    ResetCode code = r.SealResetCode(m.IdentificationCode, bob, "right", Now);
                    Throws<RejectedException>(() => m.RedeemResetCode(l, code, bob, "wrong", Now + 1));
                    Assert.AreEqual(1, l.CodeCount, "a failed open is counted");
                    Assert.AreEqual(1, l.AccountCount);
                    Assert.AreEqual(1UL, l.Generation);
                    Throws<RejectedException>(() => m.RedeemResetCode(l, code, bob, "wrong", Now + 2));
                    // Two failures on this code: even the right password is refused now.
                    Throws<TooManyAttemptsException>(() => m.RedeemResetCode(l, code, bob, "right", Now + 3));
                    Assert.AreEqual(3UL, l.Generation);
                    // The account's limit (3) spans codes: one more failure with a newer code.
                    ResetCode newer = r.SealResetCode(m.IdentificationCode, bob, "right", Now + 60);
                    Throws<RejectedException>(() => m.RedeemResetCode(l, newer, bob, "wrong", Now + 61));
                    Throws<TooManyAttemptsException>(() => m.RedeemResetCode(l, newer, bob, "right", Now + 62));
                    // Another account is not affected, and a ledger of the same enrollment reads.
                    Account carol = A("carol", "CORP", Shared.Sid(1201));
                    m.RedeemResetCode(l, r.SealResetCode(m.IdentificationCode, carol, "pw", Now), carol, "pw", Now + 63);
                    using (var back = ReplayLedger.FromBytes(l.ExportPlain(), null, Machine, l.Generation))
                    {
                        Assert.AreEqual(2, back.AccountCount);
                        Assert.AreEqual(2, back.CodeCount);
                        Assert.AreEqual(6UL, back.Generation);
                    }
                    // The diagnostics open has no ledger: no limits, nothing counted.
                    AcceptedReset opened = m.OpenResetCodeForDiagnostics(code, bob, "right", Now + 64);
                    Assert.That(opened.IssuedAt <= Now && Now + 64 < opened.ExpiresAt);
                }
            }
        }

        [Test]
        public void RedeploymentAndSigningKeyRotation()
        {
            using (var r = ServerKeyRing.FromBytes(Ring.ExportPlain()))
            using (var m = Machine.Enroll(r.DeploymentPackage))
            using (var missed = Machine.Enroll(r.DeploymentPackage))
            {
                string before = r.DeploymentPackage;
                r.BeginSigningKeyRotation();
                string rotating = r.DeploymentPackage;
                Assert.AreNotEqual(before, rotating);
                r.BeginSigningKeyRotation(); // under way: nothing changes
                Assert.AreEqual(rotating, r.DeploymentPackage);
                using (var m1 = m.Redeploy(rotating))
                {
                    Assert.AreEqual(m.IdentificationCode, m1.IdentificationCode);
                    r.FinishSigningKeyRotation();
                    string after = r.DeploymentPackage;
                    Assert.AreNotEqual(rotating, after);
                    r.FinishSigningKeyRotation(); // none under way: nothing changes
                    Assert.AreEqual(after, r.DeploymentPackage);
                    using (var m2 = m1.Redeploy(Encoding.UTF8.GetBytes(after)))
                    {
                        Assert.AreEqual(m.IdentificationCode, m2.IdentificationCode);
                        Assert.IsTrue(m2.IsEnrolledWith(after));
                        Assert.IsTrue(m.IsEnrolledWith(before));
                        Assert.IsFalse(m.IsEnrolledWith(after), "m pinned the old signing key");
                    }
                    // A machine that missed the rotation package, and m before it, refuse the new key.
                    Throws<PackageSignatureInvalidException>(() => missed.Redeploy(after));
                    Throws<PackageSignatureInvalidException>(() => m.Redeploy(after));
                    Throws<PackageSignatureInvalidException>(() => m1.Redeploy(Shared.OtherRing.DeploymentPackage));

                    // A new epoch: a new identification code, and the old ledger is refused.
                    Assert.AreEqual(2, r.Rotate(Now));
                    using (var m3 = m1.Redeploy(r.DeploymentPackage))
                    using (var l1 = new ReplayLedger(m1))
                    {
                        Assert.AreEqual(2, m3.Epoch);
                        Assert.AreNotEqual(m1.IdentificationCode, m3.IdentificationCode);
                        Assert.AreEqual(1, m1.Epoch, "the machine redeployed from is unchanged");
                        Throws<LedgerOfAnotherMachineException>(() => ReplayLedger.FromBytes(l1.ExportPlain(), null, m3, 0));
                        Throws<PackageEpochTooOldException>(() => m3.Redeploy(after));
                        Throws<Utf16TextException>(() => m3.Redeploy(Encoding.Unicode.GetBytes(r.DeploymentPackage)));
                    }
                }
            }
            Assert.Throws<ArgumentNullException>(() => Machine.Redeploy((string)null));
            Assert.Throws<ArgumentNullException>(() => new ReplayLedger(null));
            Assert.Throws<ArgumentNullException>(() => ReplayLedger.FromBytes(new byte[1], null, null, 0));
        }

        [Test]
        public void DeploymentPackageFingerprint()
        {
            string package = Ring.DeploymentPackage;
            Assert.AreEqual(319, package.Length);
            string fp = OfflineResetLibrary.DeploymentPackageFingerprint(package);
            Assert.AreEqual(OfflineResetLibrary.PackageFingerprintLength, fp.Length);
            StringAssert.IsMatch("^[0-9a-f]{64}$", fp);
            // One package, one fingerprint, whatever its text looks like.
            Assert.AreEqual(fp, OfflineResetLibrary.DeploymentPackageFingerprint(package.ToLowerInvariant() + "\r\n"));
            Assert.AreEqual(fp, OfflineResetLibrary.DeploymentPackageFingerprint(Encoding.UTF8.GetBytes(package)));
            Assert.AreNotEqual(fp, OfflineResetLibrary.DeploymentPackageFingerprint(Shared.OtherRing.DeploymentPackage));
            Throws<Utf16TextException>(() => OfflineResetLibrary.DeploymentPackageFingerprint(Encoding.Unicode.GetBytes(package)));
            Throws<TruncatedException>(() => OfflineResetLibrary.DeploymentPackageFingerprint(package.Substring(0, 1)));
            Assert.Throws<ArgumentNullException>(() => OfflineResetLibrary.DeploymentPackageFingerprint((string)null));
        }

        [Test]
        public void NamesAndVersions()
        {
            Assert.AreEqual("CORP", OfflineResetLibrary.DefaultOfflineDomain("corp.example.com"));
            Assert.AreEqual(A("ALICE", "corp"), Account.WithFqdn("alice", "corp.example.com", Shared.Sid1105));
            Assert.AreEqual(NameProblem.QualifiedName, OfflineResetLibrary.GetNameProblem("CORP\\alice"));
            Assert.IsNotEmpty(OfflineResetLibrary.Hint(NameProblem.QualifiedName));
            Assert.AreEqual(1, OfflineResetLibrary.ProtocolVersion);
            Assert.AreEqual(2, OfflineResetLibrary.Version.Count(c => c == '.'));
            Assert.AreEqual(2u, OfflineResetLibrary.AbiVersion >> 16);
            Assert.AreEqual((2u << 16) | 1u, OfflineResetLibrary.BindingAbiVersion);
        }
    }
}

// The .NET API: round trips with non-ASCII names, every status as its exception, passwords as
// string and byte[], Dispose, settings and exports.
using System;
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
        static Account A(string u, string d) { return new Account(u, d); }

        static T Throws<T>(TestDelegate call) where T : OfflineResetException
        {
            T e = Assert.Throws<T>(call);
            Assert.AreEqual(OfflineResetLibrary.StatusMessage(e.Status), e.Message);
            Assert.AreEqual(typeof(T).Name, e.Status + "Exception");
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
            AcceptedReset accepted = Machine.OpenResetCode(new ResetCode(code.Text.ToLowerInvariant()), A(username.ToUpperInvariant(), domain.ToLowerInvariant()),
                Encoding.UTF8.GetBytes(password), Now + 60);
            Assert.That(accepted.IssuedAt <= Now && Now < accepted.ExpiresAt);
            Throws<RejectedException>(() => Machine.OpenResetCode(code, A(username, domain), password + "x", Now + 60));
        }

        [Test]
        public void PasswordBytesAreTheCallersAndNotWiped()
        {
            byte[] pw = Encoding.UTF8.GetBytes("Grüße");
            ResetCode code = Ring.SealResetCode(Machine.IdentificationCode, A("bob", "CORP"), pw, Now);
            CollectionAssert.AreEqual(Encoding.UTF8.GetBytes("Grüße"), pw);
            Assert.LessOrEqual(Machine.OpenResetCode(code, A("bob", "CORP"), pw, Now).IssuedAt, Now);
            Array.Clear(pw, 0, pw.Length); // the caller wipes its own buffer
            Throws<InvalidPasswordException>(() => Ring.SealResetCode(Machine.IdentificationCode, A("bob", "CORP"), new byte[0], Now));
        }

        [Test]
        public void EveryStatusIsItsException()
        {
            string id = Machine.IdentificationCode.Text;
            string bad = id.Substring(0, id.Length - 1) + (id[id.Length - 1] != '0' ? "0" : "1");
            var mistyped = Throws<MistypedException>(() => new IdentificationCode(bad));
            Assert.AreEqual(8, mistyped.Group);
            Assert.AreEqual(8, mistyped.MistypedGroup);
            Assert.AreEqual(Status.Mistyped, mistyped.Status);
            Throws<MalformedInputException>(() => new ResetCode("12345"));
            Throws<UnsupportedVersionException>(() => new IdentificationCode("00000000000000000000000000000000000000000000"));
            Throws<InvalidUsernameException>(() => A("", "CORP"));
            Throws<InvalidDomainException>(() => A("a", "X/Y"));
            var idc = Machine.IdentificationCode;
            Throws<InvalidPasswordException>(() => Ring.SealResetCode(idc, A("a", "B"), "", Now));
            Throws<TimeOutOfRangeException>(() => Ring.SealResetCode(idc, A("a", "B"), "p", 0));
            Throws<InvalidPolicyException>(() => ServerKeyRing.Generate(new Policy(0, 0), PasswordCost.Minimum));
            ResetCode code = Ring.SealResetCode(idc, A("a", "B"), "p", Now);
            Throws<ExpiredException>(() => Machine.OpenResetCode(code, A("a", "B"), "p", Now + 10 * 86400));
            Throws<NotYetValidException>(() => Machine.OpenResetCode(code, A("a", "B"), "p", Now - 3600));
            Throws<WrongKindException>(() => Machine.FromBytes(Ring.Export()));
            Throws<WrappingMismatchException>(() => Machine.FromBytes(Machine.Export(OfflineResetLibrary.GenerateWrappingKey())));
            Throws<WrongWrappingKeyException>(() => Machine.FromBytes(Machine.Export(OfflineResetLibrary.GenerateWrappingKey()), OfflineResetLibrary.GenerateWrappingKey()));
            Throws<InvalidKeyMaterialException>(() => Machine.Export(new byte[] { 1, 2, 3 }));
            byte[] ledger = new ReplayLedger().Export();
            Throws<TruncatedException>(() => ReplayLedger.FromBytes(ledger.Take(ledger.Length - 1).ToArray()));
            byte[] blob = Machine.Export();
            blob[30] ^= 1;
            Throws<CorruptedException>(() => Machine.FromBytes(blob));
            Throws<Utf16TextException>(() => OfflineResetLibrary.CheckDeploymentPackage(Encoding.Unicode.GetBytes(Ring.DeploymentPackage)));
            Throws<InvalidUtf8Exception>(() => A("\ud800", "CORP"));
            Throws<InvalidLengthException>(() => OfflineResetLibrary.GetNameProblem(new string('a', 70000)));

            // Rotation: on the server, and on the machine in both directions.
            using (var rotated = ServerKeyRing.FromBytes(Ring.Export()))
            {
                Assert.AreEqual(Ring.CurrentEpoch + 1, rotated.Rotate(Now));
                var e = Throws<KeyRotatedException>(() => rotated.SealResetCode(idc, A("a", "B"), "p", Now + 1));
                Assert.AreEqual(Ring.CurrentEpoch, e.CodeEpoch);
                Assert.AreEqual(rotated.CurrentEpoch, e.CurrentEpoch);
                using (var newer = Machine.Enroll(rotated.DeploymentPackage))
                {
                    var b = Throws<CodeBeforeRotationException>(() => newer.OpenResetCode(code, A("a", "B"), "p", Now));
                    Assert.AreEqual(1, b.CodeEpoch);
                    Assert.AreEqual(2, b.CurrentEpoch);
                    ResetCode newerCode = rotated.SealResetCode(newer.IdentificationCode, A("a", "B"), "p", Now);
                    Throws<RedeployNeededException>(() => Machine.OpenResetCode(newerCode, A("a", "B"), "p", Now));
                }
            }
            using (var l = new ReplayLedger())
            {
                ResetCode later = Ring.SealResetCode(idc, A("a", "B"), "p", Now + 120);
                Machine.RedeemResetCode(l, later, A("a", "B"), "p", Now + 120);
                Throws<AlreadyUsedException>(() => Machine.RedeemResetCode(l, later, A("a", "B"), "p", Now + 120));
                Throws<SupersededException>(() => Machine.RedeemResetCode(l, code, A("a", "B"), "p", Now + 120));
                Assert.AreEqual(1, l.Count);
                using (var again = ReplayLedger.FromBytes(l.Export())) Assert.AreEqual(1, again.Count);
            }

            // Statuses the binding cannot provoke still map to their own class and message; an
            // unknown number is the base class with its number.
            foreach (Status s in Enum.GetValues(typeof(Status)))
            {
                if (s == Status.Ok) continue;
                OfflineResetException e = OfflineResetException.Create((uint)s, default(ErrorDetails));
                Assert.AreEqual(s + "Exception", e.GetType().Name);
                Assert.AreEqual(s, e.Status);
                Assert.AreEqual(OfflineResetLibrary.StatusMessage(s), e.Message);
            }
            OfflineResetException unknown = OfflineResetException.Create(9999, default(ErrorDetails));
            Assert.AreEqual(typeof(OfflineResetException), unknown.GetType());
            Assert.AreEqual(9999u, (uint)unknown.Status);
        }

        [Test]
        public void DisposeTwiceAndUseAfterDispose()
        {
            var r = ServerKeyRing.FromBytes(Ring.Export());
            using (r) CollectionAssert.AreEqual(Ring.Epochs, r.Epochs);
            Assert.IsTrue(r.IsDisposed);
            r.Dispose(); // twice is fine
            Assert.Throws<ObjectDisposedException>(() => { var e = r.CurrentEpoch; });
            Assert.Throws<ObjectDisposedException>(() => r.SealResetCode(Machine.IdentificationCode, A("a", "B"), "p", Now));
            Assert.Throws<ObjectDisposedException>(() => r.Rotate(Now));
            Assert.Throws<ObjectDisposedException>(() => r.Export());

            var m = Machine.FromBytes(Machine.Export());
            var l = new ReplayLedger();
            m.Dispose(); m.Dispose();
            Assert.Throws<ObjectDisposedException>(() => { var c = m.IdentificationCode; });
            l.Dispose(); l.Dispose();
            Assert.Throws<ObjectDisposedException>(() => { var n = l.Count; });
            // A disposed ledger given to a live machine: the machine's call refuses it too.
            Assert.Throws<ObjectDisposedException>(() => Machine.RedeemResetCode(l, new ResetCode(Ring.SealResetCode(Machine.IdentificationCode, A("a", "B"), "p", Now).Text), A("a", "B"), "p", Now));
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
        public void NamesAndVersions()
        {
            Assert.AreEqual("CORP", OfflineResetLibrary.DefaultOfflineDomain("corp.example.com"));
            Assert.AreEqual(new Account("ALICE", "corp"), Account.WithFqdn("alice", "corp.example.com"));
            Assert.AreEqual(NameProblem.QualifiedName, OfflineResetLibrary.GetNameProblem("CORP\\alice"));
            Assert.IsNotEmpty(OfflineResetLibrary.Hint(NameProblem.QualifiedName));
            Assert.AreEqual(1, OfflineResetLibrary.ProtocolVersion);
            Assert.AreEqual(2, OfflineResetLibrary.Version.Count(c => c == '.'));
            Assert.AreEqual(1u, OfflineResetLibrary.AbiVersion >> 16);
            Assert.AreEqual((1u << 16) | 1u, OfflineResetLibrary.BindingAbiVersion);
        }
    }
}

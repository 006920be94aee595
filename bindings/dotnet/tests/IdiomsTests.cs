// The .NET idioms of issue 19: Parse/TryParse for codes, Export that requires a wrapping key next
// to ExportPlain, no public exception class for statuses only C callers cause, PasswordCost's text,
// DateTimeOffset/TimeSpan overloads, and the account shown as typed with the normalized form on
// request.
using System;
using System.Linq;
using System.Reflection;
using System.Text;
using NUnit.Framework;

namespace OfflineReset.Tests
{
    [TestFixture]
    public class IdiomsTests
    {
        const long Now = Shared.Now;
        static ServerKeyRing Ring { get { return Shared.Ring; } }
        static Machine Machine { get { return Shared.Machine; } }
        static Account A(string u, string d) { return new Account(u, d, Shared.Sid1105); }

        static string Mistype(string canonical)
        {
            return canonical.Substring(0, canonical.Length - 1) + (canonical[canonical.Length - 1] != '0' ? "0" : "1");
        }

        [Test]
        public void IdentificationCodeParseAndTryParse()
        {
            string id = Machine.IdentificationCode.Text;
            Assert.AreEqual(id, IdentificationCode.Parse(id.ToLowerInvariant().Replace("-", " ")).Text);
            IdentificationCode parsed;
            Assert.IsTrue(IdentificationCode.TryParse(" " + id.ToLowerInvariant() + "\n", out parsed));
            Assert.AreEqual(Machine.IdentificationCode, parsed);

            // TryParse never throws for bad text: every library error (and null) is false.
            foreach (string bad in new[] { Mistype(id), "12345", "", "00000000000000000000000000000000000000000000", "\ud800", new string('a', 70000), null })
            {
                IdentificationCode c = Machine.IdentificationCode;
                Assert.IsFalse(IdentificationCode.TryParse(bad, out c), bad == null ? "null" : bad.Substring(0, Math.Min(bad.Length, 20)));
                Assert.IsNull(c);
            }
            // Parse throws the status's exception, with its details.
            Assert.AreEqual(8, Assert.Throws<MistypedException>(() => IdentificationCode.Parse(Mistype(id))).Group);
            Assert.Throws<MalformedInputException>(() => IdentificationCode.Parse("12345"));
            Assert.Throws<UnsupportedVersionException>(() => IdentificationCode.Parse("00000000000000000000000000000000000000000000"));
            Assert.Throws<InvalidUtf8Exception>(() => IdentificationCode.Parse("\ud800"));
            Assert.Throws<InvalidLengthException>(() => IdentificationCode.Parse(new string('a', 70000)));
            Assert.Throws<ArgumentNullException>(() => IdentificationCode.Parse(null));

            // The constructor still works, marked obsolete in favour of Parse.
#pragma warning disable 618
            Assert.AreEqual(parsed, new IdentificationCode(id.ToLowerInvariant()));
            Assert.Throws<MistypedException>(() => new IdentificationCode(Mistype(id)));
#pragma warning restore 618
            ConstructorInfo ctor = typeof(IdentificationCode).GetConstructor(new[] { typeof(string) });
            StringAssert.Contains("Parse", ((ObsoleteAttribute)ctor.GetCustomAttributes(typeof(ObsoleteAttribute), false).Single()).Message);
        }

        [Test]
        public void ResetCodeParseAndTryParse()
        {
            string code = Ring.SealResetCode(Machine.IdentificationCode, A("alice", "CORP"), "pw", Now).Text;
            Assert.AreEqual(code, ResetCode.Parse(code.ToLowerInvariant()).Text);
            ResetCode parsed;
            Assert.IsTrue(ResetCode.TryParse(code.ToLowerInvariant().Replace('0', 'o'), out parsed));
            Assert.AreEqual(code, parsed.Text);
            foreach (string bad in new[] { Mistype(code), "12345", "", Machine.IdentificationCode.Text, "\udc00", new string('a', 70000), null })
            {
                ResetCode c = parsed;
                Assert.IsFalse(ResetCode.TryParse(bad, out c));
                Assert.IsNull(c);
            }
            Assert.AreEqual(6, Assert.Throws<MistypedException>(() => ResetCode.Parse(Mistype(code))).Group);
            Assert.Throws<MalformedInputException>(() => ResetCode.Parse("12345"));
            Assert.Throws<InvalidUtf8Exception>(() => ResetCode.Parse("\udc00"));
            Assert.Throws<ArgumentNullException>(() => ResetCode.Parse(null));
#pragma warning disable 618
            Assert.AreEqual(parsed, new ResetCode(code));
            Assert.Throws<MistypedException>(() => new ResetCode(Mistype(code)));
#pragma warning restore 618
            ConstructorInfo ctor = typeof(ResetCode).GetConstructor(new[] { typeof(string) });
            Assert.AreEqual(1, ctor.GetCustomAttributes(typeof(ObsoleteAttribute), false).Length);
        }

        [Test]
        public void ExportNeedsAKeyAndExportPlainIsNamed()
        {
            byte[] key = OfflineResetLibrary.GenerateWrappingKey();
            using (var ledger = new ReplayLedger(Machine))
            {
                Func<byte[], byte[]>[] exports = { k => Ring.Export(k), k => Machine.Export(k), k => ledger.Export(k) };
                foreach (var export in exports)
                {
                    var e = Assert.Throws<ArgumentNullException>(() => export(null));
                    Assert.AreEqual("wrappingKey", e.ParamName);
                    StringAssert.Contains("ExportPlain", e.Message);
                    Assert.Throws<InvalidKeyMaterialException>(() => export(new byte[0]));
                    Assert.Throws<InvalidKeyMaterialException>(() => export(new byte[63]));
                }

                // Export(key) wraps: the plain reader refuses it; ExportPlain is plain: it reads without a key.
                Assert.Throws<WrappingMismatchException>(() => ServerKeyRing.FromBytes(Ring.Export(key)));
                Assert.Throws<WrappingMismatchException>(() => Machine.FromBytes(Machine.Export(key)));
                Assert.Throws<WrappingMismatchException>(() => ReplayLedger.FromBytes(ledger.Export(key), null, Machine, 0));
                using (var r = ServerKeyRing.FromBytes(Ring.ExportPlain())) Assert.AreEqual(Ring.DeploymentPackage, r.DeploymentPackage);
                using (var r = ServerKeyRing.FromBytes(Ring.Export(key), key)) Assert.AreEqual(Ring.DeploymentPackage, r.DeploymentPackage);
                using (var m = Machine.FromBytes(Machine.ExportPlain())) Assert.AreEqual(Machine.IdentificationCode, m.IdentificationCode);
                using (var l = ReplayLedger.FromBytes(ledger.ExportPlain(), null, Machine, 0)) Assert.AreEqual(0UL, l.Generation);
                using (var l = ReplayLedger.FromBytes(ledger.Export(key), key, Machine, 0)) Assert.AreEqual(0UL, l.Generation);
            }

            // No Export without an argument and no optional key: a plain export is always spelled out.
            foreach (Type t in new[] { typeof(ServerKeyRing), typeof(Machine), typeof(ReplayLedger) })
            {
                MethodInfo[] exportMethods = t.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name == "Export").ToArray();
                Assert.AreEqual(1, exportMethods.Length, t.Name);
                ParameterInfo p = exportMethods[0].GetParameters().Single();
                Assert.IsFalse(p.IsOptional, t.Name + ".Export's key must not be optional");
                Assert.IsNotNull(t.GetMethod("ExportPlain", Type.EmptyTypes), t.Name + ".ExportPlain()");
            }
            Array.Clear(key, 0, key.Length);
        }

        [Test]
        public void StatusesOnlyCCausesHaveNoPublicException()
        {
            var cOnly = new[] { Status.NullPointer, Status.BufferTooSmall, Status.Panic, Status.InvalidUtf16 };
            string[] publicNames = typeof(OfflineResetException).Assembly.GetExportedTypes()
                .Where(t => typeof(OfflineResetException).IsAssignableFrom(t)).Select(t => t.Name).ToArray();
            foreach (Status s in Enum.GetValues(typeof(Status)))
            {
                if (s == Status.Ok) continue;
                OfflineResetException e = OfflineResetException.Create((uint)s, default(ErrorDetails));
                Assert.AreEqual(s, e.Status);
                Assert.IsInstanceOf<OfflineResetException>(e);
                bool internalClass = cOnly.Contains(s);
                Assert.AreEqual(internalClass, OfflineResetException.InternalStatusClass(s), s.ToString());
                Assert.AreEqual(!internalClass, e.GetType().IsPublic, s + ": " + e.GetType().Name);
                Assert.AreEqual(!internalClass, publicNames.Contains(OfflineResetException.ClassNameOf(s)), s.ToString());
            }
            // The two a .NET caller causes stay public (a lone surrogate; an input over the limit).
            CollectionAssert.IsSubsetOf(new[] { "InvalidUtf8Exception", "InvalidLengthException", "OfflineResetException" }, publicNames);
            var utf8 = Assert.Throws<InvalidUtf8Exception>(() => A("\ud800", "CORP"));
            Assert.AreEqual(Status.InvalidUtf8, utf8.Status);
            Assert.Throws<InvalidLengthException>(() => OfflineResetLibrary.DefaultOfflineDomain(new string('a', 70000)));
            // The enum still names every C status (the header check compares them).
            Assert.AreEqual(105u, (uint)Status.InvalidUtf16);
            Assert.AreEqual(100u, (uint)Status.NullPointer);
        }

        [Test]
        public void PasswordCostSaysTheCost()
        {
            Assert.AreEqual("Argon2id m=65536 KiB, t=3, p=1", PasswordCost.Default.ToString());
            Assert.AreEqual("Argon2id m=19456 KiB, t=2, p=1", PasswordCost.Minimum.ToString());
            var previous = System.Threading.Thread.CurrentThread.CurrentCulture;
            try
            {
                System.Threading.Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("ar-SA");
                Assert.AreEqual("Argon2id m=1048576 KiB, t=10, p=4", new PasswordCost(1048576, 10, 4).ToString());
            }
            finally { System.Threading.Thread.CurrentThread.CurrentCulture = previous; }
            Assert.AreEqual(PasswordCost.Minimum.ToString(), Ring.GetPasswordCost().ToString());
        }

        [Test]
        public void TimesAsDateTimeOffsetAndTimeSpan()
        {
            // Any offset, fractions of a second dropped: the same instant as the unix seconds.
            DateTimeOffset now = DateTimeOffset.FromUnixTimeSeconds(Now).ToOffset(TimeSpan.FromHours(2)).AddMilliseconds(999);
            Assert.AreEqual(Now, now.ToUnixTimeSeconds());
            Account alice = A("alice", "CORP");
            IdentificationCode id = Machine.IdentificationCode;
            ResetCode code = Ring.SealResetCode(id, alice, "pw", now);
            Assert.AreEqual(Ring.SealResetCode(id, alice, "pw", Now), code, "sealing is deterministic: the same time");
            Assert.AreEqual(code, Ring.SealResetCode(id, alice, Encoding.UTF8.GetBytes("pw"), now));
            Assert.AreNotEqual(code, Ring.SealResetCode(id, alice, "pw", now.AddHours(1)));

            AcceptedReset opened = Machine.OpenResetCodeForDiagnostics(code, alice, "pw", now.AddMinutes(5));
            Assert.AreEqual(opened, Machine.OpenResetCodeForDiagnostics(code, alice, Encoding.UTF8.GetBytes("pw"), Now + 300));
            Assert.AreEqual(DateTimeOffset.FromUnixTimeSeconds(opened.IssuedAt), opened.IssuedUtc);
            Assert.AreEqual(DateTimeOffset.FromUnixTimeSeconds(opened.ExpiresAt), opened.ExpiresUtc);
            Assert.AreEqual(TimeSpan.Zero, opened.IssuedUtc.Offset);
            Assert.AreEqual(TimeSpan.FromMinutes(1440), opened.ExpiresUtc - opened.IssuedUtc);
            Assert.That(opened.IssuedUtc <= now && now < opened.ExpiresUtc);
            // The DateTimeOffset is the time checked.
            Assert.Throws<ExpiredException>(() => Machine.OpenResetCodeForDiagnostics(code, alice, "pw", now.AddDays(2)));
            Assert.Throws<NotYetValidException>(() => Machine.OpenResetCodeForDiagnostics(code, alice, Encoding.UTF8.GetBytes("pw"), now.AddHours(-1)));
            using (var ledger = new ReplayLedger(Machine))
            {
                Assert.AreEqual(opened, Machine.RedeemResetCode(ledger, code, alice, "pw", now.AddMinutes(5)));
                Assert.Throws<AlreadyUsedException>(() => Machine.RedeemResetCode(ledger, code, alice, Encoding.UTF8.GetBytes("pw"), now.AddMinutes(6)));
                Assert.Throws<ArgumentNullException>(() => Machine.RedeemResetCode(null, code, alice, "pw", now));
            }

            Assert.AreEqual(TimeSpan.FromMinutes(1440), Policy.Default.ResetCodeLifetime);
            Assert.AreEqual(TimeSpan.FromMinutes(10), Policy.Default.ClockSkew);
            Assert.AreEqual(TimeSpan.FromMinutes(5), new Policy(60, 5).ClockSkew);

            using (var r = ServerKeyRing.FromBytes(Ring.ExportPlain()))
            {
                r.RetiredGracePeriod = TimeSpan.FromHours(1);
                Assert.AreEqual(3600, r.RetiredGraceSeconds);
                Assert.AreEqual(TimeSpan.FromHours(1), r.RetiredGracePeriod);
                r.RetiredGraceSeconds = 7200;
                Assert.AreEqual(TimeSpan.FromHours(2), r.RetiredGracePeriod);
                r.RetiredGracePeriod = TimeSpan.FromSeconds(3600.9);
                Assert.AreEqual(3600, r.RetiredGraceSeconds, "whole seconds");
                Assert.Throws<ArgumentOutOfRangeException>(() => r.RetiredGracePeriod = TimeSpan.FromSeconds(-1));
                Assert.Throws<OverflowException>(() => r.RetiredGracePeriod = TimeSpan.FromSeconds(1L << 33));
                Assert.AreEqual(3600, r.RetiredGraceSeconds, "a refused setting changes nothing");

                // Rotate(DateTimeOffset) retires at the same second as the long form: checked with long prunes.
                Assert.AreEqual(2, r.Rotate(now));
                r.Prune(Now + 3599);
                CollectionAssert.AreEqual(new[] { 1, 2 }, r.Epochs, "retired at now: in its grace period for an hour");
                r.Prune(Now + 3600);
                CollectionAssert.AreEqual(new[] { 2 }, r.Epochs);
                // Prune(DateTimeOffset) at the same second as the long form: checked against a long rotate.
                Assert.AreEqual(3, r.Rotate(Now + 3600));
                r.Prune(DateTimeOffset.FromUnixTimeSeconds(Now + 7200).ToOffset(TimeSpan.FromHours(-5)).AddTicks(-1));
                CollectionAssert.AreEqual(new[] { 2, 3 }, r.Epochs);
                r.Prune(DateTimeOffset.FromUnixTimeSeconds(Now + 7200).ToOffset(TimeSpan.FromHours(-5)));
                CollectionAssert.AreEqual(new[] { 3 }, r.Epochs);
            }
        }

        [Test]
        public void AccountShowsTheTypedNamesAndTheNormalizedOnRequest()
        {
            var a = new Account("Jürgen", "corp", Shared.Sid1105);
            Assert.AreEqual("Jürgen", a.Username);
            Assert.AreEqual("corp", a.OfflineDomain);
            Assert.AreEqual("JÜRGEN", a.NormalizedUsername);
            Assert.AreEqual("CORP", a.NormalizedOfflineDomain);
            Assert.AreEqual("S-1-5-21-1004336348-1177238915-682003330-1105", a.SidString);
            Assert.AreEqual("corp\\Jürgen (S-1-5-21-1004336348-1177238915-682003330-1105)", a.ToString());
            Assert.AreEqual("CORP\\JÜRGEN (S-1-5-21-1004336348-1177238915-682003330-1105)", a.ToNormalizedString());
            // Equality is by the normalized names and the SID.
            var b = new Account("JÜRGEN", "CORP", Shared.Sid1105);
            Assert.AreEqual(a, b);
            Assert.AreEqual(a.GetHashCode(), b.GetHashCode());
            Assert.AreNotEqual(a.ToString(), b.ToString());
            Assert.AreEqual(a.ToNormalizedString(), b.ToNormalizedString());
            // WithFqdn: the domain as derived from the FQDN.
            var c = Account.WithFqdn("alice", "corp.example.com", Shared.Sid1105);
            Assert.AreEqual("alice", c.Username);
            Assert.AreEqual(OfflineResetLibrary.DefaultOfflineDomain("corp.example.com"), c.OfflineDomain);
            Assert.AreEqual("ALICE", c.NormalizedUsername);
        }
    }
}

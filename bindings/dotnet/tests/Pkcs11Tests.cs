// Server keys in a PKCS#11 token (ABI 2.1). Without OLR_TEST_PKCS11_MODULE the library is the
// default build: the three PKCS#11 calls throw Pkcs11NotBuiltException. With
// OLR_TEST_PKCS11_MODULE (the module's path), OLR_TEST_PKCS11_TOKEN (the token's label),
// OLR_TEST_PKCS11_PIN and OLR_TEST_PKCS11_SPARE_TOKEN (a token no handle opens with the right
// PIN) set, the library was built with OLR_CARGO_FEATURES=pkcs11 (tests/pkcs11/run.sh) and the
// rings are made in that token under label prefixes new to each run ("net-" and random hex); the
// test destroys nothing in the token.
using System;
using System.Security.Cryptography;
using System.Text;
using NUnit.Framework;

namespace OfflineReset.Tests
{
    [TestFixture]
    public class Pkcs11Tests
    {
        const long Now = Shared.Now;
        const string Password = "Winter-Tulip-42";
        static readonly string Module = Environment.GetEnvironmentVariable("OLR_TEST_PKCS11_MODULE");
        static readonly string Token = Environment.GetEnvironmentVariable("OLR_TEST_PKCS11_TOKEN");
        static readonly string Pin = Environment.GetEnvironmentVariable("OLR_TEST_PKCS11_PIN");
        static readonly string Spare = Environment.GetEnvironmentVariable("OLR_TEST_PKCS11_SPARE_TOKEN");

        static string Prefix()
        {
            byte[] b = new byte[8];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(b);
            return "net-" + BitConverter.ToString(b).Replace("-", "").ToLowerInvariant();
        }

        static T Throws<T>(TestDelegate call) where T : OfflineResetException
        {
            T e = Assert.Throws<T>(call);
            Assert.AreEqual(OfflineResetLibrary.StatusMessage(e.Status), e.Message);
            Assert.AreEqual(typeof(T).Name, OfflineResetException.ClassNameOf(e.Status));
            return e;
        }

        static DeploymentPackageInfo Info(ServerKeyRing ring) { return OfflineResetLibrary.CheckDeploymentPackage(ring.DeploymentPackage); }

        [Test]
        public void TokenPlaceHidesThePinAndASoftwareRingIsNotInAToken()
        {
            var place = new Pkcs11TokenPlace("/usr/lib/softhsm/libsofthsm2.so", "olr", Encoding.UTF8.GetBytes("s3cret-PIN"), "net-x");
            string text = place.ToString();
            StringAssert.DoesNotContain("s3cret", text);
            StringAssert.Contains("libsofthsm2", text);
            StringAssert.Contains("net-x", text);
            Assert.Throws<ArgumentNullException>(() => new Pkcs11TokenPlace(null, "olr", null, "net-x"));
            Assert.Throws<ArgumentNullException>(() => new Pkcs11TokenPlace("/m.so", "olr", null, null));
            Assert.IsFalse(Shared.Ring.IsHeldInToken);
            Assert.IsNotEmpty(Shared.Ring.ExportPlain()); // software rings export as before
        }

        [Test]
        public void DefaultBuildHasNoPkcs11()
        {
            if (!string.IsNullOrEmpty(Module)) Assert.Ignore("OLR_TEST_PKCS11_MODULE is set: a pkcs11 build");
            var place = new Pkcs11TokenPlace("/usr/lib/softhsm/libsofthsm2.so", "olr", Encoding.UTF8.GetBytes("1234"), Prefix());
            var e = Throws<Pkcs11NotBuiltException>(() => ServerKeyRing.GeneratePkcs11(place, Policy.Default, PasswordCost.Minimum));
            Assert.AreEqual(Status.Pkcs11NotBuilt, e.Status);
            Assert.AreEqual(35, (int)e.Status);
            Throws<Pkcs11NotBuiltException>(() => ServerKeyRing.GeneratePkcs11(place));
            Throws<Pkcs11NotBuiltException>(() => ServerKeyRing.OpenPkcs11(place));
            Throws<Pkcs11NotBuiltException>(() => Shared.Ring.CopyToPkcs11(place));
            // The arguments are checked first: a bad policy is InvalidPolicyException; a null PIN
            // is passed as the empty PIN, not a NULL pointer; a null place is the binding's.
            Throws<InvalidPolicyException>(() => ServerKeyRing.GeneratePkcs11(place, new Policy(0, 0), PasswordCost.Minimum));
            Throws<Pkcs11NotBuiltException>(() => ServerKeyRing.OpenPkcs11(new Pkcs11TokenPlace(place.ModulePath, place.TokenLabel, null, place.KeyLabelPrefix)));
            Assert.Throws<ArgumentNullException>(() => ServerKeyRing.OpenPkcs11(null));
        }

        [Test]
        public void RingsInAToken()
        {
            if (string.IsNullOrEmpty(Module) || string.IsNullOrEmpty(Token) || string.IsNullOrEmpty(Pin) || string.IsNullOrEmpty(Spare))
                Assert.Ignore("OLR_TEST_PKCS11_MODULE, _TOKEN, _PIN and _SPARE_TOKEN name tokens to test against");
            byte[] pin = Encoding.UTF8.GetBytes(Pin);
            string mine = Prefix();
            var place = new Pkcs11TokenPlace(Module, Token, pin, mine);
            PasswordCost cost = PasswordCost.Minimum;
            var alice = new Account("alice", "CORP", Shared.Sid1105);
            IdentificationCode id;
            ResetCode code;

            using (var ring = ServerKeyRing.GeneratePkcs11(place, Policy.Default, cost))
            {
                // (a) A ring generated in the token: its keys do not leave it.
                Assert.IsTrue(ring.IsHeldInToken);
                CollectionAssert.AreEqual(new[] { 1 }, ring.Epochs);
                Assert.AreEqual(cost, ring.GetPasswordCost());
                Assert.AreEqual(Policy.Default, ring.Policy);
                Throws<KeysInTokenException>(() => ring.ExportPlain());
                Throws<KeysInTokenException>(() => ring.Export(OfflineResetLibrary.GenerateWrappingKey()));
                Throws<KeysInTokenException>(() => ring.CopyToPkcs11(new Pkcs11TokenPlace(Module, Token, pin, Prefix())));

                // (b) A machine enrolled from its package redeems a code it sealed.
                using (var machine = Machine.Enroll(ring.DeploymentPackage))
                using (var ledger = new ReplayLedger(machine))
                {
                    id = machine.IdentificationCode;
                    code = ring.SealResetCode(id, alice, Password, Now);
                    AcceptedReset accepted = machine.RedeemResetCode(ledger, code, alice, Password, Now + 60);
                    Assert.That(accepted.IssuedAt <= Now && Now < accepted.ExpiresAt);
                }

                // (c) The same ring opened again seals the same code (token signatures are
                // randomized: the same package, signed anew).
                using (var again = ServerKeyRing.OpenPkcs11(place))
                {
                    Assert.IsTrue(again.IsHeldInToken);
                    CollectionAssert.AreEqual(new[] { 1 }, again.Epochs);
                    Assert.AreEqual(Info(ring), Info(again));
                    Assert.AreEqual(code, again.SealResetCode(id, alice, Encoding.UTF8.GetBytes(Password), Now));
                }

                // (d) The token's statuses, each as its exception; the PIN is in no exception text.
                Throws<TokenRingExistsException>(() => ServerKeyRing.GeneratePkcs11(place, Policy.Default, cost));
                Throws<TokenKeyMissingException>(() => ServerKeyRing.OpenPkcs11(new Pkcs11TokenPlace(Module, Token, pin, Prefix())));
                // A wrong PIN is refused at a process's login to a token: checked on the spare
                // token, which no handle of this process has open (an open one shares its login,
                // unchecked).
                string wrong = "wrong-" + Prefix();
                var e = Throws<TokenWrongPinException>(() => ServerKeyRing.OpenPkcs11(new Pkcs11TokenPlace(Module, Spare, Encoding.UTF8.GetBytes(wrong), mine)));
                foreach (string text in new[] { e.Message, e.ToString() })
                {
                    StringAssert.DoesNotContain(wrong, text);
                    StringAssert.DoesNotContain(Pin, text);
                }
                Throws<TokenModuleNotFoundException>(() => ServerKeyRing.OpenPkcs11(new Pkcs11TokenPlace("/nonexistent/libnone.so", Token, pin, mine)));
                Throws<TokenAbsentException>(() => ServerKeyRing.OpenPkcs11(new Pkcs11TokenPlace(Module, "no-such-token", pin, mine)));
                Throws<MalformedInputException>(() => ServerKeyRing.OpenPkcs11(new Pkcs11TokenPlace(Module, Token, pin, "")));

                // (e) Rotation is written to the token: codes for the old identification code are refused.
                Assert.AreEqual(2, ring.Rotate(Now));
                var rotated = Throws<KeyRotatedException>(() => ring.SealResetCode(id, alice, Password, Now + 1));
                Assert.AreEqual(1, rotated.CodeEpoch);
                Assert.AreEqual(2, rotated.CurrentEpoch);
                using (var reopened = ServerKeyRing.OpenPkcs11(place))
                    Assert.AreEqual(2, reopened.CurrentEpoch);
            }

            // (f) A software ring copied into the token seals exactly the codes it seals.
            using (var software = ServerKeyRing.Generate(Policy.Default, cost))
            {
                using (var machine = Machine.Enroll(software.DeploymentPackage))
                    id = machine.IdentificationCode;
                ResetCode expected = software.SealResetCode(id, alice, Password, Now);
                using (var copy = software.CopyToPkcs11(new Pkcs11TokenPlace(Module, Token, pin, Prefix())))
                {
                    Assert.IsTrue(copy.IsHeldInToken);
                    Assert.IsFalse(software.IsHeldInToken);
                    Assert.AreEqual(Info(software), Info(copy));
                    Assert.AreEqual(expected, copy.SealResetCode(id, alice, Password, Now));
                }
                Assert.IsNotEmpty(software.ExportPlain()); // the original is unchanged and still exports
            }
            // The PIN array is the caller's: the binding neither copies nor wipes it.
            CollectionAssert.AreEqual(Encoding.UTF8.GetBytes(Pin), pin);
        }
    }
}

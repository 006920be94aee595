// tests/vectors/bindings.json through the .NET API (docs/BINDINGS.md section 8): every case.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using NUnit.Framework;

namespace OfflineReset.Tests
{
    [TestFixture]
    public class ConformanceTests
    {
        static SortedDictionary<string, object> D(params object[] kv)
        {
            var d = new SortedDictionary<string, object>(StringComparer.Ordinal);
            for (int i = 0; i < kv.Length; i += 2) d[(string)kv[i]] = kv[i + 1];
            return d;
        }

        static byte[] Unhex(object s)
        {
            if (s == null) return null;
            string h = (string)s;
            byte[] b = new byte[h.Length / 2];
            for (int i = 0; i < b.Length; i++) b[i] = Convert.ToByte(h.Substring(2 * i, 2), 16);
            return b;
        }

        static object Outcome(Func<object> call)
        {
            try
            {
                object value = call();
                return D("status", 0L, "details", D("mistyped_group", 0L, "code_epoch", 0L, "current_epoch", 0L, "found_version", 0L), "value", value);
            }
            catch (OfflineResetException e)
            {
                // The status's own class, and the library's message.
                string expectedType = OfflineResetException.ClassNameOf(e.Status);
                if (e.GetType().Name != expectedType) throw new AssertionException("status " + e.Status + " raised " + e.GetType().Name);
                if (e.Message != OfflineResetLibrary.StatusMessage(e.Status)) throw new AssertionException("message of " + e.Status);
                return D("status", (long)e.Status, "details", D("mistyped_group", (long)e.MistypedGroup, "code_epoch", (long)e.CodeEpoch,
                    "current_epoch", (long)e.CurrentEpoch, "found_version", (long)e.FoundVersion));
            }
        }

        static object PolicyValue(Policy p) { return D("reset_code_lifetime_minutes", (long)p.ResetCodeLifetimeMinutes, "clock_skew_minutes", (long)p.ClockSkewMinutes); }
        static object CostValue(PasswordCost c) { return D("memory_kib", (long)c.MemoryKib, "iterations", (long)c.Iterations, "parallelism", (long)c.Parallelism); }

        static object LedgerValue(ReplayLedger l, List<object> steps)
        {
            var v = D("accounts", (long)l.AccountCount, "codes", (long)l.CodeCount, "generation", checked((long)l.Generation));
            if (steps != null) v["steps"] = steps;
            return v;
        }

        static string S(IDictionary<string, object> i, string k) { return (string)i[k]; }
        static long L(IDictionary<string, object> i, string k) { return (long)i[k]; }

        static Account AccountOf(IDictionary<string, object> i) { return new Account(S(i, "username"), S(i, "domain"), Unhex(i["sid"])); }

        static object Seal(ServerKeyRing ring, IDictionary<string, object> i)
        {
            var account = AccountOf(i);
            var code = IdentificationCode.Parse(S(i, "identification_code"));
            return ring.SealResetCode(code, account, S(i, "password"), L(i, "now")).Text;
        }

        static object Open(Machine machine, ReplayLedger ledger, IDictionary<string, object> i)
        {
            var code = ResetCode.Parse(S(i, "reset_code"));
            var account = AccountOf(i);
            AcceptedReset a = ledger == null
                ? machine.OpenResetCodeForDiagnostics(code, account, S(i, "password"), L(i, "now"))
                : machine.RedeemResetCode(ledger, code, account, S(i, "password"), L(i, "now"));
            return D("issued_at", a.IssuedAt, "expires_at", a.ExpiresAt);
        }

        static object Run(IDictionary<string, object> objects, string op, IDictionary<string, object> i)
        {
            Func<ServerKeyRing> ring = () => ServerKeyRing.FromBytes(Unhex(objects[S(i, "ring")]));
            Func<Machine> machine = () => Machine.FromBytes(Unhex(objects[S(i, "machine")]));
            switch (op)
            {
                case "identification_code_check": return Outcome(() => IdentificationCode.Parse(S(i, "text")).Text);
                case "reset_code_check": return Outcome(() => ResetCode.Parse(S(i, "text")).Text);
                case "account_check": return Outcome(() => { Account.Check(S(i, "username"), S(i, "domain"), Unhex(i["sid"])); return null; });
                case "account_normalize":
                    // Names only (olr_account_normalize): any well-formed SID.
                    return Outcome(() => { var a = new Account(S(i, "username"), S(i, "domain"), Shared.Sid1105); return D("username", a.NormalizedUsername, "domain", a.NormalizedOfflineDomain); });
                case "default_offline_domain": return Outcome(() => OfflineResetLibrary.DefaultOfflineDomain(S(i, "fqdn")));
                case "name_problem": return Outcome(() => (long)OfflineResetLibrary.GetNameProblem(S(i, "text")));
                case "deployment_package_check":
                    return Outcome(() =>
                    {
                        DeploymentPackageInfo info = i.ContainsKey("package_hex")
                            ? OfflineResetLibrary.CheckDeploymentPackage(Unhex(i["package_hex"]))
                            : OfflineResetLibrary.CheckDeploymentPackage(S(i, "package"));
                        return D("epoch", (long)info.Epoch, "policy", PolicyValue(info.Policy));
                    });
                case "key_ring_generate":
                    return Outcome(() =>
                    {
                        var p = new Policy((int)L(i, "reset_code_lifetime_minutes"), (int)L(i, "clock_skew_minutes"));
                        var c = new PasswordCost((int)L(i, "memory_kib"), (int)L(i, "iterations"), (int)L(i, "parallelism"));
                        using (var r = ServerKeyRing.Generate(p, c))
                            return D("epochs", r.Epochs.Select(e => (long)e).ToList(), "policy", PolicyValue(r.Policy), "password_cost", CostValue(r.GetPasswordCost()));
                    });
                case "key_ring_import":
                    return Outcome(() =>
                    {
                        using (var r = ServerKeyRing.FromBytes(Unhex(i["bytes"]), Unhex(i["wrapping_key"])))
                            return D("current_epoch", (long)r.CurrentEpoch, "epochs", r.Epochs.Select(e => (long)e).ToList(),
                                "retired_grace_seconds", r.RetiredGraceSeconds, "policy", PolicyValue(r.Policy),
                                "password_cost", CostValue(r.GetPasswordCost()), "deployment_package", r.DeploymentPackage);
                    });
                case "machine_import":
                    return Outcome(() =>
                    {
                        using (var m = Machine.FromBytes(Unhex(i["bytes"]), Unhex(i["wrapping_key"])))
                            return D("identification_code", m.IdentificationCode.Text, "epoch", (long)m.Epoch, "policy", PolicyValue(m.Policy), "password_cost", CostValue(m.PasswordCost));
                    });
                case "replay_ledger_import":
                    using (var m = machine())
                        return Outcome(() =>
                        {
                            using (var l = ReplayLedger.FromBytes(Unhex(i["bytes"]), Unhex(i["wrapping_key"]), m, checked((ulong)L(i, "minimum_generation"))))
                                return LedgerValue(l, null);
                        });
                case "redeploy":
                    using (var m = machine())
                        return Outcome(() =>
                        {
                            using (var r = m.Redeploy(S(i, "package")))
                                return D("epoch", (long)r.Epoch, "same_identification_code", r.IdentificationCode.Equals(m.IdentificationCode));
                        });
                case "deployment_package_fingerprint": return Outcome(() => OfflineResetLibrary.DeploymentPackageFingerprint(S(i, "package")));
                case "seal":
                    using (var r = ring()) return Outcome(() => Seal(r, i));
                case "open":
                    using (var m = machine()) return Outcome(() => Open(m, null, i));
                case "redeem_sequence":
                    using (var m = machine())
                    using (var l = new ReplayLedger(m))
                    {
                        var steps = ((List<object>)i["steps"]).Select(s => Outcome(() => Open(m, l, (IDictionary<string, object>)s))).ToList();
                        return Outcome(() =>
                        {
                            // The counts survive a plain export and an import for the same machine at
                            // the ledger's generation (and the minimum is enforced one above it).
                            byte[] saved = l.ExportPlain();
                            using (var back = ReplayLedger.FromBytes(saved, null, m, l.Generation))
                                if (Json.Canon(LedgerValue(back, null)) != Json.Canon(LedgerValue(l, null)))
                                    throw new AssertionException("the ledger changed through export and import: " + Json.Canon(LedgerValue(back, null)));
                            try
                            {
                                ReplayLedger.FromBytes(saved, null, m, l.Generation + 1).Dispose();
                                throw new AssertionException("an import above the ledger's generation was not refused");
                            }
                            catch (LedgerRolledBackException) { }
                            return LedgerValue(l, steps);
                        });
                    }
                case "rotate_then_seal":
                    using (var r = ring())
                        return Outcome(() =>
                        {
                            r.RetiredGraceSeconds = L(i, "grace_seconds");
                            int epoch = r.Rotate(L(i, "rotate_at"));
                            return D("epoch", (long)epoch, "epochs", r.Epochs.Select(e => (long)e).ToList(),
                                "seal", Outcome(() => Seal(r, (IDictionary<string, object>)i["seal"])));
                        });
                case "status_message": return Outcome(() => OfflineResetLibrary.StatusMessage((uint)L(i, "status")));
            }
            throw new AssertionException("unknown op " + op);
        }

        [Test]
        public void BindingsJson()
        {
            string path = Path.Combine(Shared.Repo, "tests/vectors/bindings.json");
            var data = (IDictionary<string, object>)Json.Parse(File.ReadAllText(path, Encoding.UTF8));
            // Written for ABI 2.x: the binding's major, and the loaded library's.
            Assert.AreEqual((long)(OfflineResetLibrary.BindingAbiVersion >> 16), (long)data["abi_version"] >> 16, "bindings.json abi_version");
            Assert.AreEqual((long)data["abi_version"] >> 16, (long)(OfflineResetLibrary.AbiVersion >> 16));
            var objects = (IDictionary<string, object>)data["objects"];
            var cases = (List<object>)data["cases"];
            var failures = new List<string>();
            foreach (IDictionary<string, object> c in cases)
            {
                string got;
                try { got = Json.Canon(Run(objects, (string)c["op"], (IDictionary<string, object>)c["inputs"])); }
                catch (Exception e) { got = "exception " + e.GetType().Name + ": " + e.Message; }
                string expected = Json.Canon(c["expect"]);
                if (got != expected) failures.Add(c["name"] + ": got " + got + ", expected " + expected);
            }
            Console.WriteLine("bindings.json (.NET): {0} passed, {1} failed", cases.Count - failures.Count, failures.Count);
            Assert.IsEmpty(failures, string.Join("\n", failures));
            Assert.Greater(cases.Count, 100);
        }
    }
}

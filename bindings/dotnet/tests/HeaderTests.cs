// The binding's declarations against include/offline_reset.h: the status list (names and
// numbers), every P/Invoke declaration's name, return type, parameter types and parameter names
// (so two parameters of one type cannot be swapped), every header function declared or listed
// as not wrapped, and the binding's constants against the header's #defines.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace OfflineReset.Tests
{
    [TestFixture]
    public class HeaderTests
    {
        static string Header { get { return File.ReadAllText(Path.Combine(Shared.Repo, "include/offline_reset.h")); } }

        static string Pascal(string upper)
        {
            return string.Concat(upper.Split('_').Select(w => w.Substring(0, 1) + w.Substring(1).ToLowerInvariant()));
        }

        static Dictionary<string, long> HeaderEnum(string name)
        {
            string h = Header;
            int start = h.IndexOf("enum " + name + "\n", StringComparison.Ordinal);
            Assert.GreaterOrEqual(start, 0, "enum " + name + " in the header");
            string body = h.Substring(start, h.IndexOf("};", start, StringComparison.Ordinal) - start);
            return Regex.Matches(body, @"^\s*OLR_([A-Z0-9_]+) = (\d+),", RegexOptions.Multiline).Cast<Match>()
                .ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value));
        }

        [Test]
        public void StatusEnumIsTheHeaders()
        {
            var header = HeaderEnum("olr_status").ToDictionary(kv => Pascal(kv.Key), kv => kv.Value);
            var binding = Enum.GetValues(typeof(Status)).Cast<Status>().ToDictionary(s => s.ToString(), s => (long)s);
            Assert.Greater(header.Count, 30);
            CollectionAssert.AreEquivalent(header, binding);
        }

        [Test]
        public void NameProblemEnumIsTheHeaders()
        {
            var header = HeaderEnum("olr_name_problem_code").ToDictionary(kv => Pascal(kv.Key.Substring("NAME_PROBLEM_".Length)), kv => kv.Value);
            var binding = Enum.GetValues(typeof(NameProblem)).Cast<NameProblem>().ToDictionary(s => s.ToString(), s => (long)s);
            CollectionAssert.AreEquivalent(header, binding);
        }

        static readonly Dictionary<string, string[]> CToDotNet = new Dictionary<string, string[]>
        {
            { "olr_status", new[] { "UInt32" } },
            { "void", new[] { "Void" } },
            { "bool", new[] { "Boolean" } },
            { "uint8_t", new[] { "Byte" } },
            { "uint16_t", new[] { "UInt16" } },
            { "uint32_t", new[] { "UInt32" } },
            { "int64_t", new[] { "Int64" } },
            { "uint64_t", new[] { "UInt64" } },
            { "uint64_t *", new[] { "UInt64&" } },
            { "size_t", new[] { "UIntPtr" } },
            { "const char *", new[] { "IntPtr", "Byte[]" } },
            { "char *", new[] { "Byte[]" } },
            { "const uint8_t *", new[] { "Byte[]" } },
            { "uint8_t *", new[] { "Byte[]" } },
            { "size_t *", new[] { "UIntPtr&" } },
            { "uint16_t *", new[] { "UInt16&", "UInt16[]" } },
            { "uint32_t *", new[] { "UInt32&" } },
            { "olr_name_problem_code *", new[] { "UInt32&" } },
            { "bool *", new[] { "Byte&" } },
            { "struct olr_error_details *", new[] { "ErrorDetails&" } },
            { "struct olr_accepted_reset *", new[] { "AcceptedResetNative&" } },
            { "const struct olr_server_key_ring *", new[] { "KeyRingHandle" } },
            { "struct olr_server_key_ring *", new[] { "KeyRingHandle", "IntPtr" } },
            { "struct olr_server_key_ring **", new[] { "KeyRingHandle&" } },
            { "const struct olr_machine *", new[] { "MachineHandle" } },
            { "struct olr_machine *", new[] { "MachineHandle", "IntPtr" } },
            { "struct olr_machine **", new[] { "MachineHandle&" } },
            { "const struct olr_replay_ledger *", new[] { "LedgerHandle" } },
            { "struct olr_replay_ledger *", new[] { "LedgerHandle", "IntPtr" } },
            { "struct olr_replay_ledger **", new[] { "LedgerHandle&" } },
        };

        /// <summary>Header functions the binding does not declare, each with its reason. A new
        /// export fails EveryHeaderFunctionIsDeclaredOrListed until it is wrapped or listed here.</summary>
        static readonly Dictionary<string, string> NotWrapped = new Dictionary<string, string>
        {
            { "olr_status_name", "exceptions carry the Status enum, whose names are checked against the header" },
            { "olr_identification_code_text_size", "the binding sizes buffers by the _len functions and reads the length" },
            { "olr_reset_code_text_size", "as above" },
            { "olr_deployment_package_text_size", "as above" },
            { "olr_max_input_len", "the library refuses longer inputs with InvalidLengthException" },
            { "olr_server_key_ring_generate", "ServerKeyRing.Generate uses olr_server_key_ring_generate_with_password_cost" },
            { "olr_identification_code_progress", "login-screen aid (issue 9), not wrapped yet" },
            { "olr_reset_code_progress", "login-screen aid (issue 9), not wrapped yet" },
            { "olr_identification_code_uri", "login-screen aid (issue 9), not wrapped yet" },
            { "olr_identification_code_qr", "login-screen aid (issue 9), not wrapped yet" },
            { "olr_identification_code_parse_uri_or_code", "login-screen aid (issue 9), not wrapped yet" },
            { "olr_spell_code", "login-screen aid (issue 9), not wrapped yet" },
            { "olr_machine_redeem_reset_code_utf16", "UTF-16 twin for the Windows login screen; a server binding passes UTF-8 to olr_machine_redeem_reset_code" },
            { "olr_machine_open_reset_code_for_diagnostics_utf16", "UTF-16 twin for the Windows login screen, as above" },
            { "olr_reset_code_check_utf16", "UTF-16 twin for the Windows login screen, as above" },
            { "olr_reset_code_progress_utf16", "UTF-16 twin for the Windows login screen, as above" },
            { "olr_account_check_utf16", "UTF-16 twin for the Windows login screen, as above" },
            { "olr_name_problem_utf16", "UTF-16 twin for the Windows login screen, as above" },
            { "olr_account_normalize_utf16", "UTF-16 twin for the Windows login screen, as above" },
            { "olr_test_hook_panic", "exists only in test-hooks builds (#if defined(OLR_TEST_HOOKS))" },
        };

        static Dictionary<string, Tuple<string, string[], string[]>> Prototypes()
        {
            var prototypes = new Dictionary<string, Tuple<string, string[], string[]>>();
            foreach (Match m in Regex.Matches(Header, @"^([a-z_0-9 ]+?\s*\**)\s*(olr_[a-z0-9_]+)\(([^)]*)\);", RegexOptions.Multiline))
            {
                string args = m.Groups[3].Value.Trim();
                string[] raw = args == "void" || args == "" ? new string[0] : args.Split(',');
                prototypes[m.Groups[2].Value] = Tuple.Create(Regex.Replace(m.Groups[1].Value.Trim(), @"\s*\*$", " *"),
                    raw.Select(CType).ToArray(), raw.Select(CName).ToArray());
            }
            return prototypes;
        }

        static string CName(string param)
        {
            return Regex.Match(param.Trim(), @"([A-Za-z_][A-Za-z0-9_]*)$").Groups[1].Value;
        }

        /// <summary>A C# parameter name matches a C one when, without underscores and case, the C
        /// name ends with it: out_epoch/epoch, offline_domain/domain, sid_len/sidLen.</summary>
        static bool SameName(string c, string net)
        {
            string a = c.Replace("_", "").ToLowerInvariant(), b = net.TrimStart('@').ToLowerInvariant();
            return b.Length > 0 && a.EndsWith(b, StringComparison.Ordinal);
        }

        static string CType(string param)
        {
            // "const char *text" -> "const char *"; "uint16_t reset_code_lifetime_minutes" -> "uint16_t"
            string p = Regex.Replace(param.Trim(), @"\s+", " ");
            Match m = Regex.Match(p, @"^(.*?)\s*(\**)\s*([A-Za-z_][A-Za-z0-9_]*)$");
            string baseType = m.Groups[1].Value.Trim(), stars = m.Groups[2].Value;
            return stars.Length == 0 ? baseType : baseType + " " + stars;
        }

        [Test]
        public void EveryDeclarationMatchesItsPrototype()
        {
            var prototypes = Prototypes();
            Assert.Greater(prototypes.Count, 50, "prototypes parsed from the header");

            Type native = typeof(OfflineResetLibrary).Assembly.GetType("OfflineReset.Native");
            var declared = native.GetMethods(BindingFlags.Static | BindingFlags.NonPublic)
                .Where(mi => mi.GetCustomAttributes(typeof(DllImportAttribute), false).Length > 0).ToList();
            Assert.Greater(declared.Count, 50);
            var problems = new List<string>();
            foreach (MethodInfo mi in declared)
            {
                var dll = (DllImportAttribute)mi.GetCustomAttributes(typeof(DllImportAttribute), false)[0];
                if (dll.Value != "offline_reset" || dll.CallingConvention != CallingConvention.Cdecl)
                    problems.Add(mi.Name + ": not DllImport(\"offline_reset\", Cdecl)");
                Tuple<string, string[], string[]> proto;
                if (!prototypes.TryGetValue(mi.Name, out proto)) { problems.Add(mi.Name + ": not in the header"); continue; }
                string[] ok;
                if (!CToDotNet.TryGetValue(proto.Item1, out ok) || !ok.Contains(mi.ReturnType.Name))
                    problems.Add(mi.Name + ": returns " + mi.ReturnType.Name + " for " + proto.Item1);
                ParameterInfo[] ps = mi.GetParameters();
                if (ps.Length != proto.Item2.Length) { problems.Add(mi.Name + ": " + ps.Length + " parameters, header has " + proto.Item2.Length); continue; }
                for (int k = 0; k < ps.Length; k++)
                {
                    if (!CToDotNet.TryGetValue(proto.Item2[k], out ok)) { problems.Add(mi.Name + ": unmapped C type " + proto.Item2[k]); continue; }
                    if (!ok.Contains(ps[k].ParameterType.Name))
                        problems.Add(mi.Name + " parameter " + k + ": " + ps[k].ParameterType.Name + " for " + proto.Item2[k]);
                    if (!SameName(proto.Item3[k], ps[k].Name))
                        problems.Add(mi.Name + " parameter " + k + ": named " + ps[k].Name + " where the header has " + proto.Item3[k]);
                }
            }
            Console.WriteLine("header: {0} prototypes, {1} declared by the binding, {2} problems", prototypes.Count, declared.Count, problems.Count);
            Assert.IsEmpty(problems, string.Join("\n", problems));
        }

        [Test]
        public void EveryHeaderFunctionIsDeclaredOrListed()
        {
            var declared = new HashSet<string>(typeof(OfflineResetLibrary).Assembly.GetType("OfflineReset.Native")
                .GetMethods(BindingFlags.Static | BindingFlags.NonPublic)
                .Where(mi => mi.GetCustomAttributes(typeof(DllImportAttribute), false).Length > 0).Select(mi => mi.Name));
            var header = Prototypes().Keys.ToList();
            var missing = header.Where(f => !declared.Contains(f) && !NotWrapped.ContainsKey(f)).ToList();
            var stale = NotWrapped.Keys.Where(f => !header.Contains(f) || declared.Contains(f)).ToList();
            Assert.IsEmpty(missing, "header functions neither declared nor listed in NotWrapped: " + string.Join(", ", missing));
            Assert.IsEmpty(stale, "NotWrapped lists functions the header lacks or the binding declares: " + string.Join(", ", stale));
        }

        static Dictionary<string, long> Defines()
        {
            return Regex.Matches(Header, @"^#define OLR_([A-Z0-9_]+) (\d+)\s*$", RegexOptions.Multiline).Cast<Match>()
                .ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value));
        }

        [Test]
        public void ConstantsAreTheHeaders()
        {
            var h = Defines();
            var binding = new Dictionary<string, long>
            {
                { "ABI_VERSION_MAJOR", OfflineResetLibrary.BindingAbiVersion >> 16 },
                { "ABI_VERSION_MINOR", OfflineResetLibrary.BindingAbiVersion & 0xFFFF },
                { "IDENTIFICATION_CODE_TEXT_LEN", OfflineResetLibrary.IdentificationCodeTextLength },
                { "RESET_CODE_TEXT_LEN", OfflineResetLibrary.ResetCodeTextLength },
                { "DEPLOYMENT_PACKAGE_TEXT_LEN", OfflineResetLibrary.DeploymentPackageTextLength },
                { "WRAPPING_KEY_LEN", OfflineResetLibrary.WrappingKeyLength },
                { "MACHINE_STATE_MAX_LEN", OfflineResetLibrary.MachineStateMaxLength },
                { "SERVER_KEY_RING_MAX_LEN", OfflineResetLibrary.ServerKeyRingMaxLength },
                { "REPLAY_LEDGER_MAX_LEN", OfflineResetLibrary.ReplayLedgerMaxLength },
                { "MAX_LEDGER_ACCOUNTS", OfflineResetLibrary.MaxLedgerAccounts },
                { "MAX_LEDGER_CODES", OfflineResetLibrary.MaxLedgerCodes },
                { "PACKAGE_FINGERPRINT_LEN", OfflineResetLibrary.PackageFingerprintLength },
                { "MIN_SID_LEN", OfflineResetLibrary.MinSidLength },
                { "MAX_SID_LEN", OfflineResetLibrary.MaxSidLength },
                { "MAX_GENERATIONS", OfflineResetLibrary.MaxGenerations },
                { "MAX_NAME_LEN", OfflineResetLibrary.MaxNameLength },
                { "MAX_PASSWORD_LEN", OfflineResetLibrary.MaxPasswordLength },
                { "DEFAULT_LIFETIME_MINUTES", Policy.Default.ResetCodeLifetimeMinutes },
                { "DEFAULT_CLOCK_SKEW_MINUTES", Policy.Default.ClockSkewMinutes },
                { "DEFAULT_PASSWORD_MEMORY_KIB", PasswordCost.Default.MemoryKib },
                { "DEFAULT_PASSWORD_ITERATIONS", PasswordCost.Default.Iterations },
                { "DEFAULT_PASSWORD_PARALLELISM", PasswordCost.Default.Parallelism },
                { "MIN_PASSWORD_MEMORY_KIB", PasswordCost.Minimum.MemoryKib },
                { "MIN_PASSWORD_ITERATIONS", PasswordCost.Minimum.Iterations },
            };
            var problems = new List<string>();
            foreach (var kv in binding)
            {
                long v;
                if (!h.TryGetValue(kv.Key, out v)) problems.Add("OLR_" + kv.Key + " is not in the header");
                else if (v != kv.Value) problems.Add("OLR_" + kv.Key + ": header " + v + ", binding " + kv.Value);
            }
            Assert.IsEmpty(problems, string.Join("\n", problems));
            // The library that is loaded agrees (the ABI check at load time allows a later minor).
            Assert.AreEqual(h["ABI_VERSION_MAJOR"], OfflineResetLibrary.AbiVersion >> 16);
            Assert.GreaterOrEqual(OfflineResetLibrary.AbiVersion & 0xFFFF, h["ABI_VERSION_MINOR"]);
        }
    }
}

// The binding's declarations against include/offline_reset.h: the status list (names and
// numbers), and every P/Invoke declaration's name, return type and parameter types.
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
            var prototypes = new Dictionary<string, Tuple<string, string[]>>();
            foreach (Match m in Regex.Matches(Header, @"^([a-z_0-9 ]+?\s*\**)\s*(olr_[a-z0-9_]+)\(([^)]*)\);", RegexOptions.Multiline))
            {
                string args = m.Groups[3].Value.Trim();
                string[] ps = args == "void" || args == "" ? new string[0] : args.Split(',').Select(CType).ToArray();
                prototypes[m.Groups[2].Value] = Tuple.Create(Regex.Replace(m.Groups[1].Value.Trim(), @"\s*\*$", " *"), ps);
            }
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
                Tuple<string, string[]> proto;
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
                }
            }
            Console.WriteLine("header: {0} prototypes, {1} declared by the binding, {2} problems", prototypes.Count, declared.Count, problems.Count);
            Assert.IsEmpty(problems, string.Join("\n", problems));
        }
    }
}

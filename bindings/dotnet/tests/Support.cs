// Shared fixtures: one key ring (minimum password cost) and one machine enrolled from it; the
// repository root; a tiny JSON reader for the conformance file (no NuGet under Mono).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NUnit.Framework;

namespace OfflineReset.Tests
{
    public static class Shared
    {
        public const long Now = 1795000000;
        static readonly object Gate = new object();
        static ServerKeyRing ring;
        static Machine machine;

        public static ServerKeyRing Ring
        {
            get { lock (Gate) { return ring ?? (ring = ServerKeyRing.Generate(Policy.Default, PasswordCost.Minimum)); } }
        }

        static ServerKeyRing otherRing;

        /// <summary>A second, unrelated key ring (another deployment signing key).</summary>
        public static ServerKeyRing OtherRing
        {
            get { lock (Gate) { return otherRing ?? (otherRing = ServerKeyRing.Generate(Policy.Default, PasswordCost.Minimum)); } }
        }

        public static Machine Machine
        {
            get { lock (Gate) { return machine ?? (machine = Machine.Enroll(Ring.DeploymentPackage)); } }
        }

        /// <summary>A domain account's binary SID, S-1-5-21-1004336348-1177238915-682003330-rid
        /// (revision 1, authority 5, five sub-authorities little-endian: 28 bytes).</summary>
        public static byte[] Sid(uint rid)
        {
            uint[] subs = { 21, 1004336348, 1177238915, 682003330, rid };
            byte[] b = new byte[8 + 4 * subs.Length];
            b[0] = 1; b[1] = (byte)subs.Length; b[7] = 5;
            for (int k = 0; k < subs.Length; k++)
                for (int j = 0; j < 4; j++) b[8 + 4 * k + j] = (byte)(subs[k] >> (8 * j));
            return b;
        }

        /// <summary>The SID the tests use unless they test SIDs (RID 1105).</summary>
        public static byte[] Sid1105 { get { return Sid(1105); } }

        /// <summary>$OFFLINE_RESET_REPO, else the first parent of the current directory holding
        /// tests/vectors/bindings.json.</summary>
        public static string Repo
        {
            get
            {
                string env = Environment.GetEnvironmentVariable("OFFLINE_RESET_REPO");
                if (!string.IsNullOrEmpty(env)) return env;
                for (DirectoryInfo d = new DirectoryInfo(Directory.GetCurrentDirectory()); d != null; d = d.Parent)
                    if (File.Exists(Path.Combine(d.FullName, "tests/vectors/bindings.json"))) return d.FullName;
                throw new InvalidOperationException("set OFFLINE_RESET_REPO to the repository root");
            }
        }
    }

    /// <summary>A small JSON reader: objects as SortedDictionary, arrays as List, integers as long.</summary>
    public sealed class Json
    {
        readonly string s;
        int i;
        Json(string s) { this.s = s; }

        public static object Parse(string text)
        {
            Json j = new Json(text);
            object v = j.Value();
            j.Ws();
            if (j.i != j.s.Length) throw new FormatException("trailing data at " + j.i);
            return v;
        }

        void Ws() { while (i < s.Length && char.IsWhiteSpace(s[i])) i++; }

        object Value()
        {
            Ws();
            char c = s[i];
            if (c == '{')
            {
                var o = new SortedDictionary<string, object>(StringComparer.Ordinal);
                i++; Ws();
                if (s[i] == '}') { i++; return o; }
                while (true)
                {
                    Ws(); string k = Str(); Ws(); Expect(':');
                    o[k] = Value(); Ws();
                    if (s[i] == ',') { i++; continue; }
                    Expect('}'); return o;
                }
            }
            if (c == '[')
            {
                var a = new List<object>();
                i++; Ws();
                if (s[i] == ']') { i++; return a; }
                while (true)
                {
                    a.Add(Value()); Ws();
                    if (s[i] == ',') { i++; continue; }
                    Expect(']'); return a;
                }
            }
            if (c == '"') return Str();
            if (s.Substring(i).StartsWith("true")) { i += 4; return true; }
            if (s.Substring(i, Math.Min(5, s.Length - i)) == "false") { i += 5; return false; }
            if (s.Substring(i, Math.Min(4, s.Length - i)) == "null") { i += 4; return null; }
            int st = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0) i++;
            string num = s.Substring(st, i - st);
            long l;
            if (long.TryParse(num, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
            return double.Parse(num, CultureInfo.InvariantCulture);
        }

        void Expect(char c) { if (s[i] != c) throw new FormatException("expected " + c + " at " + i); i++; }

        string Str()
        {
            Expect('"');
            var b = new StringBuilder();
            while (s[i] != '"')
            {
                char c = s[i++];
                if (c != '\\') { b.Append(c); continue; }
                char e = s[i++];
                switch (e)
                {
                    case 'n': b.Append('\n'); break;
                    case 'r': b.Append('\r'); break;
                    case 't': b.Append('\t'); break;
                    case 'b': b.Append('\b'); break;
                    case 'f': b.Append('\f'); break;
                    case 'u': b.Append((char)Convert.ToInt32(s.Substring(i, 4), 16)); i += 4; break;
                    default: b.Append(e); break;
                }
            }
            i++;
            return b.ToString();
        }

        /// <summary>A canonical text of a value (sorted keys, integers as integers) for comparison.</summary>
        public static string Canon(object v)
        {
            if (v == null) return "null";
            if (v is string) return "\"" + ((string)v).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
            if (v is bool) return (bool)v ? "true" : "false";
            if (v is int || v is long || v is uint || v is ushort || v is byte) return Convert.ToInt64(v).ToString(CultureInfo.InvariantCulture);
            var d = v as System.Collections.IDictionary;
            if (d != null)
            {
                var keys = d.Keys.Cast<string>().OrderBy(k => k, StringComparer.Ordinal);
                return "{" + string.Join(",", keys.Select(k => Canon(k) + ":" + Canon(d[k]))) + "}";
            }
            var e = v as System.Collections.IEnumerable;
            if (e != null) return "[" + string.Join(",", e.Cast<object>().Select(Canon)) + "]";
            throw new ArgumentException("cannot canonicalize " + v.GetType());
        }
    }
}

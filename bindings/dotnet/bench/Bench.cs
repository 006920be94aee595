// The .NET side of docs/PERFORMANCE.md's binding overhead: the same calls as
// bindings/python/bench/c_baseline.c, through the binding's public API (Mono or .NET).
using System;
using System.Diagnostics;
using OfflineReset;

static class Bench
{
    static int Main(string[] args)
    {
        int checks = args.Length > 0 ? int.Parse(args[0]) : 1000000;
        const long now = 1795000000;
        using (var ring = ServerKeyRing.Generate(Policy.Default, PasswordCost.Minimum))
        using (var m = Machine.Enroll(ring.DeploymentPackage))
        {
            string id = m.IdentificationCode.Text;
            for (int i = 0; i < 10000; i++) IdentificationCode.Parse(id); // warm up (JIT)
            var t = Stopwatch.StartNew();
            for (int i = 0; i < checks; i++) IdentificationCode.Parse(id);
            Console.WriteLine("check {0:F3} us", t.Elapsed.TotalMilliseconds * 1000 / checks);
            const int seals = 30;
            var idc = IdentificationCode.Parse(id);
            var account = new Account("alice", "CORP", new byte[] { 1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 81, 4, 0, 0 });
            ResetCode code = null;
            t = Stopwatch.StartNew();
            for (int i = 0; i < seals; i++) code = ring.SealResetCode(idc, account, "Winter-Tulip-42", now);
            Console.WriteLine("seal {0:F3} ms", t.Elapsed.TotalMilliseconds / seals);
            t = Stopwatch.StartNew();
            for (int i = 0; i < seals; i++) m.OpenResetCodeForDiagnostics(code, account, "Winter-Tulip-42", now);
            Console.WriteLine("open {0:F3} ms", t.Elapsed.TotalMilliseconds / seals);
        }
        return 0;
    }
}

// Threads sharing one key ring; Dispose racing calls; no leaks over 100,000 calls.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using NUnit.Framework;

namespace OfflineReset.Tests
{
    [TestFixture]
    public class ThreadsAndLeaksTests
    {
        const long Now = Shared.Now;

        [Test]
        public void ThreadsShareAKeyRing()
        {
            ServerKeyRing ring = Shared.Ring;
            Machine machine = Shared.Machine;
            string id = machine.IdentificationCode.Text;
            var errors = new List<Exception>();
            var codes = new Dictionary<int, ResetCode>();
            var threads = Enumerable.Range(0, 2).Select(n => new Thread(() =>
            {
                try
                {
                    ResetCode c = ring.SealResetCode(IdentificationCode.Parse(id), new Account("user" + n, "CORP", Shared.Sid((uint)(2000 + n))), "pw" + n, Now);
                    lock (codes) codes[n] = c;
                    for (int k = 0; k < 500; k++)
                    {
                        IdentificationCode.Parse(id);
                        if (ring.Epochs.Length != 1) throw new Exception("epochs");
                    }
                }
                catch (Exception e) { lock (errors) errors.Add(e); }
            })).ToList();
            var reader = new Thread(() => { for (int k = 0; k < 500; k++) { var g = ring.RetiredGraceSeconds; } });
            threads.Add(reader);
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.IsEmpty(errors, string.Join("\n", errors));
            Assert.AreEqual(2, codes.Count);
            foreach (var kv in codes)
                machine.OpenResetCodeForDiagnostics(kv.Value, new Account("user" + kv.Key, "CORP", Shared.Sid((uint)(2000 + kv.Key))), "pw" + kv.Key, Now);
        }

        [Test]
        public void RotateWhileOtherThreadsRead()
        {
            using (var ring = ServerKeyRing.FromBytes(Shared.Ring.ExportPlain()))
            {
                var errors = new List<Exception>();
                var readers = Enumerable.Range(0, 2).Select(n => new Thread(() =>
                {
                    try
                    {
                        for (int k = 0; k < 2000; k++)
                        {
                            int[] epochs = ring.Epochs;
                            if (epochs.Length == 0 || epochs.Last() < 1) throw new Exception("epochs");
                        }
                    }
                    catch (Exception e) { lock (errors) errors.Add(e); }
                })).ToList();
                readers.ForEach(t => t.Start());
                for (int k = 1; k <= 5; k++) ring.Rotate(Now + k);
                readers.ForEach(t => t.Join());
                Assert.IsEmpty(errors, string.Join("\n", errors));
                Assert.AreEqual(Shared.Ring.CurrentEpoch + 5, ring.CurrentEpoch);
            }
        }

        [Test]
        public void DisposeWhileOtherThreadsCallGivesObjectDisposedNeverACrash()
        {
            var ring = ServerKeyRing.FromBytes(Shared.Ring.ExportPlain());
            var unexpected = new List<Exception>();
            int disposed = 0, ok = 0;
            var threads = Enumerable.Range(0, 2).Select(n => new Thread(() =>
            {
                for (int k = 0; k < 100000; k++)
                {
                    try { var p = ring.DeploymentPackage; Interlocked.Increment(ref ok); }
                    catch (ObjectDisposedException) { Interlocked.Increment(ref disposed); break; }
                    catch (Exception e) { lock (unexpected) unexpected.Add(e); break; }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            Thread.Sleep(20);
            ring.Dispose();
            threads.ForEach(t => t.Join());
            Assert.IsEmpty(unexpected, string.Join("\n", unexpected));
            Assert.AreEqual(2, disposed, "both threads saw ObjectDisposedException after " + ok + " calls");
        }

        static long RssKib()
        {
            string[] statm = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(statm[1]) * 4096 / 1024;
        }

        [Test]
        public void NoLeakIn100000Calls()
        {
            if (!File.Exists("/proc/self/statm")) Assert.Ignore("reads /proc/self/statm (Linux)");
            string id = Shared.Machine.IdentificationCode.Text;
            string package = Shared.Ring.DeploymentPackage;
            byte[] blob = Shared.Machine.ExportPlain();
            string bad = id.Substring(0, id.Length - 1) + "X";
            byte[] sid = Shared.Sid1105;
            Action<int> round = n =>
            {
                for (int k = 0; k < n; k++)
                {
                    IdentificationCode.Parse(id);
                    try { IdentificationCode.Parse(bad); } catch (OfflineResetException) { }
                    new Account("Jürgen", "CORP", sid);
                }
                for (int k = 0; k < n / 2; k++)
                {
                    using (var m = Machine.FromBytes(blob)) { var c = m.IdentificationCode; new ReplayLedger(m).Dispose(); }
                    OfflineResetLibrary.CheckDeploymentPackage(package);
                }
            };
            round(4000);
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            long before = RssKib();
            round(20000); // more than 100,000 calls into the library (20,000 handles made and freed)
            GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
            long grown = RssKib() - before;
            Console.WriteLine("RSS grew {0} KiB over 100,000 calls", grown);
            Assert.Less(grown, 512, "a leak of the 20,000 handles would be about 650 KiB");
        }
    }
}

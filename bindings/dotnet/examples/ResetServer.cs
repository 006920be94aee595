// A help-desk reset server in one file: the key ring is stored wrapped (never plain on disk),
// the help desk seals a reset code for the machine's identification code, and, to show the whole
// path, a machine enrolled from the deployment package opens it.
// Build: mcs -r:OfflineReset.dll ResetServer.cs   (offline_reset.dll / liboffline_reset.so beside)
using System;
using System.IO;
using OfflineReset;

static class ResetServer
{
    static int Main(string[] args)
    {
        string dir = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "reset-server");
        Directory.CreateDirectory(dir);
        string ringFile = Path.Combine(dir, "key-ring.wrapped");

        // The wrapping key comes from the server's secret store (DPAPI, an HSM, a vault); here it
        // is made once and kept in memory for the demonstration only.
        byte[] wrappingKey = OfflineResetLibrary.GenerateWrappingKey();
        try
        {
            // Setup, once: a new key ring (the minimum password cost keeps this demo fast; use
            // PasswordCost.Default in production), stored wrapped.
            using (var ring = ServerKeyRing.Generate(Policy.Default, PasswordCost.Minimum))
            {
                byte[] wrapped = ring.Export(wrappingKey);
                File.WriteAllBytes(ringFile, wrapped);
                File.WriteAllText(Path.Combine(dir, "deployment-package.txt"), ring.DeploymentPackage);
            }

            // A machine enrolled from the deployment package shows its identification code.
            using (var machine = Machine.Enroll(File.ReadAllText(Path.Combine(dir, "deployment-package.txt"))))
            {
                string typedByUser = machine.IdentificationCode.Text.ToLowerInvariant();

                // The help desk: load the wrapped ring, check what the user read out, seal.
                ResetCode code;
                using (var ring = ServerKeyRing.FromBytes(File.ReadAllBytes(ringFile), wrappingKey))
                {
                    IdentificationCode id;
                    try { id = new IdentificationCode(typedByUser); }
                    catch (MistypedException e)
                    {
                        Console.Error.WriteLine("Please read group {0} again.", e.Group);
                        return 1;
                    }
                    var account = new Account("Jürgen", "CORP");
                    long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                    code = ring.SealResetCode(id, account, "Grüße-aus-Wien-7", now);
                    Console.WriteLine("Reset code for {0}: {1}", account, code);
                }

                // On the machine, offline: the user types the code, the account and the new password.
                using (var ledger = new ReplayLedger())
                {
                    try
                    {
                        AcceptedReset accepted = machine.RedeemResetCode(ledger, code, new Account("jürgen", "corp"),
                            "Grüße-aus-Wien-7", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                        Console.WriteLine("Accepted: valid until {0:u}", DateTimeOffset.FromUnixTimeSeconds(accepted.ExpiresAt));
                    }
                    catch (RejectedException)
                    {
                        Console.Error.WriteLine("The code, account or password does not match.");
                        return 1;
                    }
                    catch (KeyRotatedException e)
                    {
                        Console.Error.WriteLine("Sealed for epoch {0}; the server is at {1}.", e.CodeEpoch, e.CurrentEpoch);
                        return 1;
                    }
                }
            }
            return 0;
        }
        finally
        {
            Array.Clear(wrappingKey, 0, wrappingKey.Length);
        }
    }
}

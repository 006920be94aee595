// A help-desk reset server in one file: the key ring is stored wrapped (never plain on disk),
// the help desk seals a reset code for the machine's identification code and the account's SID,
// and, to show the whole path, a machine enrolled from the deployment package redeems it as a
// login integration must (docs/PROTOCOL.md section 12.3, rule 7).
// Build: mcs -r:OfflineReset.dll ResetServer.cs   (offline_reset.dll / liboffline_reset.so beside)
using System;
using System.IO;
using System.Security.Principal;
using OfflineReset;

static class ResetServer
{
    static byte[] BinarySid(string text)
    {
        var sid = new SecurityIdentifier(text);
        byte[] bytes = new byte[sid.BinaryLength];
        sid.GetBinaryForm(bytes, 0);
        return bytes;
    }

    static int Main(string[] args)
    {
        string dir = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "reset-server");
        Directory.CreateDirectory(dir);
        string ringFile = Path.Combine(dir, "key-ring.wrapped");
        string packageFile = Path.Combine(dir, "deployment-package.txt");
        // The account's SID: on the server the directory's objectSid (bytes), on the machine the
        // cached account's SID. Two accounts that reuse a name have different SIDs.
        byte[] sid = BinarySid("S-1-5-21-1004336348-1177238915-682003330-1105");

        // The wrapping key comes from the server's secret store (DPAPI, an HSM, a vault); here it
        // is made once and kept in memory for the demonstration only.
        byte[] wrappingKey = OfflineResetLibrary.GenerateWrappingKey();
        try
        {
            // Setup, once: a new key ring (the minimum password cost keeps this demo fast; use
            // PasswordCost.Default in production), stored wrapped, and its deployment package,
            // whose fingerprint the administrator compares before deploying it.
            string fingerprint;
            using (var ring = ServerKeyRing.Generate(Policy.Default, PasswordCost.Minimum))
            {
                byte[] wrapped = ring.Export(wrappingKey);
                File.WriteAllBytes(ringFile, wrapped);
                File.WriteAllText(packageFile, ring.DeploymentPackage);
                fingerprint = OfflineResetLibrary.DeploymentPackageFingerprint(ring.DeploymentPackage);
                Console.WriteLine("Deployment package fingerprint: {0}", fingerprint);
            }

            // A machine enrolled from the deployment package (checked against the fingerprint)
            // shows its identification code.
            string package = File.ReadAllText(packageFile);
            if (OfflineResetLibrary.DeploymentPackageFingerprint(package) != fingerprint)
            {
                Console.Error.WriteLine("This is not the deployment package the server made.");
                return 1;
            }
            using (var machine = Machine.Enroll(package))
            {
                string typedByUser = machine.IdentificationCode.Text.ToLowerInvariant();

                // The help desk: load the wrapped ring, check what the user read out, seal.
                ResetCode code;
                using (var ring = ServerKeyRing.FromBytes(File.ReadAllBytes(ringFile), wrappingKey))
                {
                    IdentificationCode id;
                    try { id = IdentificationCode.Parse(typedByUser); }
                    catch (MistypedException e)
                    {
                        Console.Error.WriteLine("Please read group {0} again.", e.Group);
                        return 1;
                    }
                    var account = new Account("Jürgen", "CORP", sid);
                    code = ring.SealResetCode(id, account, "Grüße-aus-Wien-7", DateTimeOffset.UtcNow);
                    // The account as typed (CORP\Jürgen), and as the library compares it (CORP\JÜRGEN).
                    Console.WriteLine("Reset code for {0}: {1}", account, code);
                    Console.WriteLine("(compared as {0})", account.ToNormalizedString());
                }

                // On the machine, offline, under an exclusive lock: import the ledger with the
                // generation kept where it cannot be rolled back with the file (a TPM NV counter,
                // a registry value only SYSTEM writes; here a variable), redeem with the cached
                // account, and persist the ledger WHATEVER the answer before showing it: failed
                // attempts are counted too.
                string ledgerFile = Path.Combine(dir, "replay-ledger.wrapped");
                ulong minimumGeneration = 0;
                if (!File.Exists(ledgerFile) && minimumGeneration > 0)
                {
                    Console.Error.WriteLine("The replay ledger is missing: resets are refused until an administrator acts.");
                    return 1;
                }
                using (var ledger = File.Exists(ledgerFile)
                    ? ReplayLedger.FromBytes(File.ReadAllBytes(ledgerFile), wrappingKey, machine, minimumGeneration)
                    : new ReplayLedger(machine))
                {
                    OfflineResetException refused = null;
                    AcceptedReset accepted = default(AcceptedReset);
                    try
                    {
                        accepted = machine.RedeemResetCode(ledger, code, new Account("jürgen", "corp", sid),
                            "Grüße-aus-Wien-7", DateTimeOffset.UtcNow);
                    }
                    catch (OfflineResetException e) { refused = e; }

                    string temporary = ledgerFile + ".tmp";
                    File.WriteAllBytes(temporary, ledger.Export(wrappingKey));
                    if (File.Exists(ledgerFile)) File.Replace(temporary, ledgerFile, null);
                    else File.Move(temporary, ledgerFile);
                    minimumGeneration = ledger.Generation;

                    if (refused is RejectedException)
                        Console.Error.WriteLine("The code, account or password does not match.");
                    else if (refused is TooManyAttemptsException)
                        Console.Error.WriteLine("Too many failed attempts: request a new code later.");
                    else if (refused is CodeBeforeRotationException)
                        Console.Error.WriteLine("Request a new code with the identification code shown now.");
                    else if (refused != null)
                        Console.Error.WriteLine("Refused: {0}", refused.Message);
                    if (refused != null) return 1;
                    // Only now: update the cached credentials of that account.
                    Console.WriteLine("Accepted: valid until {0:u} (ledger generation {1})",
                        accepted.ExpiresUtc, minimumGeneration);
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

// A help-desk session through the installed NuGet package (OfflineReset, restored from a local
// folder feed), as tests/packages/run.sh builds it with Mono outside the repository. Prints the
// same lines as every consumer program (tests/packages/consumers/c/helpdesk.c says what they mean).
using System;
using OfflineReset;

public static class Helpdesk
{
    static readonly byte[] Sid = { 1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x51, 4, 0, 0 };
    const long Now = 1795000000;

    static string Mistype(string code, int group)
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        char[] t = code.ToCharArray();
        int at = (group - 1) * 9 + 3;
        t[at] = alphabet[(alphabet.IndexOf(t[at]) + 1) % 32];
        return new string(t);
    }

    public static int Main()
    {
        var alice = new Account("alice", "CORP", Sid);
        using (var ring = ServerKeyRing.Generate())
        using (var machine = Machine.Enroll(ring.DeploymentPackage))
        using (var ledger = new ReplayLedger(machine))
        {
            string id = machine.IdentificationCode.Text;
            try
            {
                ring.SealResetCode(IdentificationCode.Parse(Mistype(id, 3)), alice, "Winter-Tulip-42", Now);
            }
            catch (MistypedException e)
            {
                Console.WriteLine("mistyped: group " + e.Group);
            }
            ResetCode code = ring.SealResetCode(IdentificationCode.Parse(id), alice, "Winter-Tulip-42", Now);
            machine.RedeemResetCode(ledger, code, alice, "Winter-Tulip-42", Now + 60);
            Console.WriteLine("redeemed: OK");
            try
            {
                machine.RedeemResetCode(ledger, code, alice, "Winter-Tulip-42", Now + 120);
            }
            catch (AlreadyUsedException)
            {
                Console.WriteLine("replay: ALREADY_USED");
            }
            ring.Rotate(Now + 180);
            try
            {
                ring.SealResetCode(IdentificationCode.Parse(id), alice, "Winter-Tulip-42", Now + 240);
            }
            catch (KeyRotatedException e)
            {
                Console.WriteLine("rotation: KEY_ROTATED " + e.CodeEpoch + " " + e.CurrentEpoch);
            }
        }
        Console.WriteLine("done");
        return 0;
    }
}

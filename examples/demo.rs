//! A whole offline reset, end to end, printing what each person sees.
//!
//! Run with `cargo run --example demo`. Time is simulated from a fixed start so the story reads
//! the same every run; keys come from the operating system's random number generator.

use offline_reset::{
    default_offline_domain, AcceptedReset, Account, DeploymentPackage, Error, IdentificationCode,
    Machine, PasswordCost, Policy, QrMatrix, ReplayLedger, ResetCode, ServerKeyRing, SpellingTable,
    WrappingKey,
};
use zeroize::Zeroizing;

/// The demo's own failure: a step did not turn out as a real reset would.
type DemoResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Returns the error of `result` if it is the `expected` kind; anything else stops the demo.
fn expect_error<T: std::fmt::Debug>(
    result: Result<T, Error>,
    expected: fn(&Error) -> bool,
) -> DemoResult<Error> {
    match result {
        Err(e) if expected(&e) => Ok(e),
        other => Err(format!("unexpected outcome: {other:?}").into()),
    }
}

/// The domain's SID prefix, S-1-5-21-1004336348-1177238915-682003330.
const DOMAIN_SUB_AUTHORITIES: [u32; 4] = [21, 1_004_336_348, 1_177_238_915, 682_003_330];

/// A domain account's binary SID ([MS-DTYP] §2.4.2.2): revision 1, five sub-authorities,
/// authority 5 (NT, big-endian), sub-authorities little-endian. The help-desk reads it from the
/// directory; the machine from the cached account the user names.
fn account_sid(rid: u32) -> Vec<u8> {
    let mut sid = vec![1, 5, 0, 0, 0, 0, 0, 5];
    for sub in DOMAIN_SUB_AUTHORITIES.iter().chain([&rid]) {
        sid.extend_from_slice(&sub.to_le_bytes());
    }
    sid
}

fn sid_text(rid: u32) -> String {
    let subs: Vec<String> = DOMAIN_SUB_AUTHORITIES.iter().map(u32::to_string).collect();
    format!("S-1-5-{}-{rid}", subs.join("-"))
}

/// A QR symbol for a terminal, two module rows per text line with Unicode half blocks. Light
/// modules are drawn (so the symbol scans on the usual dark terminal background).
fn terminal_qr(qr: &QrMatrix) -> String {
    let mut out = String::new();
    for y in (0..qr.width()).step_by(2) {
        out.push_str("   ");
        for x in 0..qr.width() {
            let top = !qr.is_dark(x, y);
            let bottom = y + 1 < qr.width() && !qr.is_dark(x, y + 1);
            out.push(match (top, bottom) {
                (true, true) => '\u{2588}',
                (true, false) => '\u{2580}',
                (false, true) => '\u{2584}',
                (false, false) => ' ',
            });
        }
        out.push('\n');
    }
    out
}

/// What the login integration keeps beside the machine state: the replay ledger (wrapped), and
/// its generation in a store that cannot be rolled back with the file (a TPM NV counter in
/// production).
struct LedgerStore {
    wrapping: WrappingKey,
    file: Zeroizing<Vec<u8>>,
    generation: u64,
}

impl LedgerStore {
    fn save(&mut self, ledger: &ReplayLedger) -> DemoResult<()> {
        self.file = ledger.export(Some(&self.wrapping))?;
        self.generation = ledger.generation();
        Ok(())
    }

    fn load(&self, machine: &Machine) -> Result<ReplayLedger, Error> {
        ReplayLedger::import(&self.file, Some(&self.wrapping), machine, self.generation)
    }
}

/// One try at the login screen (docs/PROTOCOL.md §12.3): redeem against the ledger, persist the
/// ledger whatever the answer (failures are counted too), and only then act on the answer.
fn redeem(
    machine: &Machine,
    store: &mut LedgerStore,
    typed_code: &str,
    account: &Account,
    password: &str,
    now: i64,
) -> DemoResult<Result<AcceptedReset, Error>> {
    let code = ResetCode::parse(typed_code)?;
    let mut ledger = store.load(machine)?;
    let result = machine.redeem_reset_code(&mut ledger, &code, account, password, now);
    store.save(&ledger)?;
    Ok(result)
}

fn main() -> DemoResult<()> {
    let mut now: i64 = 1_795_000_000; // 2026-11-18, unix seconds
    println!("== Admin: creating the server key ring");
    // The demo uses the cheapest password cost so it runs quickly; production keeps the default
    // (Argon2id with 64 MiB and 3 passes per seal and per redeem). Three failed tries per code.
    let policy = Policy::new(24 * 60, 10)?
        .with_password_cost(PasswordCost::minimum())
        .with_attempt_limits(3, 20)?;
    let mut ring = ServerKeyRing::generate_with_os_rng(policy)?;
    let wrapping_key = WrappingKey::generate(&mut offline_reset::primitives::OsRng)?;
    let stored_ring = ring.export(Some(&wrapping_key))?;
    println!(
        "   key ring epoch {}, stored wrapped ({} bytes)",
        ring.current_epoch(),
        stored_ring.len()
    );
    let package_text = ring.deployment_package()?.to_text();
    let package = DeploymentPackage::from_text(&package_text)?;
    println!(
        "   signed deployment package ({} characters):\n   {package_text}",
        package_text.len()
    );
    println!("   its fingerprint: {}", package.fingerprint());

    println!("\n== Windows machine: deployed and enrolled");
    let machine = Machine::enroll_with_os_rng(&package)?;
    println!(
        "   installer shows the fingerprint to compare: {}",
        package.fingerprint()
    );
    let machine = Machine::import(&machine.export(Some(&wrapping_key))?, Some(&wrapping_key))?;
    let mut store = LedgerStore {
        wrapping: WrappingKey::generate(&mut offline_reset::primitives::OsRng)?,
        file: Zeroizing::new(Vec::new()),
        generation: 0,
    };
    store.save(&ReplayLedger::new(&machine))?;
    let id_text = machine.identification_code().to_string();
    println!("   login screen shows the Identification Code:\n   {id_text}");
    let portal = "https://reset.example.com/portal";
    let code = machine.identification_code();
    println!(
        "   and a QR code for the self-service portal: {}",
        code.uri(portal)?
    );
    print!("{}", terminal_qr(&code.qr(portal)?));

    println!("\n== Help-desk reset for alice ({})", sid_text(1104));
    let typed_id = IdentificationCode::parse(&id_text.to_lowercase())?;
    let alice = Account::new("alice", "CORP", &account_sid(1104))?;
    let reset = ring.seal_reset_code(&typed_id, &alice, "Winter-Tulip-42", now)?;
    println!("   help-desk reads out the Reset Code: {reset}");
    println!("   spelled: {}", reset.spell(&SpellingTable::english()));

    println!("\n== alice types it at the login screen");
    now += 15 * 60;
    // The machine takes the SID of the cached account the user names.
    let typed_alice = Account::new("Alice", "corp", &account_sid(1104))?;
    let accepted = redeem(
        &machine,
        &mut store,
        reset.as_str(),
        &typed_alice,
        "Winter-Tulip-42",
        now,
    )??;
    println!(
        "   accepted for {} (valid until unix {}); ledger saved (generation {}), then cached \
         credentials updated",
        typed_alice.display_name(),
        accepted.expires_at,
        store.generation
    );
    let replayed = redeem(
        &machine,
        &mut store,
        reset.as_str(),
        &typed_alice,
        "Winter-Tulip-42",
        now + 60,
    )?;
    println!(
        "   the same code typed again -> {}",
        expect_error(replayed, |e| *e == Error::AlreadyUsed)?
    );

    println!("\n== Self-service reset from a phone (offline domain left blank)");
    let domain = default_offline_domain("corp.example.com")?;
    println!("   domain defaulted from corp.example.com to {domain}");
    let jurgen = Account::new("jürgen", &domain, &account_sid(1107))?;
    let reset = ring.seal_reset_code(&typed_id, &jurgen, "Sommer-Regen-7", now)?;
    println!("   phone shows the Reset Code: {reset}");
    now += 5 * 60;
    let typed_jurgen = Account::new("JÜRGEN", "corp", &account_sid(1107))?;
    for attempt in 1..=4 {
        let result = redeem(
            &machine,
            &mut store,
            reset.as_str(),
            &typed_jurgen,
            "Sommer-Regen-8",
            now,
        )?;
        let e = expect_error(result, |e| {
            matches!(e, Error::Rejected | Error::TooManyAttempts)
        })?;
        println!("   wrong new password, try {attempt} (counted, ledger saved) -> {e}");
        if e == Error::TooManyAttempts {
            break;
        }
    }
    let right = redeem(
        &machine,
        &mut store,
        reset.as_str(),
        &typed_jurgen,
        "Sommer-Regen-7",
        now,
    )?;
    println!(
        "   now even the right password -> {}",
        expect_error(right, |e| *e == Error::TooManyAttempts)?
    );
    let reset = ring.seal_reset_code(&typed_id, &jurgen, "Sommer-Regen-7", now)?;
    redeem(
        &machine,
        &mut store,
        reset.as_str(),
        &typed_jurgen,
        "Sommer-Regen-7",
        now + 60,
    )??;
    println!("   a new code: accepted for JÜRGEN (usernames compare case-insensitively)");

    println!("\n== Mistakes the machine catches");
    let back = redeem(
        &machine,
        &mut store,
        reset.as_str(),
        &typed_jurgen,
        "Sommer-Regen-7",
        now - 3600,
    )?;
    println!(
        "   clock set back an hour -> {}",
        expect_error(back, |e| *e == Error::ClockSetBack)?
    );
    // Two neighbouring symbols of group 4 typed the wrong way round (text positions 27..=34).
    let mut mistyped: Vec<char> = reset.as_str().chars().collect();
    let swap_at = (27..34)
        .find(|&i| mistyped[i] != mistyped[i + 1])
        .ok_or("group 4 has eight equal symbols")?;
    mistyped.swap(swap_at, swap_at + 1);
    let mistyped: String = mistyped.into_iter().collect();
    let e = expect_error(ResetCode::parse(&mistyped), |e| {
        matches!(e, Error::Mistyped { group: Some(4) })
    })?;
    println!("   typed {mistyped}\n   -> {e}");

    println!("\n== Admin rotates the offline reset keys");
    let epoch = ring.rotate_with_os_rng(now)?;
    let new_package_text = ring.deployment_package()?.to_text();
    println!(
        "   key ring now at epoch {epoch}: redeploy this package to every machine\n   \
         {new_package_text}"
    );
    let old_id = ring.seal_reset_code(&typed_id, &alice, "Spring-Lake-9", now);
    println!(
        "   server, old identification code -> {}",
        expect_error(old_id, |e| matches!(e, Error::KeyRotated { .. }))?
    );

    println!("\n== Windows integration redeployed (Machine::redeploy checks the package)");
    let new_package = DeploymentPackage::from_text(&new_package_text)?;
    let redeployed = machine.redeploy_with_os_rng(&new_package)?;
    // A new enrollment: a new identification code and a new replay ledger.
    store.save(&ReplayLedger::new(&redeployed))?;
    let new_id = redeployed.identification_code();
    println!("   new Identification Code: {new_id}");
    let fresh = ring.seal_reset_code(&new_id, &alice, "Spring-Lake-9", now)?;
    let not_redeployed =
        machine.open_reset_code_for_diagnostics(&fresh, &alice, "Spring-Lake-9", now);
    println!(
        "   (a machine not redeployed yet would say -> {})",
        expect_error(not_redeployed, |e| matches!(
            e,
            Error::RedeployNeeded { .. }
        ))?
    );
    let accepted = redeem(
        &redeployed,
        &mut store,
        fresh.as_str(),
        &typed_alice,
        "Spring-Lake-9",
        now + 60,
    )??;
    println!(
        "   reset code for epoch {epoch} accepted (issued at unix {})",
        accepted.issued_at
    );
    let old = redeployed.redeploy_with_os_rng(&package);
    println!(
        "   the old package deployed again -> {}",
        expect_error(old, |e| *e == Error::PackageEpochTooOld)?
    );
    // Signer is checked first: any epoch from another key ring is refused.
    let rogue = ServerKeyRing::generate_with_os_rng(policy)?.deployment_package()?;
    let forged = redeployed.redeploy_with_os_rng(&rogue);
    println!(
        "   a package signed by another key ring -> {}",
        expect_error(forged, |e| *e == Error::PackageSignatureInvalid)?
    );
    println!("\nOffline reset demo complete.");
    Ok(())
}

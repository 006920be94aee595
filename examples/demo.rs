//! A whole offline reset, end to end, printing what each person sees.
//!
//! Run with `cargo run --example demo`. Time is simulated from a fixed start so the story reads
//! the same every run; keys come from the operating system's random number generator.

use offline_reset::{
    default_offline_domain, Account, DeploymentPackage, Error, GroupState, IdentificationCode,
    Machine, PasswordCost, Policy, QrMatrix, ReplayLedger, ResetCode, ServerKeyRing, SpellingTable,
    WrappingKey,
};

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

fn main() -> DemoResult<()> {
    let mut now: i64 = 1_795_000_000; // 2026-11-18, unix seconds
    println!("== Admin: creating the server key ring");
    // The demo uses the cheapest password cost so it runs quickly; production keeps the default
    // (`Policy::new` alone: Argon2id with 64 MiB and 3 passes per seal and per open).
    let cost = PasswordCost::minimum();
    let policy = Policy::new(24 * 60, 10)?.with_password_cost(cost);
    let ring = ServerKeyRing::generate_with_os_rng(policy)?;
    let default = PasswordCost::default();
    println!(
        "   password binding: Argon2id {} KiB, {} passes (the minimum, for this demo; production \
         uses the default, {} KiB and {} passes)",
        cost.memory_kib(),
        cost.iterations(),
        default.memory_kib(),
        default.iterations()
    );
    let wrapping_key = WrappingKey::generate(&mut offline_reset::primitives::OsRng)?;
    let stored_ring = ring.export(Some(&wrapping_key))?;
    println!(
        "   key ring epoch {}, stored wrapped ({} bytes)",
        ring.current_epoch(),
        stored_ring.len()
    );
    let package_text = ring.deployment_package()?.to_text();
    println!("   deployment package for the login integration:\n   {package_text}");

    println!("\n== Windows machine: deployed and enrolled");
    let package = DeploymentPackage::from_text(&package_text)?;
    let machine = Machine::enroll_with_os_rng(&package)?;
    let machine_state = machine.export(None)?;
    let machine = Machine::import(&machine_state, None)?;
    // The replay ledger the login integration keeps beside the machine state (stored wrapped).
    let mut ledger = ReplayLedger::new();
    let id_text = machine.identification_code().to_string();
    println!("   login screen shows the Identification Code:\n   {id_text}");
    let portal = "https://reset.example.com/portal";
    let code = machine.identification_code();
    println!(
        "   and a QR code for the self-service portal: {}",
        code.uri(portal)?
    );
    print!("{}", terminal_qr(&code.qr(portal)?));

    println!("\n== Help-desk reset (offline domain typed explicitly)");
    let ring = ServerKeyRing::import(&stored_ring, Some(&wrapping_key))?;
    let typed_id = IdentificationCode::parse(&id_text.to_lowercase())?;
    let alice = Account::new("alice", "CORP")?;
    let reset = ring.seal_reset_code(&typed_id, &alice, "Winter-Tulip-42", now)?;
    println!("   help-desk reads out the Reset Code: {reset}");
    println!("   spelled: {}", reset.spell(&SpellingTable::english()));

    println!("\n== The user types the Reset Code: feedback per group as typed");
    let mut typo: Vec<char> = reset.as_str().chars().collect();
    typo[10] = if typo[10] == '7' { '8' } else { '7' };
    let typo: String = typo.into_iter().collect();
    let lower = reset.as_str().to_lowercase();
    for typed in [
        &lower[..5],
        &lower[..12],
        &typo[..17],
        &typo[..],
        reset.as_str(),
    ] {
        let p = ResetCode::progress(typed);
        let states: Vec<&str> = p
            .groups()
            .iter()
            .map(|g| match g {
                GroupState::Empty => "  ",
                GroupState::Incomplete => "..",
                GroupState::Valid => "ok",
                GroupState::Mistyped => "XX",
                GroupState::NotASymbol => "?!",
            })
            .collect();
        println!(
            "   {typed:<49} [{}] {}",
            states.join("|"),
            if p.is_ready() {
                "ready"
            } else if p.is_complete() {
                "complete, not valid"
            } else {
                ""
            }
        );
    }
    now += 15 * 60;
    let typed_account = Account::new("Alice", "corp")?;
    // Open, record in the ledger, persist the ledger, then update cached credentials (§12.3).
    let accepted = machine.redeem_reset_code(
        &mut ledger,
        &ResetCode::parse(reset.as_str())?,
        &typed_account,
        "Winter-Tulip-42",
        now,
    )?;
    let _stored_ledger = ledger.export(Some(&wrapping_key))?;
    println!(
        "   machine: code accepted for {} (valid until unix {}), recorded in the replay ledger; \
         cached credentials updated",
        typed_account.display_name(),
        accepted.expires_at
    );
    let replayed = machine.redeem_reset_code(
        &mut ledger,
        &ResetCode::parse(reset.as_str())?,
        &typed_account,
        "Winter-Tulip-42",
        now + 60,
    );
    let e = expect_error(replayed, |e| *e == Error::AlreadyUsed)?;
    println!("   the same code typed again -> {e}");

    println!("\n== Self-service reset from a phone (offline domain left blank)");
    let fqdn = "corp.example.com";
    let domain = default_offline_domain(fqdn)?;
    println!("   domain left blank: defaulted from {fqdn} to {domain}");
    let bob = Account::new("jürgen", &domain)?;
    let reset = ring.seal_reset_code(&typed_id, &bob, "Sommer-Regen-7", now)?;
    println!("   phone shows the Reset Code: {reset}");
    now += 5 * 60;
    let typed = ResetCode::parse(reset.as_str())?;
    machine.redeem_reset_code(
        &mut ledger,
        &typed,
        &Account::new("JÜRGEN", "corp")?,
        "Sommer-Regen-7",
        now,
    )?;
    println!("   machine: code accepted for JÜRGEN (usernames compare case-insensitively)");

    println!("\n== Mistakes the machine catches");
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
    let wrong_password = machine.open_reset_code(
        &typed,
        &Account::new("jürgen", "corp")?,
        "Sommer-Regen-8",
        now,
    );
    let e = expect_error(wrong_password, |e| *e == Error::Rejected)?;
    println!("   wrong new password -> {e}");

    println!("\n== Admin rotates the offline reset keys");
    let mut ring = ring;
    let epoch = ring.rotate_with_os_rng(now)?;
    println!("   key ring now at epoch {epoch}; old generation dropped");
    let old_id = ring.seal_reset_code(&typed_id, &alice, "Spring-Lake-9", now);
    let e = expect_error(old_id, |e| matches!(e, Error::KeyRotated { .. }))?;
    println!("   server, old identification code -> {e}");
    let new_package = DeploymentPackage::from_text(&ring.deployment_package()?.to_text())?;
    // A code sealed for the new epoch reaches a machine that was not redeployed yet.
    let redeployed = Machine::enroll_with_os_rng(&new_package)?;
    let fresh_code = ring.seal_reset_code(
        &redeployed.identification_code(),
        &alice,
        "Spring-Lake-9",
        now,
    )?;
    let not_redeployed = machine.open_reset_code(&fresh_code, &alice, "Spring-Lake-9", now);
    let e = expect_error(not_redeployed, |e| {
        matches!(e, Error::RedeployNeeded { .. })
    })?;
    println!("   old machine, new-epoch code -> {e}");
    println!("\n== Windows integration redeployed with the new package: machine re-enrolls");
    println!(
        "   new Identification Code: {}",
        redeployed.identification_code()
    );
    let stale = redeployed.open_reset_code(&reset, &alice, "Winter-Tulip-42", now);
    let e = expect_error(stale, |e| matches!(e, Error::CodeBeforeRotation { .. }))?;
    println!("   redeployed machine, code from before the rotation -> {e}");
    let accepted = redeployed.open_reset_code(&fresh_code, &alice, "Spring-Lake-9", now + 60)?;
    println!(
        "   reset code for epoch {epoch} accepted (issued at unix {})",
        accepted.issued_at
    );
    println!("\nOffline reset demo complete.");
    Ok(())
}

//! Every protocol operation and, in the same run, the raw primitives it is made of, on the same
//! inputs (the secrets of `tests/vectors/`), so that `benches/run.sh` can report each
//! operation's cost as a ratio to the sum of its primitives, and to OpenSSL.
//!
//! Groups: `op/*` are the library's operations through its public API; `prim/*` are the raw
//! building blocks (the `primitives` module, the `code_text` encoder and the `crc` crate the
//! library uses). `benches/run.sh` holds the table saying which primitives make up each
//! operation. `cargo bench --bench operations -- --test` runs every benchmark once (CI smoke).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use offline_reset::code_text::{self, IDENTIFICATION_CODE_LAYOUT, RESET_CODE_LAYOUT};
use offline_reset::key_schedule::{self, PROTOCOL_LABEL};
use offline_reset::primitives::{
    ecdh, hkdf_expand, hkdf_extract, OsRng, PublicPoint, SecretScalar, SivKey, SCALAR_LEN,
};
use offline_reset::{
    Account, DeploymentPackage, IdentificationCode, Machine, PasswordCost, Policy, ReplayLedger,
    ResetCode, ServerKeyRing, WrappingKey, IDENTIFICATION_CODE_TEXT_LEN, RESET_CODE_TEXT_LEN,
};

// Secrets from tests/vectors/reset_code.json and stored_objects.json.
const SERVER_SECRET: &str = "448fe09852d9271d3fb9fa52f3ba392195712336770cf4945a249f00a8650e6c";
const SIGNING_SECRET: &str = "9b11f40a2168ea4cbb8abacef345f5e862a7c2161380d9a4d8c6028ea0af54b8";
const SERVER_SECRET_2: &str = "0a1adedf47fa87b7c80fae8a925610996b27893db09c0dfbfe18b855c8749c26";
const MACHINE_SECRET: &str = "95f6394d61efff502f013bf5ec66a9784382aacb4d03fc8f8c29ed735894400e";
const WRAPPING_KEY: [u8; 64] = [0xAA; 64];
const NOW: i64 = 1_795_000_000;
const USERNAME: &str = "alice";
/// S-1-5-21-1004336348-1177238915-682003330-1104 (revision 1, five sub-authorities, authority 5).
const SID: [u8; 28] = [
    1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xdc, 0xf4, 0xdc, 0x3b, 0x83, 0x3d, 0x2b, 0x46, 0x82,
    0x8b, 0xa6, 0x28, 0x50, 0x04, 0, 0,
];
const DOMAIN: &str = "CORP";
const PASSWORD: &str = "Winter-Tulip-42";
/// The associated-data label of reset codes (`docs/PROTOCOL.md` §7).
const AD_LABEL: &[u8] = b"offline-reset-v1 reset code";
const KEY_CHECK_LABEL: &[u8] = b"offline-reset-v1 wrapping key check";
const WRAP_LABEL: &[u8] = b"offline-reset-v1 wrap";
const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

fn secret(hex: &str) -> SecretScalar {
    let mut bytes = [0u8; SCALAR_LEN];
    for (i, out) in bytes.iter_mut().enumerate() {
        *out = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex");
    }
    SecretScalar::from_bytes(&bytes).expect("valid scalar")
}

struct World {
    ring: ServerKeyRing,
    ring_two_generations: ServerKeyRing,
    package: DeploymentPackage,
    machine: Machine,
    id: IdentificationCode,
    id_text: String,
    account: Account,
    code: ResetCode,
    code_text: String,
    wrapping: WrappingKey,
}

fn world() -> World {
    // The default password cost: `op/seal` and `op/open` measure what production pays, one
    // Argon2id each (`prim/password_binding_*` measures it alone).
    let ring = ServerKeyRing::from_secrets(
        Policy::default(),
        1,
        secret(SERVER_SECRET),
        secret(SIGNING_SECRET),
    );
    let mut ring_two_generations = ring.clone();
    ring_two_generations
        .set_retired_grace_seconds(7 * 24 * 3600)
        .unwrap();
    ring_two_generations
        .rotate_to_secret(NOW, secret(SERVER_SECRET_2))
        .expect("rotate");
    let package = ring.deployment_package().expect("package");
    let machine = Machine::enroll_with_secret(&package, &secret(MACHINE_SECRET)).expect("enroll");
    let id = machine.identification_code();
    let account = Account::new(USERNAME, DOMAIN, &SID).expect("account");
    let code = ring
        .seal_reset_code(&id, &account, PASSWORD, NOW)
        .expect("seal");
    World {
        id_text: id.as_str().to_owned(),
        code_text: code.as_str().to_owned(),
        ring,
        ring_two_generations,
        package,
        machine,
        id,
        account,
        code,
        wrapping: WrappingKey::from_bytes(&WRAPPING_KEY).expect("wrapping key"),
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

fn operations(c: &mut Criterion) {
    let w = world();
    let mut g = c.benchmark_group("op");

    // Server: one reset, cold (nothing cached per machine: the server keeps no machine state).
    g.bench_function("seal", |b| {
        b.iter(|| {
            w.ring
                .seal_reset_code(black_box(&w.id), &w.account, black_box(PASSWORD), NOW)
                .expect("seal")
        })
    });
    // The whole request as typed: identification code and names as text in, code text out.
    g.bench_function("seal_from_text", |b| {
        let mut out = [0u8; RESET_CODE_TEXT_LEN];
        b.iter(|| {
            let id = IdentificationCode::parse(black_box(&w.id_text)).expect("parse");
            let account = Account::new(black_box(USERNAME), black_box(DOMAIN), black_box(&SID))
                .expect("account");
            let code = w
                .ring
                .seal_reset_code(&id, &account, black_box(PASSWORD), NOW)
                .expect("seal");
            out.copy_from_slice(code.as_str().as_bytes());
            out
        })
    });
    // Machine: the state is loaded (enrolled), the code already parsed.
    g.bench_function("open", |b| {
        b.iter(|| {
            w.machine
                .open_reset_code_for_diagnostics(
                    black_box(&w.code),
                    &w.account,
                    black_box(PASSWORD),
                    NOW,
                )
                .expect("open")
        })
    });
    // What the login screen does per attempt: parse the typed code and names, then open.
    g.bench_function("open_from_text", |b| {
        b.iter(|| {
            let code = ResetCode::parse(black_box(&w.code_text)).expect("parse");
            let account = Account::new(black_box(USERNAME), black_box(DOMAIN), black_box(&SID))
                .expect("account");
            w.machine
                .open_reset_code_for_diagnostics(&code, &account, black_box(PASSWORD), NOW)
                .expect("open")
        })
    });
    // What the login screen does on a successful try: redeem against the replay ledger (count
    // the attempt, open, record), from a ledger that has seen nothing yet.
    g.bench_function("redeem", |b| {
        let empty = ReplayLedger::new(&w.machine);
        b.iter(|| {
            let mut ledger = empty.clone();
            w.machine
                .redeem_reset_code(&mut ledger, black_box(&w.code), &w.account, PASSWORD, NOW)
                .expect("redeem");
            ledger
        })
    });
    g.bench_function("enroll", |b| {
        let machine_secret = secret(MACHINE_SECRET);
        b.iter(|| {
            Machine::enroll_with_secret(black_box(&w.package), &machine_secret).expect("enroll")
        })
    });
    g.bench_function("enroll_os_rng", |b| {
        b.iter(|| Machine::enroll_with_os_rng(black_box(&w.package)).expect("enroll"))
    });
    g.bench_function("key_ring_generate", |b| {
        b.iter(|| ServerKeyRing::generate_with_os_rng(black_box(Policy::default())).expect("ring"))
    });
    g.bench_function("id_parse", |b| {
        b.iter(|| IdentificationCode::parse(black_box(&w.id_text)).expect("parse"))
    });
    g.bench_function("reset_parse", |b| {
        b.iter(|| ResetCode::parse(black_box(&w.code_text)).expect("parse"))
    });
    g.bench_function("package_parse", |b| {
        let text = w.package.to_text();
        b.iter(|| DeploymentPackage::from_text(black_box(&text)).expect("package"))
    });

    let ring = &w.ring_two_generations;
    let ring_plain = ring.export(None).expect("export");
    let ring_wrapped = ring.export(Some(&w.wrapping)).expect("export");
    g.bench_function("key_ring_export_plain", |b| {
        b.iter(|| black_box(ring).export(None).expect("export"))
    });
    g.bench_function("key_ring_export_wrapped", |b| {
        b.iter(|| black_box(ring).export(Some(&w.wrapping)).expect("export"))
    });
    g.bench_function("key_ring_import_plain", |b| {
        b.iter(|| ServerKeyRing::import(black_box(&ring_plain), None).expect("import"))
    });
    g.bench_function("key_ring_import_wrapped", |b| {
        b.iter(|| {
            ServerKeyRing::import(black_box(&ring_wrapped), Some(&w.wrapping)).expect("import")
        })
    });

    let machine_plain = w.machine.export(None).expect("export");
    let machine_wrapped = w.machine.export(Some(&w.wrapping)).expect("export");
    g.bench_function("machine_export_plain", |b| {
        b.iter(|| black_box(&w.machine).export(None).expect("export"))
    });
    g.bench_function("machine_export_wrapped", |b| {
        b.iter(|| {
            black_box(&w.machine)
                .export(Some(&w.wrapping))
                .expect("export")
        })
    });
    g.bench_function("machine_import_plain", |b| {
        b.iter(|| Machine::import(black_box(&machine_plain), None).expect("import"))
    });
    g.bench_function("machine_import_wrapped", |b| {
        b.iter(|| Machine::import(black_box(&machine_wrapped), Some(&w.wrapping)).expect("import"))
    });
    g.finish();
}

fn primitives(c: &mut Criterion) {
    let w = world();
    let mut g = c.benchmark_group("prim");
    let server = secret(SERVER_SECRET);
    let server_public = server.public_compressed();
    let machine_x = *w.id.machine_public_x();
    let machine_point = PublicPoint::from_x(&machine_x).expect("point");
    let shared = ecdh(&server, &machine_point).expect("ecdh");
    let epoch = 1u16.to_be_bytes();

    // P-256 point decompression (SEC1 compressed -> validated affine point).
    g.bench_function("p256_decompress", |b| {
        b.iter(|| PublicPoint::from_x(black_box(&machine_x)).expect("point"))
    });
    g.bench_function("p256_decompress_sec1", |b| {
        b.iter(|| PublicPoint::from_sec1(black_box(&server_public)).expect("point"))
    });
    // Variable-base scalar multiplication: the ECDH shared x-coordinate.
    g.bench_function("ecdh", |b| {
        b.iter(|| ecdh(black_box(&server), black_box(&machine_point)).expect("ecdh"))
    });
    // Fixed-base scalar multiplication (a public key from a secret).
    g.bench_function("p256_base_mul", |b| {
        b.iter(|| black_box(&server).public_compressed())
    });
    g.bench_function("scalar_from_bytes", |b| {
        let bytes = server.to_bytes();
        b.iter(|| SecretScalar::from_bytes(black_box(&bytes)).expect("scalar"))
    });
    g.bench_function("os_rng_32", |b| {
        b.iter(|| {
            let mut out = [0u8; 32];
            offline_reset::primitives::fill_random(&mut OsRng, &mut out).expect("rng");
            out
        })
    });
    // HKDF-SHA256 Extract and Expand with the key schedule's exact inputs (64-byte output).
    g.bench_function("hkdf", |b| {
        b.iter(|| {
            let prk = hkdf_extract(
                b"",
                &[PROTOCOL_LABEL, b"shared_secret", black_box(&shared[..])],
            );
            let mut okm = [0u8; 64];
            hkdf_expand(
                &prk[..],
                &[
                    &64u16.to_be_bytes(),
                    PROTOCOL_LABEL,
                    b"machine_key",
                    &epoch,
                    &server_public,
                    &machine_x,
                ],
                &mut okm,
            )
            .expect("expand");
            okm
        })
    });
    // The password binding alone: one Argon2id (RFC 9106) at the default cost (what seal and
    // open pay in production) and at the minimum the protocol allows.
    for (name, cost) in [
        ("password_binding_default", PasswordCost::default()),
        ("password_binding_minimum", PasswordCost::minimum()),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                key_schedule::password_binding(
                    black_box(cost),
                    1,
                    &machine_x,
                    &w.account,
                    black_box(PASSWORD.as_bytes()),
                )
                .expect("binding")
            })
        });
    }
    let binding = key_schedule::password_binding(
        PasswordCost::default(),
        1,
        &machine_x,
        &w.account,
        PASSWORD.as_bytes(),
    )
    .expect("binding");
    // AES-256-SIV over the reset code's associated data (7 components: the SID sixth, the password
    // binding) and 5-byte plaintext.
    let key = SivKey::from_slice(&[7u8; 64]).expect("key");
    let header = [0x08u8, 0x01];
    let ad: [&[u8]; 7] = [
        AD_LABEL,
        &header,
        &machine_x,
        b"CORP",
        b"ALICE",
        &SID,
        &binding[..],
    ];
    g.bench_function("siv_seal", |b| {
        b.iter(|| {
            let mut buffer = [1u8, 2, 3, 4, 5];
            let tag = key
                .seal_in_place(black_box(&ad), &mut buffer)
                .expect("seal");
            (tag, buffer)
        })
    });
    let mut sealed = [1u8, 2, 3, 4, 5];
    let tag = key.seal_in_place(&ad, &mut sealed).expect("seal");
    g.bench_function("siv_open", |b| {
        b.iter(|| {
            let mut buffer = sealed;
            key.open_in_place(black_box(&ad), &mut buffer, &tag)
                .expect("open");
            buffer
        })
    });
    // The wrapping key check (SIV of nothing) and wrapping a stored body (machine state: 184
    // bytes; two-generation key ring: 208 bytes).
    let wrap = SivKey::from_slice(&WRAPPING_KEY).expect("key");
    g.bench_function("siv_key_check", |b| {
        b.iter(|| {
            wrap.seal_in_place(black_box(&[KEY_CHECK_LABEL]), &mut [])
                .expect("check")
        })
    });
    let envelope_header = [0u8; 10];
    for (name, len) in [("machine", 184usize), ("key_ring", 208)] {
        let body = vec![9u8; len];
        g.bench_function(format!("siv_wrap_{name}"), |b| {
            let mut buffer = body.clone();
            b.iter(|| {
                buffer.copy_from_slice(&body);
                wrap.seal_in_place(black_box(&[WRAP_LABEL, &envelope_header]), &mut buffer)
                    .expect("wrap")
            })
        });
        let mut sealed = body.clone();
        let tag = wrap
            .seal_in_place(&[WRAP_LABEL, &envelope_header], &mut sealed)
            .expect("wrap");
        g.bench_function(format!("siv_unwrap_{name}"), |b| {
            let mut buffer = sealed.clone();
            b.iter(|| {
                buffer.copy_from_slice(&sealed);
                wrap.open_in_place(
                    black_box(&[WRAP_LABEL, &envelope_header]),
                    &mut buffer,
                    &tag,
                )
                .expect("unwrap")
            })
        });
        // The envelope checksum over the whole plain object.
        let object = vec![3u8; 10 + len + 4];
        g.bench_function(format!("crc32_{name}"), |b| {
            b.iter(|| CRC32.checksum(black_box(&object)))
        });
    }
    // The typed-code encoding and its checks (group checks, CRC-16), both directions.
    let mut id_payload = [0u8; IDENTIFICATION_CODE_LAYOUT.payload_len];
    code_text::decode(IDENTIFICATION_CODE_LAYOUT, &w.id_text, &mut id_payload).expect("decode");
    let mut reset_payload = [0u8; RESET_CODE_LAYOUT.payload_len];
    code_text::decode(RESET_CODE_LAYOUT, &w.code_text, &mut reset_payload).expect("decode");
    g.bench_function("id_decode", |b| {
        let mut payload = [0u8; IDENTIFICATION_CODE_LAYOUT.payload_len];
        b.iter(|| {
            code_text::decode(
                IDENTIFICATION_CODE_LAYOUT,
                black_box(&w.id_text),
                &mut payload,
            )
            .expect("decode");
            payload
        })
    });
    g.bench_function("id_encode", |b| {
        let mut out = [0u8; IDENTIFICATION_CODE_TEXT_LEN];
        b.iter(|| {
            code_text::encode(IDENTIFICATION_CODE_LAYOUT, black_box(&id_payload), &mut out);
            out
        })
    });
    g.bench_function("reset_decode", |b| {
        let mut payload = [0u8; RESET_CODE_LAYOUT.payload_len];
        b.iter(|| {
            code_text::decode(RESET_CODE_LAYOUT, black_box(&w.code_text), &mut payload)
                .expect("decode");
            payload
        })
    });
    g.bench_function("reset_encode", |b| {
        let mut out = [0u8; RESET_CODE_TEXT_LEN];
        b.iter(|| {
            code_text::encode(RESET_CODE_LAYOUT, black_box(&reset_payload), &mut out);
            out
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = operations, primitives
}
criterion_main!(benches);

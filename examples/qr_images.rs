//! Writes the QR symbols of several identification code URIs as PGM images (8 pixels per
//! module) for tests/qr/run.sh, which decodes them with zbar: `DIR/N.pgm` and the expected URI
//! in `DIR/N.txt`. Usage: `cargo run --example qr_images -- DIR`.

use std::fs;
use std::path::PathBuf;

use offline_reset::code_text::{self, IDENTIFICATION_CODE_LAYOUT};
use offline_reset::{IdentificationCode, QrMatrix};

/// An identification code with this epoch and filler (the key bytes need not be a curve point
/// for a QR test).
fn code(epoch: u16, fill: &[u8]) -> IdentificationCode {
    let layout = IDENTIFICATION_CODE_LAYOUT;
    let mut payload = code_text::header(epoch).to_vec();
    payload.extend(fill.iter().copied().cycle().take(layout.payload_len - 2));
    let mut text = vec![0u8; layout.text_len()];
    code_text::encode(layout, &payload, &mut text);
    IdentificationCode::parse(std::str::from_utf8(&text).expect("ASCII")).expect("valid")
}

fn pgm(qr: &QrMatrix, scale: usize) -> Vec<u8> {
    let side = qr.width() * scale;
    let mut out = format!("P5\n{side} {side}\n255\n").into_bytes();
    for y in 0..side {
        for x in 0..side {
            out.push(if qr.is_dark(x / scale, y / scale) {
                0
            } else {
                255
            });
        }
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: qr_images DIR")?);
    fs::create_dir_all(&dir)?;
    let cases: [(&str, u16, &[u8]); 6] = [
        ("https://reset.example.com/portal", 1, &[0]),
        ("https://reset.example.com/portal?lang=de", 7, &[0xA5, 0x3C]),
        ("https://r.example/?", 300, &[0xFF]),
        ("HTTPS://RESET.EXAMPLE.COM/", 2047, &[1, 2, 3, 4, 5]),
        (
            "https://password-reset.corp.example.com:8443/self-service/offline-reset/start?tenant=emea-west&source=login-tile",
            1234,
            &[0x10, 0x20, 0x30],
        ),
        ("https://[2001:db8::1]/reset%20portal", 42, &[0x77]),
    ];
    for (i, (base, epoch, fill)) in cases.iter().enumerate() {
        let id = code(*epoch, fill);
        let uri = id.uri(base)?;
        let qr = id.qr(base)?;
        fs::write(dir.join(format!("{i}.pgm")), pgm(&qr, 8))?;
        fs::write(dir.join(format!("{i}.txt")), &uri)?;
        println!("{i}: {}x{} {uri}", qr.width(), qr.width());
    }
    Ok(())
}

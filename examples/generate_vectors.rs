//! Writes `tests/vectors/*.json` from fixed seeds. Run after a deliberate change to bytes on the
//! wire (which also bumps the protocol version): `cargo run --example generate_vectors`.

#[path = "../tests/support/vectors.rs"]
mod vectors;

fn main() -> std::io::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    std::fs::create_dir_all(&dir)?;
    for (name, value) in vectors::all() {
        std::fs::write(dir.join(name), vectors::render(&value))?;
        println!("wrote tests/vectors/{name}");
    }
    Ok(())
}

//! Deployment-package import: the text the Windows integration is configured with (a file or a
//! registry value someone could edit). Accepted packages round-trip through their canonical text
//! and can be enrolled with. The raw bytes go through `from_bytes` (what the C ABI does), which
//! agrees with `from_text` on UTF-8 that does not look like UTF-16.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{DeploymentPackage, Error, Machine, MAX_EPOCH};
use offline_reset_fuzz::fixtures;

fuzz_target!(|data: &[u8]| {
    let from_bytes = DeploymentPackage::from_bytes(data);
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(
            matches!(from_bytes, Err(Error::Utf16Text | Error::MalformedInput)),
            "ill-formed UTF-8: {from_bytes:?}"
        );
        return;
    };
    if from_bytes != Err(Error::Utf16Text) {
        assert_eq!(from_bytes, DeploymentPackage::from_text(text));
    }
    let package = match DeploymentPackage::from_text(text) {
        Ok(package) => package,
        Err(e) => {
            assert!(
                matches!(
                    e,
                    Error::Truncated
                        | Error::Corrupted
                        | Error::WrongKind
                        | Error::WrappingMismatch
                        | Error::UnsupportedVersion { .. }
                        | Error::MalformedInput
                        | Error::InvalidKeyMaterial
                        | Error::InvalidPolicy
                ),
                "unexpected error {e:?}"
            );
            return;
        }
    };
    assert!((1..=MAX_EPOCH).contains(&package.epoch()));
    let canonical = package.to_text();
    assert_eq!(DeploymentPackage::from_text(&canonical), Ok(package));
    assert_eq!(
        DeploymentPackage::from_text(&canonical.to_lowercase()),
        Ok(package)
    );
    assert_eq!(
        DeploymentPackage::from_bytes(format!("\u{FEFF}{canonical}\r\n").as_bytes()),
        Ok(package)
    );

    let f = fixtures();
    if package == f.package {
        assert_eq!(canonical, f.package_text);
    }
    let machine = Machine::enroll_with_secret(&package, &f.machine_a_secret)
        .expect("enrolls with any package");
    assert!(machine.is_enrolled_with(&package));
    assert_eq!(machine.epoch(), package.epoch());
    assert_eq!(machine.policy(), package.policy());
});

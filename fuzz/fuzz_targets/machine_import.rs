//! Machine-state import: the file a Windows machine keeps its derived key in (possibly
//! tampered with). The first byte picks how the rest is used: 0 raw bytes, plain; 1 a body in a
//! valid plain envelope; 2 raw bytes opened with the fixture wrapping key; 3 a body wrapped under
//! the fixture key. Accepted states export to exactly the same bytes, and a state wrapped under
//! one key never opens under another.
#![no_main]

use libfuzzer_sys::fuzz_target;
use offline_reset::{Error, IdentificationCode, Machine, MAX_EPOCH};
use offline_reset_fuzz::{envelope, fixtures, is_import_error, KIND_MACHINE_STATE};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let f = fixtures();
    let (bytes, key) = match mode % 4 {
        1 => (envelope(KIND_MACHINE_STATE, rest, None), None),
        2 => (rest.to_vec(), Some(&f.wrapping)),
        3 => {
            let wrapped = envelope(KIND_MACHINE_STATE, rest, Some(&f.wrapping_bytes));
            assert_eq!(
                Machine::import(&wrapped, Some(&f.other_wrapping)).err(),
                Some(Error::WrongWrappingKey)
            );
            assert_eq!(
                Machine::import(&wrapped, None).err(),
                Some(Error::WrappingMismatch)
            );
            (wrapped, Some(&f.wrapping))
        }
        _ => (rest.to_vec(), None),
    };
    if key.is_some() {
        assert!(Machine::import(&bytes, Some(&f.other_wrapping)).is_err());
    }
    let machine = match Machine::import(&bytes, key) {
        Ok(machine) => machine,
        Err(e) => {
            assert!(is_import_error(&e), "unexpected error {e:?}");
            return;
        }
    };
    assert!((1..=MAX_EPOCH).contains(&machine.epoch()));
    assert_eq!(*machine.export(key).expect("export"), bytes);
    let id = machine.identification_code();
    assert_eq!(IdentificationCode::parse(id.as_str()), Ok(id));
    assert_eq!(id.epoch(), machine.epoch());
    let _ = format!("{machine:?}");
});

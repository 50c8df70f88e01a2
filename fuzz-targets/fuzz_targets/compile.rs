//! Every tier compiles exactly what the validator accepts and rejects the
//! rest, without panicking: arbitrary bytes (often invalid) and wasm-smith
//! modules (valid by construction, possibly using proposals the engine has
//! switched off).
#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let engine = engine::Engine::default();
    let mut u = Unstructured::new(data);
    let bytes = if u.arbitrary::<bool>().unwrap_or(false) {
        match wasm_smith::Module::arbitrary(&mut u) {
            Ok(m) => m.to_bytes(),
            Err(_) => return,
        }
    } else {
        u.take_rest().to_vec()
    };
    let valid = engine::Module::validate(&engine, &bytes).is_ok();
    let compiled = engine::Module::from_binary(&engine, &bytes);
    match (&compiled, valid) {
        (Ok(_), true) | (Err(engine::Error::Validation { .. }), false) => {}
        (Err(engine::Error::Unsupported(_) | engine::Error::Limit(_)), true) => {}
        _ => panic!("validator said {valid}, compiler said {compiled:?}"),
    }
});

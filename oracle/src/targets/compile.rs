//! `compile`: every tier compiles exactly what the validator accepts and
//! rejects the rest, without panicking. Inputs are arbitrary bytes (mostly
//! invalid) or wasm-smith modules (valid by construction, possibly using
//! proposals the engine has switched off).

use arbitrary::{Arbitrary, Unstructured};
use engine::{Config, Engine, Error, Tier};

/// The bytes the input stands for: a wasm-smith module or the raw rest.
pub fn module_bytes(data: &[u8]) -> Option<Vec<u8>> {
    let mut u = Unstructured::new(data);
    if u.arbitrary::<bool>().unwrap_or(false) {
        wasm_smith::Module::arbitrary(&mut u).ok().map(|m| m.to_bytes())
    } else {
        Some(u.take_rest().to_vec())
    }
}

/// Checks the input on every tier in `tiers`.
pub fn check(data: &[u8], tiers: &[Tier]) -> Result<(), String> {
    let Some(bytes) = module_bytes(data) else { return Ok(()) };
    for &tier in tiers {
        let mut config = Config::new();
        config.tier(tier);
        let engine = Engine::new(&config).map_err(|e| e.to_string())?;
        let valid = engine::Module::validate(&engine, &bytes).is_ok();
        let compiled = engine::Module::from_binary(&engine, &bytes);
        match (&compiled, valid) {
            (Ok(_), true) | (Err(Error::Validation { .. }), false) => {}
            (Err(Error::Unsupported(_) | Error::Limit(_)), true) => {}
            _ => return Err(format!("{tier}: validator said {valid}, compiler said {compiled:?}")),
        }
    }
    Ok(())
}

//! `buggy-interp`: a deliberately wrong executor, to test the harness
//! itself (does the fuzz loop find a bug, does triage shrink and save it?).
//! It is the interpreter running the module with every `i32.add` turned
//! into `i32.sub`; and it crashes on purpose on modules exporting
//! `crucible_test_panic` (a panic) or `crucible_test_abort` (SIGABRT), so
//! tests can check that one crashing tier is reported, not fatal. Reachable
//! by name only; never among the executors a campaign uses by default.

use super::{CrucibleExecutor, Executor, InstantiateFailure, Running};

pub struct BuggyExecutor {
    inner: CrucibleExecutor,
}

impl Default for BuggyExecutor {
    fn default() -> Self {
        BuggyExecutor { inner: CrucibleExecutor::new(engine::Tier::Interp) }
    }
}

impl BuggyExecutor {
    /// With `fuel` per instance (see `CrucibleExecutor::with_fuel`).
    pub fn with_fuel(fuel: u64) -> BuggyExecutor {
        BuggyExecutor { inner: CrucibleExecutor::with_fuel(engine::Tier::Interp, fuel) }
    }
}

impl Executor for BuggyExecutor {
    fn name(&self) -> &str {
        "buggy-interp"
    }

    fn narrow(&self, config: &mut wasm_smith::Config) {
        self.inner.narrow(config);
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        self.instantiate_linked(&[], wasm)
    }

    fn instantiate_linked(&self, providers: &[Vec<u8>], wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        let exports = crate::case::exported_funcs(wasm);
        if exports.iter().any(|(name, _)| name == "crucible_test_panic") {
            panic!("buggy-interp: deliberate panic");
        }
        if exports.iter().any(|(name, _)| name == "crucible_test_abort") {
            std::process::abort();
        }
        let wrong = |wasm: &[u8]| crate::rewrite::miscompile_add_as_sub(wasm).unwrap_or_else(|| wasm.to_vec());
        let providers: Vec<Vec<u8>> = providers.iter().map(|p| wrong(p)).collect();
        self.inner.instantiate_linked(&providers, &wrong(wasm))
    }
}

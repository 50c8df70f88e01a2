//! `buggy-interp`: a deliberately wrong executor, to test the harness
//! itself (does the fuzz loop find a bug, does triage shrink and save it?).
//! It is the interpreter running the module with every `i32.add` turned
//! into `i32.sub`. Reachable by name only; never among the executors a
//! campaign uses by default.

use super::{CrucibleExecutor, Executor, InstantiateFailure, Running};

pub struct BuggyExecutor {
    inner: CrucibleExecutor,
}

impl Default for BuggyExecutor {
    fn default() -> Self {
        BuggyExecutor { inner: CrucibleExecutor::new(engine::Tier::Interp) }
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
        let wrong = crate::rewrite::miscompile_add_as_sub(wasm).unwrap_or_else(|| wasm.to_vec());
        self.inner.instantiate(&wrong)
    }
}

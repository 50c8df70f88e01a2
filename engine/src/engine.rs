//! The engine: a shared, immutable configuration for modules and stores.

use std::sync::Arc;

use crate::config::Config;
use crate::error::{Error, Result};

/// Compiles modules under one [`Config`]. Cheap to clone; share it freely.
#[derive(Clone, Debug)]
pub struct Engine {
    config: Arc<Config>,
}

impl Engine {
    /// Fails when the configuration enables a proposal the tier does not
    /// execute, one without a proposal it builds on, or one whose code on
    /// the baseline tier needs a CPU feature this CPU lacks, or asks for an
    /// interpreter dispatch this build lacks.
    pub fn new(config: &Config) -> Result<Engine> {
        if let Some(p) = config.proposals.iter().find(|p| !p.supported_by(config.tier)) {
            return Err(Error::Unsupported(format!("the {} tier does not support the {p} proposal", config.tier)));
        }
        for p in &config.proposals {
            if let Some(needed) = p.with().iter().find(|needed| !config.proposals.contains(needed)) {
                return Err(Error::Usage(format!("the {p} proposal needs the {needed} proposal enabled too")));
            }
        }
        if config.tier == crate::Tier::Baseline {
            for p in &config.proposals {
                let missing = crate::compile::baseline::missing_cpu_features(*p);
                if !missing.is_empty() {
                    return Err(Error::Unsupported(format!(
                        "the baseline tier's code for the {p} proposal needs CPU features this CPU lacks: {}",
                        missing.join(", ")
                    )));
                }
            }
        }
        if !config.interpreter_dispatch.is_supported() {
            return Err(Error::Unsupported(format!(
                "{:?} interpreter dispatch needs an optimized build for x86-64 or AArch64",
                config.interpreter_dispatch
            )));
        }
        Ok(Engine { config: Arc::new(config.clone()) })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new(&Config::default()).expect("the default configuration is always supported")
    }
}

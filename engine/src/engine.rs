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
    /// Fails when the configuration asks for a tier this build cannot run, or
    /// enables a proposal the tier does not execute.
    pub fn new(config: &Config) -> Result<Engine> {
        if !config.tier.is_available() {
            return Err(Error::Unsupported(format!("the {} tier is not implemented yet", config.tier)));
        }
        if let Some(p) = config.proposals.iter().find(|p| !p.supported_by(config.tier)) {
            return Err(Error::Unsupported(format!("the {} tier does not support the {p} proposal", config.tier)));
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

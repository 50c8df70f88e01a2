//! Crucible's WebAssembly engine.
//!
//! The API follows the shape wasmtime and wasmi users know:
//! [`Config`] → [`Engine`] → [`Module`] → [`Store`] + [`Linker`] →
//! [`Instance`] → [`Func`] calls. See `ARCHITECTURE.md` at the repository
//! root for the map of the layers.

pub mod compile;
pub mod config;
mod engine;
pub mod error;
pub mod module;
pub mod runtime;

pub use config::{Config, Limits, Proposal, Tier};
pub use engine::Engine;
pub use error::{Error, Result, Trap, TrapCode};
pub use module::types::{ExternType, FuncType, GlobalType, Limits as TypeLimits, MemoryType, TableType, ValType};
pub use module::{Module, ModuleInfo};
pub use runtime::externals::{Extern, Global, Memory, Table};
pub use runtime::func::{Caller, Func, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmTy};
pub use runtime::instance::Instance;
pub use runtime::linker::Linker;
pub use runtime::store::{AsContext, AsContextMut, Store};
pub use runtime::val::{ExternRef, Val};

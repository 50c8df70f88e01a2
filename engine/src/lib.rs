//! Crucible's WebAssembly engine.
//!
//! The API follows the shape wasmtime and wasmi users know:
//! [`Config`] → [`Engine`] → [`Module`] → [`Store`] + [`Linker`] →
//! [`Instance`] → [`Func`] calls. See `ARCHITECTURE.md` at the repository
//! root for the map of the layers.
//!
//! ```
//! use engine::{Caller, Config, Engine, Linker, Module, Store};
//!
//! # fn main() -> engine::Result<()> {
//! let engine = Engine::new(&Config::new())?;
//! let module = Module::new(&engine, r#"(module (import "env" "double" (func $d (param i32) (result i32)))
//!     (func (export "run") (param i32) (result i32) (call $d (local.get 0))))"#)?;
//! let mut store = Store::new(&engine, ());
//! let mut linker = Linker::new(&engine);
//! linker.func_wrap(&mut store, "env", "double", |_: Caller<'_, ()>, x: i32| x * 2);
//! let instance = linker.instantiate(&mut store, &module)?;
//! let run = instance.get_func(&store, "run").unwrap().typed::<_, i32, i32>(&store)?;
//! assert_eq!(run.call(&mut store, 21)?, 42);
//! # Ok(())
//! # }
//! ```

pub mod compile;
pub mod config;
mod engine;
pub mod error;
pub mod module;
pub mod proposal;
pub mod runtime;
pub mod wasi;

pub use config::{BoundsChecks, Config, InterpreterDispatch, Limits, OptLevel, Tier};
pub use engine::Engine;
pub use error::{Error, FrameInfo, Result, Trap, TrapCode};
pub use module::types::{ExternType, FuncType, GlobalType, Limits as TypeLimits, MemoryType, TableType, ValType};
pub use module::{Module, ModuleInfo};
pub use proposal::Proposal;
pub use runtime::externals::{Extern, Global, Memory, Table};
pub use runtime::func::{Caller, Func, IntoFunc, TypedFunc, WasmParams, WasmResults, WasmTy};
pub use runtime::instance::Instance;
pub use runtime::linker::Linker;
pub use runtime::store::{AsContext, AsContextMut, Store};
pub use runtime::val::{ExternRef, Val};

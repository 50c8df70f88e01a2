//! The runtime shared by every tier: store, instances, functions, memories,
//! tables, globals and values.

pub(crate) mod bulk;
pub mod externals;
pub mod func;
pub mod instance;
pub mod linker;
pub mod memory;
pub mod store;
pub mod table;
pub mod val;
pub mod vmctx;

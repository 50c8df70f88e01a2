//! The linker: names for host objects and instance exports, and
//! instantiation by name.

use std::collections::HashMap;

use super::externals::Extern;
use super::func::{Caller, Func, IntoFunc};
use super::instance::{Instance, instantiate};
use super::store::{AsContextMut, Store};
use super::val::Val;
use crate::engine::Engine;
use crate::error::{Error, Result, Trap};
use crate::module::Module;
use crate::module::types::FuncType;

/// Resolves imports by `(module, name)`.
pub struct Linker<T> {
    engine: Engine,
    items: HashMap<(String, String), Extern>,
    _marker: std::marker::PhantomData<fn(T)>,
}

impl<T: 'static> Linker<T> {
    pub fn new(engine: &Engine) -> Self {
        Linker { engine: engine.clone(), items: HashMap::new(), _marker: std::marker::PhantomData }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Defines (or redefines) an item.
    pub fn define(&mut self, module: &str, name: &str, item: impl Into<Extern>) -> &mut Self {
        self.items.insert((module.to_string(), name.to_string()), item.into());
        self
    }

    pub fn func_new(
        &mut self,
        store: &mut Store<T>,
        module: &str,
        name: &str,
        ty: FuncType,
        func: impl Fn(Caller<'_, T>, &[Val], &mut [Val]) -> Result<(), Trap> + Send + Sync + 'static,
    ) -> &mut Self {
        let f = Func::new(store, ty, func);
        self.define(module, name, f)
    }

    pub fn func_wrap<Params, Results>(
        &mut self,
        store: &mut Store<T>,
        module: &str,
        name: &str,
        func: impl IntoFunc<T, Params, Results>,
    ) -> &mut Self {
        let f = Func::wrap(store, func);
        self.define(module, name, f)
    }

    /// Defines every export of `instance` under the module name `module`.
    pub fn instance(&mut self, store: &Store<T>, module: &str, instance: Instance) -> &mut Self {
        for (name, item) in instance.exports(store) {
            self.define(module, &name, item);
        }
        self
    }

    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        self.items.get(&(module.to_string(), name.to_string())).copied()
    }

    /// Resolves the module's imports by name and instantiates it.
    pub fn instantiate(&self, mut store: impl AsContextMut<Data = T>, module: &Module) -> Result<Instance> {
        let store = store.as_context_mut();
        let mut imports = Vec::with_capacity(module.info().imports.len());
        for import in &module.info().imports {
            let item = self.get(&import.module, &import.name).ok_or_else(|| {
                Error::Link(format!("unknown import: `{}::{}` is not defined", import.module, import.name))
            })?;
            imports.push(item);
        }
        instantiate(store, module, &imports)
    }
}

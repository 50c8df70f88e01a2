//! Instantiation: imports checked against the module's declarations, objects
//! created, segments applied in order, the start function run.

use std::sync::Arc;

use super::externals::{Extern, Global, Memory, Table};
use super::func::{Func, invoke};
use super::memory::LinearMemory;
use super::store::{AsContext, AsContextMut, FuncKind, GlobalEntity, InstanceEntity, Store};
use super::table::TableData;
use super::vmctx::VMContext;
use crate::error::{Error, Result, Trap, TrapCode};
use crate::module::types::ExternType;
use crate::module::{ConstExpr, DataMode, ElementMode, ExportIndex, ImportType, Module};

/// An instantiated module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Instance {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Instance {
    /// Instantiates `module` with `imports` given in the module's import order.
    pub fn new<T: 'static>(
        mut store: impl AsContextMut<Data = T>,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance> {
        instantiate(store.as_context_mut(), module, imports)
    }

    pub fn get_export<T>(&self, ctx: &impl AsContext<Data = T>, name: &str) -> Option<Extern> {
        let store = ctx.as_context();
        store.inner.check(self.store).ok()?;
        let entity = &store.inner.instances[self.index as usize];
        let (_, index) = entity.module.info().exports.iter().find(|(n, _)| n == name)?;
        let id = self.store;
        Some(match *index {
            ExportIndex::Func(i) => Extern::Func(Func { store: id, index: entity.funcs[i as usize] }),
            ExportIndex::Table(i) => Extern::Table(Table { store: id, index: entity.tables[i as usize] }),
            ExportIndex::Memory(i) => Extern::Memory(Memory { store: id, index: entity.memories[i as usize] }),
            ExportIndex::Global(i) => Extern::Global(Global { store: id, index: entity.globals[i as usize] }),
        })
    }

    /// All exports, in the module's order.
    pub fn exports<T>(&self, ctx: &impl AsContext<Data = T>) -> Vec<(String, Extern)> {
        let store = ctx.as_context();
        let Ok(()) = store.inner.check(self.store) else { return Vec::new() };
        let names: Vec<String> =
            store.inner.instances[self.index as usize].module.info().exports.iter().map(|(n, _)| n.clone()).collect();
        names.into_iter().filter_map(|n| self.get_export(store, &n).map(|e| (n, e))).collect()
    }

    pub fn get_func<T>(&self, ctx: &impl AsContext<Data = T>, name: &str) -> Option<Func> {
        let store = ctx.as_context();
        self.get_export(store, name)?.into_func()
    }

    pub fn get_memory<T>(&self, ctx: &impl AsContext<Data = T>, name: &str) -> Option<Memory> {
        let store = ctx.as_context();
        self.get_export(store, name)?.into_memory()
    }

    pub fn get_global<T>(&self, ctx: &impl AsContext<Data = T>, name: &str) -> Option<Global> {
        let store = ctx.as_context();
        self.get_export(store, name)?.into_global()
    }

    pub fn get_table<T>(&self, ctx: &impl AsContext<Data = T>, name: &str) -> Option<Table> {
        let store = ctx.as_context();
        self.get_export(store, name)?.into_table()
    }

    pub fn module<'a, T: 'a>(&self, ctx: &'a impl AsContext<Data = T>) -> &'a Module {
        let store = ctx.as_context();
        &store.inner.instances[self.index as usize].module
    }
}

fn incompatible(module: &str, name: &str, expected: &ExternType, actual: &ExternType) -> Error {
    Error::Link(format!("incompatible import type for `{module}::{name}`: expected {expected:?}, found {actual:?}"))
}

fn check_import<T>(store: &Store<T>, module: &Module, i: usize, ext: &Extern) -> Result<()> {
    let import = &module.info().imports[i];
    store.inner.check(ext.store_id())?;
    let expected = module.info().import_type(&import.ty);
    let actual = ext.ty(store)?;
    let ok = match (&expected, &actual) {
        (ExternType::Func(e), ExternType::Func(a)) => e == a,
        (ExternType::Table(e), ExternType::Table(a)) => e.element == a.element && a.limits.fits(&e.limits),
        (ExternType::Memory(e), ExternType::Memory(a)) => {
            e.memory64 == a.memory64 && e.shared == a.shared && a.limits.fits(&e.limits)
        }
        (ExternType::Global(e), ExternType::Global(a)) => e == a,
        _ => false,
    };
    if ok { Ok(()) } else { Err(incompatible(&import.module, &import.name, &expected, &actual)) }
}

/// Evaluates a constant expression of the instance being built: its global
/// and function indices resolve through `entity`'s index spaces.
fn eval_in(expr: &ConstExpr, globals: &[GlobalEntity], entity: &InstanceEntity) -> u128 {
    expr.eval(|g| globals[entity.globals[g as usize] as usize].value(), |f| entity.funcs[f as usize] as u64 + 1)
}

pub(crate) fn instantiate<T: 'static>(store: &mut Store<T>, module: &Module, imports: &[Extern]) -> Result<Instance> {
    if module.engine().config() != store.engine().config() {
        return Err(Error::Usage("module and store belong to engines with different configurations".into()));
    }
    let info = module.info();
    if imports.len() != info.imports.len() {
        return Err(Error::Link(format!("module needs {} imports, {} were given", info.imports.len(), imports.len())));
    }
    for (i, ext) in imports.iter().enumerate() {
        check_import(store, module, i, ext)?;
    }
    let inner = &mut store.inner;
    inner.check_capacity(inner.instances.len(), "instances")?;
    let instance_index = inner.instances.len() as u32;
    let mut entity = InstanceEntity {
        module: module.clone(),
        funcs: Vec::with_capacity(info.funcs.len()),
        tables: Vec::with_capacity(info.tables.len()),
        memories: Vec::with_capacity(info.memories.len()),
        globals: Vec::with_capacity(info.globals.len()),
        type_ids: info.types.iter().map(|t| inner.intern_type(t)).collect(),
        elements: Vec::new(),
        data: Vec::new(),
        vmctx: VMContext::new(&[], &[], &[]),
        code: Box::new([]),
    };
    for (import, ext) in info.imports.iter().zip(imports) {
        match (&import.ty, ext) {
            (ImportType::Func(_), Extern::Func(f)) => entity.funcs.push(f.index),
            (ImportType::Table(_), Extern::Table(t)) => entity.tables.push(t.index),
            (ImportType::Memory(_), Extern::Memory(m)) => entity.memories.push(m.index),
            (ImportType::Global(_), Extern::Global(g)) => entity.globals.push(g.index),
            _ => unreachable!("import kinds were checked"),
        }
    }
    for def_index in 0..info.num_defined_funcs() {
        let ty = info.func_type(info.num_imported_funcs + def_index).clone();
        let index = inner.push_func(ty, FuncKind::Wasm { instance: instance_index, def_index });
        entity.funcs.push(index);
    }

    for (ty, init) in info.globals[info.num_imported_globals as usize..].iter().zip(&info.global_inits) {
        let value = eval_in(init, &inner.globals, &entity);
        inner.globals.push(GlobalEntity::new(*ty, value));
        entity.globals.push(inner.globals.len() as u32 - 1);
    }
    let limits = inner.engine.config().limits.clone();
    for (ty, init) in info.tables[info.num_imported_tables as usize..].iter().zip(&info.table_inits) {
        inner.check_capacity(inner.tables.len(), "tables")?;
        let value = init.as_ref().map_or(0, |e| eval_in(e, &inner.globals, &entity) as u64);
        inner.tables.push(TableData::new(*ty, value, limits.max_table_elements)?);
        entity.tables.push(inner.tables.len() as u32 - 1);
    }
    for ty in &info.memories[info.num_imported_memories as usize..] {
        inner.check_capacity(inner.memories.len(), "memories")?;
        inner.memories.push(LinearMemory::new(*ty, limits.max_memory_bytes)?);
        entity.memories.push(inner.memories.len() as u32 - 1);
    }
    entity.elements = info
        .elements
        .iter()
        .map(|seg| seg.items.iter().map(|e| eval_in(e, &inner.globals, &entity) as u64).collect())
        .collect();
    entity.data = info.data.iter().map(|d| d.bytes.clone()).collect();
    let memories: Vec<_> = entity.memories.iter().map(|m| inner.memories[*m as usize].definition_ptr()).collect();
    let globals: Vec<_> =
        entity.globals.iter().map(|g| inner.globals[*g as usize].definition.as_ptr().cast_const()).collect();
    let tables: Vec<_> = entity.tables.iter().map(|t| inner.tables[*t as usize].definition_ptr()).collect();
    entity.vmctx = VMContext::new(&memories, &globals, &tables);
    if let Some(code) = module.compiled_function_pointers() {
        entity.code = code;
        entity.vmctx.set_instance(instance_index);
        entity.vmctx.set_function_tables(inner.func_refs_view.as_ptr(), entity.type_ids.as_ptr());
        entity.vmctx.set_store(inner);
        entity.vmctx.set_stack_limit(inner.stack_limit);
        let defined = &entity.funcs[info.num_imported_funcs as usize..];
        for (code, store_index) in entity.code.iter().zip(defined) {
            let func_ref = &mut inner.func_refs[*store_index as usize];
            func_ref.code = *code;
            func_ref.vmctx = entity.vmctx.as_ptr();
        }
    }
    inner.instances.push(entity);
    let instance = Instance { store: inner.id, index: instance_index };

    // From here on, effects on imported objects persist even if a segment
    // traps, as the spec requires.
    for (i, seg) in info.elements.iter().enumerate() {
        let entity = &inner.instances[instance_index as usize];
        match &seg.mode {
            ElementMode::Active { table, offset } => {
                // An i32 offset is zero-extended; one that does not fit the
                // address space is out of bounds, like any other.
                let offset = usize::try_from(eval_in(offset, &inner.globals, entity)).unwrap_or(usize::MAX);
                let items = entity.elements[i].clone();
                let table = &mut inner.tables[entity.tables[*table as usize] as usize];
                let dst = offset
                    .checked_add(items.len())
                    .and_then(|end| table.elements.get_mut(offset..end))
                    .ok_or(Trap::new(TrapCode::TableOutOfBounds))?;
                dst.copy_from_slice(&items);
                inner.instances[instance_index as usize].elements[i] = Arc::new([]);
            }
            ElementMode::Declared => inner.instances[instance_index as usize].elements[i] = Arc::new([]),
            ElementMode::Passive => {}
        }
    }
    for (i, seg) in info.data.iter().enumerate() {
        let DataMode::Active { memory, offset } = &seg.mode else { continue };
        let entity = &inner.instances[instance_index as usize];
        let offset = usize::try_from(eval_in(offset, &inner.globals, entity)).unwrap_or(usize::MAX);
        let memory = &mut inner.memories[entity.memories[*memory as usize] as usize];
        let dst = offset
            .checked_add(seg.bytes.len())
            .and_then(|end| memory.data_mut().get_mut(offset..end))
            .ok_or(Trap::new(TrapCode::MemoryOutOfBounds))?;
        dst.copy_from_slice(&seg.bytes);
        inner.instances[instance_index as usize].data[i] = Arc::new([]);
    }
    if let Some(start) = info.start {
        let func = inner.instances[instance_index as usize].funcs[start as usize];
        invoke(store, func, &[], &mut [])?;
    }
    Ok(instance)
}

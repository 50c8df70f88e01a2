//! Handles to memories, tables and globals, and the `Extern` sum of all
//! importable/exportable things.

use super::func::Func;
use super::memory::LinearMemory;
use super::store::{AsContext, AsContextMut, GlobalEntity, Store};
use super::table::TableData;
use super::val::Val;
use crate::error::{Error, Result, Trap, TrapCode};
use crate::module::types::{ExternType, GlobalType, Limits, MemoryType, TableType};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Extern {
    Func(Func),
    Table(Table),
    Memory(Memory),
    Global(Global),
}

impl Extern {
    pub fn into_func(self) -> Option<Func> {
        if let Extern::Func(f) = self { Some(f) } else { None }
    }
    pub fn into_memory(self) -> Option<Memory> {
        if let Extern::Memory(m) = self { Some(m) } else { None }
    }
    pub fn into_table(self) -> Option<Table> {
        if let Extern::Table(t) = self { Some(t) } else { None }
    }
    pub fn into_global(self) -> Option<Global> {
        if let Extern::Global(g) = self { Some(g) } else { None }
    }

    /// The type of the object as it is now (current sizes as minimums).
    pub fn ty<T>(&self, ctx: &impl AsContext<Data = T>) -> Result<ExternType> {
        let store = ctx.as_context();
        Ok(match self {
            Extern::Func(f) => ExternType::Func(f.ty(store)?),
            Extern::Table(t) => ExternType::Table(t.ty(store)?),
            Extern::Memory(m) => ExternType::Memory(m.ty(store)?),
            Extern::Global(g) => ExternType::Global(g.ty(store)?),
        })
    }

    pub(crate) fn store_id(&self) -> u64 {
        match self {
            Extern::Func(f) => f.store,
            Extern::Table(t) => t.store,
            Extern::Memory(m) => m.store,
            Extern::Global(g) => g.store,
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}

/// A linear memory handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Memory {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Memory {
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory> {
        let store = &mut store.as_context_mut().inner;
        store.check_capacity(store.memories.len(), "memories")?;
        let limit = store.engine.config().limits.max_memory_bytes;
        store.memories.push(LinearMemory::new(ty, limit)?);
        Ok(Memory { store: store.id, index: store.memories.len() as u32 - 1 })
    }

    fn get<'a, T>(&self, store: &'a Store<T>) -> Result<&'a LinearMemory> {
        store.inner.check(self.store)?;
        Ok(&store.inner.memories[self.index as usize])
    }

    fn get_mut<'a, T>(&self, store: &'a mut Store<T>) -> Result<&'a mut LinearMemory> {
        store.inner.check(self.store)?;
        Ok(&mut store.inner.memories[self.index as usize])
    }

    pub fn ty<T>(&self, ctx: &impl AsContext<Data = T>) -> Result<MemoryType> {
        let store = ctx.as_context();
        let m = self.get(store)?;
        Ok(MemoryType { limits: Limits { min: m.pages(), max: m.ty.limits.max }, ..m.ty })
    }

    /// Size in 64 KiB pages.
    pub fn size<T>(&self, ctx: &impl AsContext<Data = T>) -> Result<u64> {
        let store = ctx.as_context();
        Ok(self.get(store)?.pages())
    }

    pub fn data_size<T>(&self, ctx: &impl AsContext<Data = T>) -> Result<usize> {
        let store = ctx.as_context();
        Ok(self.get(store)?.len())
    }

    pub fn data<'a, T: 'a>(&self, ctx: &'a impl AsContext<Data = T>) -> Result<&'a [u8]> {
        let store = ctx.as_context();
        Ok(self.get(store)?.data())
    }

    pub fn data_mut<'a, T>(&self, store: &'a mut Store<T>) -> Result<&'a mut [u8]> {
        Ok(self.get_mut(store)?.data_mut())
    }

    /// Grows by `delta` pages and returns the old size in pages.
    pub fn grow<T>(&self, mut store: impl AsContextMut<Data = T>, delta: u64) -> Result<u64> {
        let m = self.get_mut(store.as_context_mut())?;
        m.grow(delta).ok_or_else(|| Error::Limit(format!("memory of {} pages cannot grow by {delta} pages", m.pages())))
    }

    pub fn read<T>(&self, ctx: &impl AsContext<Data = T>, offset: usize, buf: &mut [u8]) -> Result<()> {
        let store = ctx.as_context();
        let data = self.data(store)?;
        let src = offset
            .checked_add(buf.len())
            .and_then(|end| data.get(offset..end))
            .ok_or(Error::Trap(Trap::new(TrapCode::MemoryOutOfBounds)))?;
        buf.copy_from_slice(src);
        Ok(())
    }

    pub fn write<T>(&self, mut store: impl AsContextMut<Data = T>, offset: usize, bytes: &[u8]) -> Result<()> {
        let data = self.data_mut(store.as_context_mut())?;
        let dst = offset
            .checked_add(bytes.len())
            .and_then(|end| data.get_mut(offset..end))
            .ok_or(Error::Trap(Trap::new(TrapCode::MemoryOutOfBounds)))?;
        dst.copy_from_slice(bytes);
        Ok(())
    }
}

/// A table handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Table {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Table {
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table> {
        let store = &mut store.as_context_mut().inner;
        store.check_capacity(store.tables.len(), "tables")?;
        init.check_type(ty.element)?;
        let raw = init.to_raw(store)?;
        let limit = store.engine.config().limits.max_table_elements;
        store.tables.push(TableData::new(ty, raw, limit)?);
        Ok(Table { store: store.id, index: store.tables.len() as u32 - 1 })
    }

    fn get_data<'a, T>(&self, store: &'a Store<T>) -> Result<&'a TableData> {
        store.inner.check(self.store)?;
        Ok(&store.inner.tables[self.index as usize])
    }

    pub fn ty<T>(&self, ctx: &impl AsContext<Data = T>) -> Result<TableType> {
        let store = ctx.as_context();
        let t = self.get_data(store)?;
        Ok(TableType { element: t.ty.element, limits: Limits { min: t.size(), max: t.ty.limits.max } })
    }

    pub fn size<T>(&self, ctx: &impl AsContext<Data = T>) -> Result<u64> {
        let store = ctx.as_context();
        Ok(self.get_data(store)?.size())
    }

    /// The element at `index`, or `None` when out of bounds.
    pub fn get<T>(&self, ctx: &impl AsContext<Data = T>, index: u64) -> Result<Option<Val>> {
        let store = ctx.as_context();
        let t = self.get_data(store)?;
        Ok(t.elements.get(index as usize).map(|raw| Val::from_raw(*raw, t.ty.element, self.store)))
    }

    pub fn set<T>(&self, mut store: impl AsContextMut<Data = T>, index: u64, val: Val) -> Result<()> {
        let store = &mut store.as_context_mut().inner;
        store.check(self.store)?;
        let raw = val.to_raw(store)?;
        let t = &mut store.tables[self.index as usize];
        val.check_type(t.ty.element)?;
        let slot = t.elements.get_mut(index as usize).ok_or(Error::Trap(Trap::new(TrapCode::TableOutOfBounds)))?;
        *slot = raw;
        Ok(())
    }

    /// Grows by `delta` elements set to `init`; returns the old size.
    pub fn grow<T>(&self, mut store: impl AsContextMut<Data = T>, delta: u64, init: Val) -> Result<u64> {
        let store = &mut store.as_context_mut().inner;
        store.check(self.store)?;
        let raw = init.to_raw(store)?;
        let t = &mut store.tables[self.index as usize];
        init.check_type(t.ty.element)?;
        t.grow(delta, raw).ok_or_else(|| Error::Limit(format!("table of {} elements cannot grow by {delta}", t.size())))
    }
}

/// A global variable handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Global {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl Global {
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, val: Val) -> Result<Global> {
        let store = &mut store.as_context_mut().inner;
        val.check_type(ty.content)?;
        let mut words = Vec::with_capacity(2);
        val.push_words(store, &mut words)?;
        let mut global = GlobalEntity::new(ty, 0);
        global.set_words(&words);
        store.globals.push(global);
        Ok(Global { store: store.id, index: store.globals.len() as u32 - 1 })
    }

    pub fn ty<T>(&self, ctx: &impl AsContext<Data = T>) -> Result<GlobalType> {
        let store = ctx.as_context();
        store.inner.check(self.store)?;
        Ok(store.inner.globals[self.index as usize].ty)
    }

    pub fn get<T>(&self, ctx: &impl AsContext<Data = T>) -> Result<Val> {
        let store = ctx.as_context();
        store.inner.check(self.store)?;
        let g = &store.inner.globals[self.index as usize];
        Ok(Val::from_words(&g.words(), g.ty.content, self.store))
    }

    /// Sets a mutable global; setting an immutable one is an error.
    pub fn set<T>(&self, mut store: impl AsContextMut<Data = T>, val: Val) -> Result<()> {
        let store = &mut store.as_context_mut().inner;
        store.check(self.store)?;
        let mut words = Vec::with_capacity(2);
        val.push_words(store, &mut words)?;
        let g = &mut store.globals[self.index as usize];
        if !g.ty.mutable {
            return Err(Error::Usage("cannot set an immutable global".into()));
        }
        val.check_type(g.ty.content)?;
        g.set_words(&words);
        Ok(())
    }
}

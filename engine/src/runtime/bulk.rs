//! Operators that act on whole store objects (bulk memory, tables, element
//! and data segments, `ref.func`), written once for every tier: the
//! interpreter calls them directly, compiled code through `builtins`.
//!
//! Indices are the calling instance's (module-level) indices; operands are
//! the raw 64-bit values wasm computed (32-bit ones are truncated here).

use std::sync::Arc;

use super::store::StoreInner;
use crate::error::TrapCode;

/// `start..start + len` if it lies within `size`, else the trap `code`.
pub(crate) fn checked_range(
    start: u64,
    len: u64,
    size: usize,
    code: TrapCode,
) -> Result<std::ops::Range<usize>, TrapCode> {
    match start.checked_add(len) {
        Some(end) if end <= size as u64 => Ok(start as usize..end as usize),
        _ => Err(code),
    }
}

impl StoreInner {
    fn memory_of(&self, instance: u32, memory: u32) -> usize {
        self.instances[instance as usize].memories[memory as usize] as usize
    }

    fn table_of(&self, instance: u32, table: u32) -> usize {
        self.instances[instance as usize].tables[table as usize] as usize
    }

    /// `memory.grow`: the old size in pages, or -1 (as u32) when the memory
    /// cannot grow that far.
    pub(crate) fn memory_grow(&mut self, instance: u32, memory: u32, delta: u64) -> u64 {
        let m = self.memory_of(instance, memory);
        self.memories[m].grow(delta).map_or(u32::MAX, |old| old as u32) as u64
    }

    pub(crate) fn memory_fill(
        &mut self,
        instance: u32,
        memory: u32,
        dst: u64,
        value: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let m = self.memory_of(instance, memory);
        let data = self.memories[m].data_mut();
        let r = checked_range(dst, len, data.len(), TrapCode::MemoryOutOfBounds)?;
        data[r].fill(value as u8);
        Ok(())
    }

    /// `memory.copy` from memory `src_memory` to `dst_memory`, which may be
    /// one memory (then the ranges may overlap) or two.
    pub(crate) fn memory_copy(
        &mut self,
        instance: u32,
        dst_memory: u32,
        src_memory: u32,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let (d, s) = (self.memory_of(instance, dst_memory), self.memory_of(instance, src_memory));
        if d == s {
            let data = self.memories[d].data_mut();
            let src = checked_range(src, len, data.len(), TrapCode::MemoryOutOfBounds)?;
            let dst = checked_range(dst, len, data.len(), TrapCode::MemoryOutOfBounds)?;
            data.copy_within(src, dst.start);
            return Ok(());
        }
        let [to, from] = self.memories.get_disjoint_mut([d, s]).expect("two distinct memories of the store");
        let src = checked_range(src, len, from.data().len(), TrapCode::MemoryOutOfBounds)?;
        let dst = checked_range(dst, len, to.data().len(), TrapCode::MemoryOutOfBounds)?;
        to.data_mut()[dst].copy_from_slice(&from.data()[src]);
        Ok(())
    }

    pub(crate) fn memory_init(
        &mut self,
        instance: u32,
        memory: u32,
        segment: u32,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let bytes = self.instances[instance as usize].data[segment as usize].clone();
        let m = self.memory_of(instance, memory);
        let data = self.memories[m].data_mut();
        let src = checked_range(src, len, bytes.len(), TrapCode::MemoryOutOfBounds)?;
        let dst = checked_range(dst, len, data.len(), TrapCode::MemoryOutOfBounds)?;
        data[dst].copy_from_slice(&bytes[src]);
        Ok(())
    }

    pub(crate) fn data_drop(&mut self, instance: u32, segment: u32) {
        self.instances[instance as usize].data[segment as usize] = Arc::new([]);
    }

    pub(crate) fn table_get(&self, instance: u32, table: u32, index: u64) -> Result<u64, TrapCode> {
        let t = self.table_of(instance, table);
        self.tables[t].elements.get(index as u32 as usize).copied().ok_or(TrapCode::TableOutOfBounds)
    }

    pub(crate) fn table_set(&mut self, instance: u32, table: u32, index: u64, value: u64) -> Result<(), TrapCode> {
        let t = self.table_of(instance, table);
        *self.tables[t].elements.get_mut(index as u32 as usize).ok_or(TrapCode::TableOutOfBounds)? = value;
        Ok(())
    }

    pub(crate) fn table_size(&self, instance: u32, table: u32) -> u64 {
        self.tables[self.table_of(instance, table)].size()
    }

    /// The old size, or -1 (as u32) when the table cannot grow that far.
    pub(crate) fn table_grow(&mut self, instance: u32, table: u32, init: u64, delta: u64) -> u64 {
        let t = self.table_of(instance, table);
        self.tables[t].grow(delta, init).map_or(u32::MAX, |old| old as u32) as u64
    }

    pub(crate) fn table_fill(
        &mut self,
        instance: u32,
        table: u32,
        dst: u64,
        value: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let t = self.table_of(instance, table);
        let elements = &mut self.tables[t].elements;
        let r = checked_range(dst, len, elements.len(), TrapCode::TableOutOfBounds)?;
        elements[r].fill(value);
        Ok(())
    }

    pub(crate) fn table_copy(
        &mut self,
        instance: u32,
        dst_table: u32,
        src_table: u32,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let (dt, st) = (self.table_of(instance, dst_table), self.table_of(instance, src_table));
        let src = checked_range(src, len, self.tables[st].elements.len(), TrapCode::TableOutOfBounds)?;
        let dst = checked_range(dst, len, self.tables[dt].elements.len(), TrapCode::TableOutOfBounds)?;
        if dt == st {
            self.tables[dt].elements.copy_within(src, dst.start);
        } else {
            let items: Vec<u64> = self.tables[st].elements[src].to_vec();
            self.tables[dt].elements[dst].copy_from_slice(&items);
        }
        Ok(())
    }

    pub(crate) fn table_init(
        &mut self,
        instance: u32,
        table: u32,
        segment: u32,
        dst: u64,
        src: u64,
        len: u64,
    ) -> Result<(), TrapCode> {
        let items = self.instances[instance as usize].elements[segment as usize].clone();
        let t = self.table_of(instance, table);
        let elements = &mut self.tables[t].elements;
        let src = checked_range(src, len, items.len(), TrapCode::TableOutOfBounds)?;
        let dst = checked_range(dst, len, elements.len(), TrapCode::TableOutOfBounds)?;
        elements[dst].copy_from_slice(&items[src]);
        Ok(())
    }

    pub(crate) fn elem_drop(&mut self, instance: u32, segment: u32) {
        self.instances[instance as usize].elements[segment as usize] = Arc::new([]);
    }

    /// The raw reference to the instance's function `func`.
    pub(crate) fn ref_func(&self, instance: u32, func: u32) -> u64 {
        u64::from(self.instances[instance as usize].funcs[func as usize]) + 1
    }
}

//! Tables of references. Elements are raw reference values (see `val.rs`):
//! 0 is null, otherwise a store index plus one.

use super::vmctx::{VMBox, VMTableDefinition};
use crate::error::{Error, Result};
use crate::module::types::TableType;

#[derive(Debug)]
pub struct TableData {
    pub(crate) ty: TableType,
    /// Resized only by `grow`, which keeps `definition` in step.
    pub(crate) elements: Vec<u64>,
    max: u64,
    /// Instances' vmctx slots point at it.
    definition: VMBox<VMTableDefinition>,
}

impl TableData {
    pub fn new(ty: TableType, init: u64, limit: u64) -> Result<TableData> {
        let max = ty.limits.max.unwrap_or(u32::MAX as u64).min(limit);
        if ty.limits.min > max {
            return Err(Error::Limit(format!(
                "table of {} elements exceeds the limit of {max} elements",
                ty.limits.min
            )));
        }
        let mut elements = vec![init; ty.limits.min as usize];
        let definition =
            VMBox::new(VMTableDefinition { base: elements.as_mut_ptr(), current_elements: elements.len() as u64 });
        Ok(TableData { ty, elements, max, definition })
    }

    pub(crate) fn definition_ptr(&self) -> *const VMTableDefinition {
        self.definition.as_ptr()
    }

    pub fn size(&self) -> u64 {
        self.elements.len() as u64
    }

    /// Returns the old size, or `None` when the table cannot grow that far.
    pub fn grow(&mut self, delta: u64, init: u64) -> Option<u64> {
        let old = self.size();
        let new = old.checked_add(delta)?;
        if new > self.max {
            return None;
        }
        if self.elements.try_reserve(delta as usize).is_err() {
            return None;
        }
        self.elements.resize(new as usize, init);
        let base = self.elements.as_mut_ptr();
        let definition = self.definition.get_mut();
        definition.base = base;
        definition.current_elements = new;
        Some(old)
    }
}

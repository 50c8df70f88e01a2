//! The calling program's linear memory as WASI functions see it: every
//! access is bounds-checked and a bad pointer is `EFAULT`.

use super::{WasiCtx, errno};
use crate::runtime::externals::Extern;
use crate::runtime::func::Caller;

pub(super) struct Guest<'a> {
    memory: &'a mut [u8],
}

impl<'a> Guest<'a> {
    /// The caller's exported `memory` and its WASI context, borrowed together.
    pub(super) fn of<T>(
        caller: &'a mut Caller<'_, T>,
        get: fn(&mut T) -> &mut WasiCtx,
    ) -> Result<(Guest<'a>, &'a mut WasiCtx), u16> {
        let memory = caller.get_export("memory").and_then(Extern::into_memory).ok_or(errno::FAULT)?;
        let store = &mut *caller.store;
        let bytes = store.inner.memories[memory.index as usize].data_mut();
        Ok((Guest { memory: bytes }, get(&mut store.data)))
    }

    fn range(&self, pointer: u32, len: u32) -> Result<std::ops::Range<usize>, u16> {
        let start = pointer as usize;
        let end = start.checked_add(len as usize).filter(|end| *end <= self.memory.len()).ok_or(errno::FAULT)?;
        Ok(start..end)
    }

    pub(super) fn read(&self, pointer: u32, len: u32) -> Result<&[u8], u16> {
        Ok(&self.memory[self.range(pointer, len)?])
    }

    pub(super) fn write(&mut self, pointer: u32, bytes: &[u8]) -> Result<(), u16> {
        let range = self.range(pointer, u32::try_from(bytes.len()).map_err(|_| errno::FAULT)?)?;
        self.memory[range].copy_from_slice(bytes);
        Ok(())
    }

    pub(super) fn read_u32(&self, pointer: u32) -> Result<u32, u16> {
        let bytes = self.read(pointer, 4)?;
        Ok(u32::from_le_bytes(bytes.try_into().expect("four bytes")))
    }

    pub(super) fn write_u32(&mut self, pointer: u32, value: u32) -> Result<(), u16> {
        self.write(pointer, &value.to_le_bytes())
    }

    pub(super) fn write_u64(&mut self, pointer: u32, value: u64) -> Result<(), u16> {
        self.write(pointer, &value.to_le_bytes())
    }

    /// An array of `count` (pointer, length) pairs (`iovec`/`ciovec`).
    pub(super) fn iovecs(&self, pointer: u32, count: u32) -> Result<Vec<(u32, u32)>, u16> {
        (0..count)
            .map(|i| {
                let at = pointer.checked_add(i.checked_mul(8).ok_or(errno::FAULT)?).ok_or(errno::FAULT)?;
                Ok((self.read_u32(at)?, self.read_u32(at.checked_add(4).ok_or(errno::FAULT)?)?))
            })
            .collect()
    }
}

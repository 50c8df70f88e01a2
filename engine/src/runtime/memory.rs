//! Linear memories: one virtual reservation per memory, committed as it grows.

use super::vmctx::VMBox;
use crate::error::{Error, Result};
use crate::module::types::MemoryType;

pub const WASM_PAGE_SIZE: u64 = 65536;

/// The part of a linear memory that compiled code reads: where it starts and
/// how many bytes are accessible. `#[repr(C)]` because it is part of the
/// contract between the runtime and generated code (see `vmctx.rs`).
#[repr(C)]
#[derive(Debug)]
pub struct VMMemoryDefinition {
    pub base: *mut u8,
    pub length: usize,
}

/// A linear memory backed by an anonymous mapping. The whole range a memory
/// may ever reach (plus a guard region) is reserved inaccessible up front, so
/// growing never moves it; growth makes more of it readable and writable.
#[derive(Debug)]
pub struct LinearMemory {
    /// Stable address: instances' vmctx slots point at it.
    definition: VMBox<VMMemoryDefinition>,
    reserved: usize,
    max_pages: u64,
    pub(crate) ty: MemoryType,
}

// SAFETY: the mapping is owned by this value alone, and access is mediated by
// `&`/`&mut` borrows of the value (or of the store that owns it).
unsafe impl Send for LinearMemory {}
// SAFETY: see `Send`: shared references only read through the mapping.
unsafe impl Sync for LinearMemory {}

/// Bytes reserved after the 4 GiB a 32-bit index can reach. Compiled code
/// (with guard-page bounds checks) adds an unchecked 32-bit index to the
/// base and a static offset below this, so every such access lands inside
/// the reservation: in the accessible part or in inaccessible pages that
/// fault (and trap), never in a neighbouring allocation.
pub const GUARD_BYTES: usize = 2 << 30;

/// The whole 32-bit index space, reserved for every memory whatever its
/// maximum (address space only: nothing is committed).
const INDEX_SPACE: usize = 1 << 32;

impl LinearMemory {
    /// `limit_bytes` is the engine's cap on any memory's size.
    pub fn new(ty: MemoryType, limit_bytes: u64) -> Result<LinearMemory> {
        if ty.memory64 || ty.shared {
            return Err(Error::Unsupported("64-bit and shared memories".into()));
        }
        let limit_pages = limit_bytes / WASM_PAGE_SIZE;
        let spec_max = 65536u64;
        let max_pages = ty.limits.max.unwrap_or(spec_max).min(spec_max).min(limit_pages);
        if ty.limits.min > max_pages {
            return Err(Error::Limit(format!(
                "memory of {} pages exceeds the limit of {max_pages} pages",
                ty.limits.min
            )));
        }
        let reserved = INDEX_SPACE.max((max_pages * WASM_PAGE_SIZE) as usize) + GUARD_BYTES;
        // SAFETY: an anonymous private mapping at an address the kernel picks;
        // no existing memory is affected. PROT_NONE + NORESERVE commits nothing.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                reserved,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(Error::Limit(format!("could not reserve {reserved} bytes of address space for a memory")));
        }
        let mut memory = LinearMemory {
            definition: VMBox::new(VMMemoryDefinition { base: base.cast(), length: 0 }),
            reserved,
            max_pages,
            ty,
        };
        if memory.grow(ty.limits.min).is_none() {
            return Err(Error::Limit(format!("could not commit {} pages of memory", ty.limits.min)));
        }
        Ok(memory)
    }

    pub fn pages(&self) -> u64 {
        self.definition.get().length as u64 / WASM_PAGE_SIZE
    }

    pub fn len(&self) -> usize {
        self.definition.get().length
    }

    pub fn is_empty(&self) -> bool {
        self.definition.get().length == 0
    }

    pub fn base(&self) -> *mut u8 {
        self.definition.get().base
    }

    pub fn max_pages(&self) -> u64 {
        self.max_pages
    }

    /// Grows by `delta` pages; returns the old size in pages, or `None` if
    /// the memory would exceed its maximum or the engine's limit.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        if new > self.max_pages {
            return None;
        }
        if delta == 0 {
            return Some(old);
        }
        let old_bytes = self.definition.get().length;
        let new_bytes = (new * WASM_PAGE_SIZE) as usize;
        // SAFETY: [old_bytes, new_bytes) lies inside our own reservation
        // (new_bytes <= max_pages * page size < reserved).
        let rc = unsafe {
            libc::mprotect(
                self.definition.get().base.add(old_bytes).cast(),
                new_bytes - old_bytes,
                libc::PROT_READ | libc::PROT_WRITE,
            )
        };
        if rc != 0 {
            return None;
        }
        self.definition.get_mut().length = new_bytes;
        Some(old)
    }

    pub(crate) fn definition_ptr(&self) -> *const VMMemoryDefinition {
        self.definition.as_ptr()
    }

    pub fn data(&self) -> &[u8] {
        // SAFETY: [base, base + length) is mapped read/write and owned by us.
        unsafe { std::slice::from_raw_parts(self.definition.get().base, self.definition.get().length) }
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `data`, and `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.definition.get().base, self.definition.get().length) }
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly the reservation made in `new`; nothing
        // refers to it once the memory is dropped.
        unsafe {
            libc::munmap(self.definition.get().base.cast(), self.reserved);
        }
    }
}

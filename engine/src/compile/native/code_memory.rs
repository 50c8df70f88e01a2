//! Executable memory for compiled code. Pages are mapped writable, the code
//! is copied in, then the pages become read + execute: never writable and
//! executable at once (W^X).

use crate::error::{Error, Result};

/// A read + execute mapping holding machine code. Unmapped on drop, so a
/// function pointer into it must not outlive it (the compiled module owns
/// both).
#[derive(Debug)]
pub(crate) struct CodeMemory {
    base: *mut u8,
    mapped: usize,
    len: usize,
}

// SAFETY: after construction the mapping is immutable (read + execute);
// sharing its address between threads is sharing read-only bytes.
unsafe impl Send for CodeMemory {}
// SAFETY: as for `Send`.
unsafe impl Sync for CodeMemory {}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 { size as usize } else { 4096 }
}

impl CodeMemory {
    /// Bytes of code (not counting the page rounding).
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Maps `code` as executable.
    pub(crate) fn new(code: &[u8]) -> Result<CodeMemory> {
        let page = page_size();
        let mapped = code.len().max(1).div_ceil(page) * page;
        // SAFETY: an anonymous private mapping at an address of the
        // kernel's choosing touches no existing memory.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                mapped,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(Error::Limit(format!("cannot map {mapped} bytes for compiled code")));
        }
        let base = base.cast::<u8>();
        // SAFETY: `base` points at `mapped >= code.len()` writable bytes that
        // nothing else references yet.
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), base, code.len()) };
        // SAFETY: `base..base + mapped` is the mapping made above.
        let protected = unsafe { libc::mprotect(base.cast(), mapped, libc::PROT_READ | libc::PROT_EXEC) };
        let memory = CodeMemory { base, mapped, len: code.len() };
        if protected != 0 {
            return Err(Error::Limit("cannot make compiled code executable".into()));
        }
        Ok(memory)
    }

    /// The address of byte `offset` of the code.
    pub(crate) fn at(&self, offset: usize) -> *const u8 {
        assert!(offset < self.len.max(1), "offset {offset} outside {} bytes of code", self.len);
        // SAFETY: in bounds of the mapping, checked above.
        unsafe { self.base.add(offset) }
    }

    /// The code bytes (readable: the mapping is read + execute).
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> &[u8] {
        // SAFETY: `len` bytes were copied in and stay mapped and immutable
        // while `self` lives.
        unsafe { std::slice::from_raw_parts(self.base, self.len) }
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping this value owns; no function
        // pointer into it is used after its owner is dropped.
        unsafe { libc::munmap(self.base.cast(), self.mapped) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_is_executable_and_not_writable() {
        // x86-64: mov eax, 42; ret — on other hosts only the mapping is checked.
        let code = [0xb8, 42, 0, 0, 0, 0xc3];
        let memory = CodeMemory::new(&code).unwrap();
        assert_eq!(memory.bytes(), &code);
        let mut maps = String::new();
        std::io::Read::read_to_string(&mut std::fs::File::open("/proc/self/maps").unwrap(), &mut maps).unwrap();
        let start = memory.at(0) as usize;
        let line = maps
            .lines()
            .find(|l| {
                let (range, _) = l.split_once(' ').unwrap();
                let (a, b) = range.split_once('-').unwrap();
                (usize::from_str_radix(a, 16).unwrap()..usize::from_str_radix(b, 16).unwrap()).contains(&start)
            })
            .expect("the code is mapped");
        assert!(line.contains(" r-x"), "W^X: {line}");
        #[cfg(target_arch = "x86_64")]
        {
            // SAFETY: the bytes are a complete x86-64 function of this type.
            let f: extern "C" fn() -> u32 = unsafe { std::mem::transmute(memory.at(0)) };
            assert_eq!(f(), 42);
        }
    }
}

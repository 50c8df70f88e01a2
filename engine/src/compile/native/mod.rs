//! What the compiling tiers (Cranelift and baseline) share: executable
//! memory (`code_memory`), where each function's code starts (`layout`),
//! the trap machinery (`signals`: trap sites,
//! the signal handler, the host → wasm entry), the runtime functions
//! compiled code calls (`builtins`), and how traps are numbered.
//!
//! Every trap site of compiled code is a [`TrapSite`]: the engine's trap
//! code it raises, or `RaisedByBuiltin` (the site after a builtin that
//! failed, whose trap number is in the store's trap slot). Each tier maps
//! its own encoding to these (the Cranelift tier from Cranelift's trap
//! codes); nothing here depends on a compiler.

pub(crate) mod builtins;
pub(crate) mod code_memory;
pub(crate) mod layout;
pub(crate) mod signals;

use crate::error::{Error, Result, TrapCode};

/// What the instruction at a trap site raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TrapSite {
    Raise(TrapCode),
    /// The builtin just called failed: its trap number is in the store's
    /// trap slot.
    RaisedByBuiltin,
}

/// A compiled module's machine code: placed in executable memory and
/// registered with the trap handler (function ranges, trap sites).
#[derive(Debug)]
pub(crate) struct LoadedCode {
    /// Declared before `memory`: the code is unregistered before unmapping.
    registration: signals::Registration,
    memory: code_memory::CodeMemory,
    /// Where each defined function starts.
    offsets: Vec<usize>,
}

impl LoadedCode {
    /// Places `code`, whose defined functions start at `offsets` and span
    /// `functions` (start, end), with trap sites `traps` (in any order).
    pub(crate) fn new(
        code: &[u8],
        offsets: Vec<usize>,
        functions: Vec<(u32, u32)>,
        mut traps: Vec<(u32, TrapSite)>,
    ) -> Result<LoadedCode> {
        if code.len() > u32::MAX as usize {
            return Err(Error::Limit("a module's compiled code exceeds 4 GiB".into()));
        }
        traps.sort_by_key(|(offset, _)| *offset);
        let memory = code_memory::CodeMemory::new(code)?;
        let start = memory.at(0) as usize;
        let registration = signals::register(signals::CodeInfo { start, end: start + code.len(), functions, traps });
        Ok(LoadedCode { registration, memory, offsets })
    }

    /// Bytes of machine code.
    pub(crate) fn len(&self) -> usize {
        self.memory.len()
    }

    /// The address of byte `offset` of the code.
    pub(crate) fn at(&self, offset: usize) -> *const u8 {
        self.memory.at(offset)
    }

    pub(crate) fn function_pointers(&self) -> Box<[*const u8]> {
        self.offsets.iter().map(|o| self.memory.at(*o)).collect()
    }

    /// The defined function whose code holds `pc`.
    pub(crate) fn function_at(&self, pc: usize) -> Option<u32> {
        self.registration.info().function_at(pc).map(|i| i as u32)
    }
}

/// The number a trap is stored as in the trap slot (never 0).
pub(crate) fn trap_number(code: TrapCode) -> u32 {
    TrapCode::ALL.iter().position(|c| *c == code).expect("every trap code is listed") as u32 + 1
}

pub(crate) fn trap_from_number(n: u32) -> Option<TrapCode> {
    n.checked_sub(1).and_then(|i| TrapCode::ALL.get(i as usize).copied())
}

/// The trap a fault at `site` means; `raised` is the trap slot's content
/// (for [`TrapSite::RaisedByBuiltin`]).
pub(crate) fn trap_code_of(site: TrapSite, raised: u32) -> TrapCode {
    match site {
        TrapSite::Raise(code) => code,
        TrapSite::RaisedByBuiltin => trap_from_number(raised).unwrap_or(TrapCode::HostError),
    }
}

/// Calls compiled function `callee` (of type `ty`) through `trampoline`
/// with `vmctx`; `values` holds the arguments and receives the results
/// (32-bit ones zero-extended). Returns the trap, if one happened, with the
/// program counters of the wasm frames it unwound (innermost first).
///
/// # Safety
/// `trampoline` must be registered code calling `callee` with (vmctx,
/// values) as its tier's convention wants; `callee` a function of type
/// `ty`; `vmctx` a live instance vmctx of its module, with its stack limit
/// set for this thread; `trap` the store's trap slot; `values` must hold
/// the type's call words (`FuncType::call_words`).
pub(crate) unsafe fn call(
    trampoline: *const u8,
    callee: *const u8,
    ty: &crate::module::types::FuncType,
    vmctx: *const u8,
    trap: *mut u32,
    values: &mut [u64],
) -> Result<(), (TrapCode, Vec<usize>)> {
    // SAFETY: `trap` is the live trap slot (caller's contract).
    unsafe { *trap = 0 };
    // SAFETY: the caller's contract.
    let outcome = unsafe { signals::call(trampoline, callee, vmctx, values.as_mut_ptr()) };
    // SAFETY: as above. The slot (where a failing builtin put its trap's
    // number) is cleared again: a host function that called this and
    // caught the trap must not leave it set for the code it returns to.
    let raised = unsafe { std::mem::replace(&mut *trap, 0) };
    // Compiled code leaves the upper half of a 32-bit result undefined;
    // the rest of the engine keeps 32-bit values zero-extended.
    for (t, word) in ty.results().iter().zip(crate::module::types::word_offsets(ty.results())) {
        if matches!(t, crate::ValType::I32 | crate::ValType::F32) {
            values[word] &= 0xffff_ffff;
        }
    }
    outcome.map_err(|trapped| (trap_code_of(trapped.site, raised), trapped.pcs))
}

/// Bytes of stack kept free below the limit for the host's own needs
/// (trampolines, a host call's frames).
const STACK_RESERVE: usize = 256 << 10;

/// The lowest address this thread's wasm may push to.
pub(crate) fn stack_limit() -> usize {
    // A real stack slot (a `&0u8` literal would be promoted to a static).
    let marker = 0u8;
    let here = std::hint::black_box(&marker) as *const u8 as usize;
    #[cfg(target_os = "linux")]
    {
        // SAFETY: attr is initialized by pthread_getattr_np before use and
        // destroyed after; the out-pointers point at live locals.
        unsafe {
            let mut attr: libc::pthread_attr_t = std::mem::zeroed();
            if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) == 0 {
                let mut addr: *mut libc::c_void = std::ptr::null_mut();
                let mut size: libc::size_t = 0;
                let ok = libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0;
                libc::pthread_attr_destroy(&mut attr);
                if ok && (addr as usize) < here {
                    return addr as usize + STACK_RESERVE;
                }
            }
        }
    }
    // Elsewhere: assume the platform's smallest common thread stack.
    here.saturating_sub(512 << 10)
}

/// The stack limit compiled code must respect on the current thread.
pub(crate) fn current_stack_limit() -> usize {
    thread_local! {
        // Reading the thread's stack bounds can mean parsing /proc (main
        // thread): do it once per thread, not on every call into wasm.
        static LIMIT: usize = stack_limit();
    }
    LIMIT.with(|limit| *limit)
}

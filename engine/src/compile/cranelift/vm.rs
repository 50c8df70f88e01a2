//! What compiled code reaches through its vmctx argument: the instance's
//! `VMContext` (layout in `runtime/vmctx.rs`, offsets from `VMOffsets`).

use cranelift_codegen::ir::{self, Type, types};

use crate::error::TrapCode;
use crate::module::ModuleInfo;
pub(crate) use crate::runtime::vmctx::VMOffsets;

/// Pointers are 64 bits: the tier targets 64-bit hosts.
pub(crate) const POINTER: Type = types::I64;

const _: () = assert!(std::mem::size_of::<usize>() == 8, "the cranelift tier needs a 64-bit host");

/// The vmctx layout of instances of a module.
pub(crate) fn offsets_of(info: &ModuleInfo) -> VMOffsets {
    VMOffsets {
        num_memories: info.memories.len() as u32,
        num_globals: info.globals.len() as u32,
        num_tables: info.tables.len() as u32,
    }
}

/// The number compiled code stores for a trap (never 0).
pub(crate) fn trap_number(code: TrapCode) -> u32 {
    TrapCode::ALL.iter().position(|c| *c == code).expect("every trap code is listed") as u32 + 1
}

pub(crate) fn trap_from_number(n: u32) -> Option<TrapCode> {
    n.checked_sub(1).and_then(|i| TrapCode::ALL.get(i as usize).copied())
}

/// The Cranelift trap code of a trap site raising `code`.
pub(crate) fn clif_trap(code: TrapCode) -> ir::TrapCode {
    ir::TrapCode::unwrap_user(trap_number(code) as u8)
}

/// The trap site after a builtin that failed: the trap's number is in the
/// store's trap slot.
pub(crate) const RAISED_BY_BUILTIN: ir::TrapCode = ir::TrapCode::unwrap_user(250);

/// The trap a fault at a site of Cranelift code `code` means; `raised` is
/// the trap slot's content (for `RAISED_BY_BUILTIN`).
pub(crate) fn trap_code_of(code: ir::TrapCode, raised: u32) -> TrapCode {
    match code {
        ir::TrapCode::HEAP_OUT_OF_BOUNDS => TrapCode::MemoryOutOfBounds,
        ir::TrapCode::STACK_OVERFLOW => TrapCode::StackOverflow,
        ir::TrapCode::INTEGER_OVERFLOW => TrapCode::IntegerOverflow,
        ir::TrapCode::INTEGER_DIVISION_BY_ZERO => TrapCode::IntegerDivisionByZero,
        ir::TrapCode::BAD_CONVERSION_TO_INTEGER => TrapCode::BadConversionToInteger,
        RAISED_BY_BUILTIN => trap_from_number(raised).unwrap_or(TrapCode::HostError),
        user => trap_from_number(u32::from(user.as_raw().get())).unwrap_or(TrapCode::HostError),
    }
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

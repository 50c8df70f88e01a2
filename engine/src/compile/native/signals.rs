//! How a trap in compiled code gets back to the host: every trap is a
//! hardware fault. Trap points compile to `ud2` (Cranelift's `trap`,
//! `trapnz`), out-of-bounds loads and stores fault in a memory's guard
//! region, and a builtin that fails (a host error, a trap in a nested call)
//! has its caller execute a `ud2` too. One process-wide handler for SIGILL,
//! SIGSEGV, SIGBUS and SIGFPE recognises faults at trap sites of registered
//! compiled code, records the trap and the wasm frames (a frame-pointer
//! walk), and resumes the thread at the host → wasm entry it came through,
//! as if that call had returned 1. Any other fault is passed on to the
//! handler that was installed before ours.
//!
//! The entry (`enter`, a naked function) saves the callee-saved registers
//! and the stack pointer in the thread's current `Activation` before it
//! calls the trampoline; the handler rewrites the interrupted context so
//! that returning from the signal lands in `resume`, which restores them.
//! Only the trampoline and wasm frames lie between the two, none of them
//! with anything to drop: a host function called from wasm that itself
//! calls wasm goes through `enter` again, so Rust frames are never skipped.
//!
//! Thread safety: activations are per thread (a thread-local chain), the
//! code registry is a read-mostly lock, and every thread entering wasm has
//! an alternate signal stack (so a fault on an exhausted stack can still be
//! handled).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::{Arc, Once, RwLock};

use super::TrapSite;
use crate::error::TrapCode;

/// Callee-saved registers and where to return, as `enter` saves them.
#[repr(C)]
#[derive(Default)]
struct JumpBuffer {
    rbx: usize,
    rbp: usize,
    r12: usize,
    r13: usize,
    r14: usize,
    r15: usize,
    rsp: usize,
    rip: usize,
}

/// Wasm frames kept per trap: the innermost ones (the outer ones rarely
/// tell more, and the handler must not allocate).
pub(crate) const MAX_FRAMES: usize = 64;

/// One host → wasm entry on this thread.
#[repr(C)]
struct Activation {
    buffer: JumpBuffer,
    previous: *mut Activation,
    /// The trap's code (raw Cranelift trap byte), set by the handler.
    trap: Option<TrapSite>,
    /// Program counters of the wasm frames, innermost first.
    pcs: [usize; MAX_FRAMES],
    frames: usize,
}

thread_local! {
    static ACTIVE: Cell<*mut Activation> = const { Cell::new(std::ptr::null_mut()) };
    static ALTERNATE_STACK: Cell<bool> = const { Cell::new(false) };
}

/// A trap raised by compiled code: its site and the program counters of
/// the wasm frames it interrupted, innermost first.
pub(crate) struct Trapped {
    pub(crate) site: TrapSite,
    pub(crate) pcs: Vec<usize>,
}

/// Calls `trampoline(callee, vmctx, values)`, returning the trap it raised.
///
/// # Safety
/// `trampoline` must be a host → wasm trampoline of registered code, and
/// `callee`, `vmctx`, `values` what it expects.
pub(crate) unsafe fn call(
    trampoline: *const u8,
    callee: *const u8,
    vmctx: *const u8,
    values: *mut u64,
) -> Result<(), Trapped> {
    install_handlers();
    ensure_alternate_stack();
    let mut activation = Activation {
        buffer: JumpBuffer::default(),
        previous: ACTIVE.get(),
        trap: None,
        pcs: [0; MAX_FRAMES],
        frames: 0,
    };
    ACTIVE.set(&mut activation);
    // SAFETY: `enter` saves the registers in the activation (alive until
    // this returns) and calls the trampoline with the caller's arguments; a
    // trap comes back here through `resume` with the same registers.
    let trapped = unsafe { enter(&mut activation.buffer, trampoline, callee, vmctx, values) };
    ACTIVE.set(activation.previous);
    if trapped == 0 {
        return Ok(());
    }
    let site = activation.trap.expect("the handler set the trap");
    Err(Trapped { site, pcs: activation.pcs[..activation.frames].to_vec() })
}

/// Saves the callee-saved registers, the stack pointer and the return
/// address in `buffer`, then calls `trampoline(callee, vmctx, values)` and
/// returns 0; `resume(buffer)` makes it return 1 instead.
#[unsafe(naked)]
unsafe extern "C" fn enter(
    buffer: *mut JumpBuffer,
    trampoline: *const u8,
    callee: *const u8,
    vmctx: *const u8,
    values: *mut u64,
) -> u32 {
    std::arch::naked_asm!(
        "mov [rdi], rbx",
        "mov [rdi + 8], rbp",
        "mov [rdi + 16], r12",
        "mov [rdi + 24], r13",
        "mov [rdi + 32], r14",
        "mov [rdi + 40], r15",
        // The stack pointer as our caller will see it after we return, and
        // the address we return to.
        "lea rax, [rsp + 8]",
        "mov [rdi + 48], rax",
        "mov rax, [rsp]",
        "mov [rdi + 56], rax",
        // Realign to 16 bytes for the call (the return address made it 8).
        "sub rsp, 8",
        "mov rax, rsi",
        "mov rdi, rdx",
        "mov rsi, rcx",
        "mov rdx, r8",
        "call rax",
        "add rsp, 8",
        "xor eax, eax",
        "ret",
    )
}

/// Returns 1 from the `enter` that filled `buffer` (in rdi).
#[unsafe(naked)]
unsafe extern "C" fn resume(buffer: *const JumpBuffer) -> ! {
    std::arch::naked_asm!(
        "mov rbx, [rdi]",
        "mov rbp, [rdi + 8]",
        "mov r12, [rdi + 16]",
        "mov r13, [rdi + 24]",
        "mov r14, [rdi + 32]",
        "mov r15, [rdi + 40]",
        "mov rsp, [rdi + 48]",
        "mov rcx, [rdi + 56]",
        "mov eax, 1",
        "jmp rcx",
    )
}

/// A block of compiled code: its functions' ranges and its trap sites.
pub(crate) struct CodeInfo {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// (start, end) offsets of each wasm function, in order.
    pub(crate) functions: Vec<(u32, u32)>,
    /// (offset, code) of each trap site, sorted by offset.
    pub(crate) traps: Vec<(u32, TrapSite)>,
}

impl CodeInfo {
    fn in_function(&self, pc: usize) -> bool {
        self.function_at(pc).is_some()
    }

    /// The index (among this code's functions) of the function holding `pc`.
    pub(crate) fn function_at(&self, pc: usize) -> Option<usize> {
        let offset = u32::try_from(pc.checked_sub(self.start)?).ok()?;
        let i = self.functions.partition_point(|(start, _)| *start <= offset).checked_sub(1)?;
        (offset < self.functions[i].1).then_some(i)
    }

    fn trap_at(&self, pc: usize) -> Option<TrapSite> {
        let offset = u32::try_from(pc.checked_sub(self.start)?).ok()?;
        let i = self.traps.binary_search_by_key(&offset, |(o, _)| *o).ok()?;
        Some(self.traps[i].1)
    }
}

/// Every live block of compiled code, by start address.
static REGISTRY: RwLock<BTreeMap<usize, Arc<CodeInfo>>> = RwLock::new(BTreeMap::new());

/// Makes `info`'s traps recognisable until the returned guard is dropped.
pub(crate) fn register(info: CodeInfo) -> Registration {
    let info = Arc::new(info);
    REGISTRY.write().unwrap_or_else(|e| e.into_inner()).insert(info.start, info.clone());
    Registration { info }
}

/// Unregisters its code when dropped (before the code is unmapped).
pub(crate) struct Registration {
    info: Arc<CodeInfo>,
}

impl Registration {
    pub(crate) fn info(&self) -> &CodeInfo {
        &self.info
    }
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Registration({:#x}..{:#x})", self.info.start, self.info.end)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        REGISTRY.write().unwrap_or_else(|e| e.into_inner()).remove(&self.info.start);
    }
}

fn with_code<R>(pc: usize, f: impl FnOnce(&CodeInfo) -> Option<R>) -> Option<R> {
    let registry = REGISTRY.read().unwrap_or_else(|e| e.into_inner());
    let (_, info) = registry.range(..=pc).next_back()?;
    if pc >= info.end {
        return None;
    }
    f(info)
}

/// The handlers that were installed before ours, per signal.
static PREVIOUS: std::sync::OnceLock<[libc::sigaction; 4]> = std::sync::OnceLock::new();
const SIGNALS: [libc::c_int; 4] = [libc::SIGILL, libc::SIGSEGV, libc::SIGBUS, libc::SIGFPE];

fn install_handlers() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // SAFETY: an all-zero sigaction is a valid value (no handler, empty
        // mask), overwritten by sigaction below.
        let mut previous: [libc::sigaction; 4] = unsafe { std::mem::zeroed() };
        for (signal, previous) in SIGNALS.into_iter().zip(&mut previous) {
            // SAFETY: as above for `action`, which we fill in; sigaction
            // reads it and writes the handler it replaces into `previous`.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handle as *const () as usize;
                // Run on the alternate stack (a fault may come from an
                // exhausted one); let the same signal nest (a fault in a
                // handler we chain to).
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
                libc::sigemptyset(&mut action.sa_mask);
                if libc::sigaction(signal, &action, previous) != 0 {
                    panic!("cannot install the wasm trap handler: {}", std::io::Error::last_os_error());
                }
            }
        }
        let _ = PREVIOUS.set(previous);
    });
}

/// Gives this thread an alternate signal stack if it has none.
fn ensure_alternate_stack() {
    if ALTERNATE_STACK.get() {
        return;
    }
    // SAFETY: querying the current alternate stack writes only `current`.
    let mut current: libc::stack_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let queried = unsafe { libc::sigaltstack(std::ptr::null(), &mut current) } == 0;
    if queried && current.ss_flags & libc::SS_DISABLE == 0 && current.ss_size >= ALTERNATE_STACK_SIZE {
        ALTERNATE_STACK.set(true);
        return;
    }
    thread_local! {
        static OWNED: std::cell::RefCell<Option<AlternateStack>> = const { std::cell::RefCell::new(None) };
    }
    if let Some(stack) = AlternateStack::new() {
        OWNED.with(|owned| *owned.borrow_mut() = Some(stack));
        ALTERNATE_STACK.set(true);
    }
}

const ALTERNATE_STACK_SIZE: usize = 64 << 10;

/// A mapping (with a guard page below it) installed as this thread's
/// alternate signal stack; uninstalled and unmapped when the thread ends.
struct AlternateStack {
    mapping: *mut libc::c_void,
    len: usize,
}

impl AlternateStack {
    fn new() -> Option<AlternateStack> {
        let page = 4096;
        let len = ALTERNATE_STACK_SIZE + page;
        // SAFETY: a fresh anonymous mapping affects no existing memory.
        let mapping = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if mapping == libc::MAP_FAILED {
            return None;
        }
        // SAFETY: the lowest page of the mapping just made becomes the guard.
        unsafe { libc::mprotect(mapping, page, libc::PROT_NONE) };
        let stack = libc::stack_t {
            // SAFETY: `page` bytes into the mapping, still inside it.
            ss_sp: unsafe { mapping.cast::<u8>().add(page) }.cast(),
            ss_flags: 0,
            ss_size: ALTERNATE_STACK_SIZE,
        };
        // SAFETY: the stack is mapped and stays so while installed (Drop).
        if unsafe { libc::sigaltstack(&stack, std::ptr::null_mut()) } != 0 {
            // SAFETY: the mapping made above, not installed.
            unsafe { libc::munmap(mapping, len) };
            return None;
        }
        Some(AlternateStack { mapping, len })
    }
}

impl Drop for AlternateStack {
    fn drop(&mut self) {
        let disable = libc::stack_t { ss_sp: std::ptr::null_mut(), ss_flags: libc::SS_DISABLE, ss_size: 0 };
        // SAFETY: uninstalls the stack before unmapping it; no handler runs
        // on it now (we are in a thread-local destructor, not a handler).
        unsafe {
            libc::sigaltstack(&disable, std::ptr::null_mut());
            libc::munmap(self.mapping, self.len);
        }
    }
}

/// The signal handler: a fault at a trap site of registered code (or a
/// stack overflow inside wasm) resumes at the entry; anything else goes to
/// the previous handler.
extern "C" fn handle(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid ucontext for SA_SIGINFO handlers.
    let context = unsafe { &mut *context.cast::<libc::ucontext_t>() };
    if let Some(resume_at) = trap_for(signal, info, context) {
        context.uc_mcontext.gregs[libc::REG_RIP as usize] = resume as *const () as i64;
        context.uc_mcontext.gregs[libc::REG_RDI as usize] = resume_at as i64;
        return;
    }
    chain(signal, info, context);
}

/// Records the trap in the current activation and returns its jump buffer,
/// when the fault is one of compiled code's traps.
fn trap_for(signal: libc::c_int, info: *mut libc::siginfo_t, context: &libc::ucontext_t) -> Option<usize> {
    let activation = ACTIVE.try_with(Cell::get).ok()?;
    if activation.is_null() {
        return None;
    }
    let registers = &context.uc_mcontext.gregs;
    let pc = registers[libc::REG_RIP as usize] as usize;
    let code = with_code(pc, |code| match code.trap_at(pc) {
        Some(trap) => Some(trap),
        // A wasm frame larger than the stack reserve can run into the
        // thread's guard page: a fault near the stack pointer inside wasm
        // code is a stack overflow.
        None if signal == libc::SIGSEGV && code.in_function(pc) => {
            let sp = registers[libc::REG_RSP as usize] as usize;
            // SAFETY: SIGSEGV's siginfo carries the faulting address.
            let address = unsafe { (*info).si_addr() } as usize;
            (address.abs_diff(sp) < 1 << 20).then_some(TrapSite::Raise(TrapCode::StackOverflow))
        }
        None => None,
    })?;
    // SAFETY: a non-null activation is the live one of this thread, whose
    // wasm code faulted (it is not running Rust code using it).
    let activation = unsafe { &mut *activation };
    activation.trap = Some(code);
    activation.frames = 0;
    let mut pc = pc;
    let mut fp = registers[libc::REG_RBP as usize] as usize;
    // Frame pointers chain every wasm frame (preserve_frame_pointers):
    // [fp] is the caller's fp, [fp + 8] the return address into it.
    while activation.frames < MAX_FRAMES {
        activation.pcs[activation.frames] = pc;
        activation.frames += 1;
        if fp == 0 || !fp.is_multiple_of(8) {
            break;
        }
        // SAFETY: `fp` is a frame pointer of a wasm frame on this stack
        // (checked below for each next one: only code that set it up, a
        // registered function, is followed).
        let (next_fp, return_address) = unsafe { (*(fp as *const usize), *((fp + 8) as *const usize)) };
        // The call instruction, so the frame is attributed to its function
        // even when the call is the function's last instruction.
        let Some(call_site) = return_address.checked_sub(1) else { break };
        if with_code(call_site, |code| code.in_function(call_site).then_some(())).is_none() {
            break;
        }
        pc = call_site;
        fp = next_fp;
    }
    Some(&raw const activation.buffer as usize)
}

/// Hands a fault that is not ours to the handler installed before.
fn chain(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::ucontext_t) {
    let Some(i) = SIGNALS.iter().position(|s| *s == signal) else { return };
    // SAFETY: an all-zero sigaction is SIG_DFL with an empty mask.
    let default: libc::sigaction = unsafe { std::mem::zeroed() };
    // Not yet recorded (a fault while the handlers are being installed):
    // the default action.
    let previous = PREVIOUS.get().map_or(&default, |all| &all[i]);
    match previous.sa_sigaction {
        libc::SIG_DFL | libc::SIG_IGN => {
            // Restore it and return: the fault happens again and gets the
            // default action (a crash report), as if we were not here.
            // SAFETY: reinstalls the saved action for this signal.
            unsafe { libc::sigaction(signal, previous, std::ptr::null_mut()) };
        }
        handler if previous.sa_flags & libc::SA_SIGINFO != 0 => {
            // SAFETY: an SA_SIGINFO handler takes these three arguments.
            let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                unsafe { std::mem::transmute(handler) };
            handler(signal, info, context.cast());
        }
        handler => {
            // SAFETY: a plain handler takes the signal number.
            let handler: extern "C" fn(libc::c_int) = unsafe { std::mem::transmute(handler) };
            handler(signal);
        }
    }
}

//! Operators carried out by the runtime's builtins (bulk memory, tables,
//! references): arguments from their slots into the C argument registers
//! after (store, instance), the result from rax, a fallible builtin's trap
//! number checked. The call sequence follows each builtin's declaration
//! (`compile::native::builtins`), shared with the Cranelift tier.

use dynasmrt::{DynasmApi, dynasm};
use wasmparser::Operator;

use super::Translator;
use crate::compile::native::builtins::{AbiType, Builtin};
use crate::error::Result;

/// A builtin's argument after (store, instance).
#[derive(Clone, Copy)]
enum Arg {
    Imm(u32),
    /// A 32-bit value in a slot (offset from rsp).
    Slot32(i32),
    /// A 64-bit value (a reference) in a slot.
    Slot64(i32),
    /// The address of a slot (where the builtin writes a result).
    Address(i32),
}

/// The System V registers after (store, instance) take five arguments:
/// four in registers, one on the stack.
const _: () = assert!(Builtin::MAX_PARAMS <= 5);

impl Arg {
    /// Whether this argument passes a parameter of type `t`.
    fn fits(self, t: AbiType) -> bool {
        matches!(
            (self, t),
            (Arg::Imm(_) | Arg::Slot32(_), AbiType::I32)
                | (Arg::Slot64(_), AbiType::I64)
                | (Arg::Address(_), AbiType::Ptr)
        )
    }
}

impl Translator<'_> {
    /// Operators implemented by builtins; `Ok(false)` when `op` is not one.
    pub(super) fn runtime_operator(&mut self, op: &Operator<'_>) -> Result<bool> {
        use Operator as O;
        match *op {
            O::RefNull { .. } => {
                let to = self.push();
                dynasm!(self.ops ; .arch x64 ; mov QWORD [rsp + to], 0);
            }
            O::RefIsNull => {
                let at = self.slot(self.depth - 1);
                dynasm!(self.ops ; .arch x64 ; cmp QWORD [rsp + at], 0 ; sete al ; movzx eax, al ; mov [rsp + at], rax);
            }
            O::RefFunc { function_index } => {
                self.call_builtin(Builtin::RefFunc, &[Arg::Imm(function_index)]);
                let to = self.push();
                dynasm!(self.ops ; .arch x64 ; mov [rsp + to], rax);
            }
            O::MemoryGrow { mem } => {
                let delta = self.slot(self.depth - 1);
                self.call_builtin(Builtin::MemoryGrow, &[Arg::Imm(mem), Arg::Slot32(delta)]);
                dynasm!(self.ops ; .arch x64 ; mov [rsp + delta], eax);
            }
            O::MemoryFill { mem } => {
                let (dst, value, len) = self.pop3();
                let args = [Arg::Imm(mem), Arg::Slot32(dst), Arg::Slot32(value), Arg::Slot32(len)];
                self.call_builtin(Builtin::MemoryFill, &args);
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                let (dst, src, len) = self.pop3();
                let args = [Arg::Imm(dst_mem), Arg::Imm(src_mem), Arg::Slot32(dst), Arg::Slot32(src), Arg::Slot32(len)];
                self.call_builtin(Builtin::MemoryCopy, &args);
            }
            O::MemoryInit { data_index, mem } => {
                let (dst, src, len) = self.pop3();
                let args = [Arg::Imm(mem), Arg::Imm(data_index), Arg::Slot32(dst), Arg::Slot32(src), Arg::Slot32(len)];
                self.call_builtin(Builtin::MemoryInit, &args);
            }
            O::DataDrop { data_index } => self.call_builtin(Builtin::DataDrop, &[Arg::Imm(data_index)]),
            O::ElemDrop { elem_index } => self.call_builtin(Builtin::ElemDrop, &[Arg::Imm(elem_index)]),
            O::TableGet { table } => {
                // The element is written over its index's slot.
                let at = self.slot(self.depth - 1);
                let args = [Arg::Imm(table), Arg::Slot32(at), Arg::Address(at)];
                self.call_builtin(Builtin::TableGet, &args);
            }
            O::TableSet { table } => {
                let value = self.pop();
                let index = self.pop();
                let args = [Arg::Imm(table), Arg::Slot32(index), Arg::Slot64(value)];
                self.call_builtin(Builtin::TableSet, &args);
            }
            O::TableSize { table } => {
                self.call_builtin(Builtin::TableSize, &[Arg::Imm(table)]);
                let to = self.push();
                dynasm!(self.ops ; .arch x64 ; mov [rsp + to], eax);
            }
            O::TableGrow { table } => {
                let delta = self.pop();
                let init = self.slot(self.depth - 1);
                let args = [Arg::Imm(table), Arg::Slot64(init), Arg::Slot32(delta)];
                self.call_builtin(Builtin::TableGrow, &args);
                dynasm!(self.ops ; .arch x64 ; mov [rsp + init], rax);
            }
            O::TableFill { table } => {
                let (index, value, len) = self.pop3();
                let args = [Arg::Imm(table), Arg::Slot32(index), Arg::Slot64(value), Arg::Slot32(len)];
                self.call_builtin(Builtin::TableFill, &args);
            }
            O::TableCopy { dst_table, src_table } => {
                let (dst, src, len) = self.pop3();
                let args =
                    [Arg::Imm(dst_table), Arg::Imm(src_table), Arg::Slot32(dst), Arg::Slot32(src), Arg::Slot32(len)];
                self.call_builtin(Builtin::TableCopy, &args);
            }
            O::TableInit { elem_index, table } => {
                let (dst, src, len) = self.pop3();
                let args =
                    [Arg::Imm(table), Arg::Imm(elem_index), Arg::Slot32(dst), Arg::Slot32(src), Arg::Slot32(len)];
                self.call_builtin(Builtin::TableInit, &args);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Calls imported function `function` with the arguments (and for the
    /// results) at slot offset `values`, through the runtime.
    pub(super) fn call_imported(&mut self, function: u32, values: i32) {
        self.call_builtin(Builtin::CallFunction, &[Arg::Imm(function), Arg::Address(values)]);
    }

    /// Pops three slots: (deepest, middle, top).
    fn pop3(&mut self) -> (i32, i32, i32) {
        let top = self.pop();
        let middle = self.pop();
        let deepest = self.pop();
        (deepest, middle, top)
    }

    /// Calls `which(store, instance, args…)`: its result is in rax, and a
    /// fallible one's trap number has been checked. Up to five arguments:
    /// four in registers, the fifth on the stack.
    fn call_builtin(&mut self, which: Builtin, args: &[Arg]) {
        debug_assert!(
            args.len() == which.params().len() && args.iter().zip(which.params()).all(|(a, t)| a.fits(*t)),
            "{which:?} called with {} arguments of the wrong kinds",
            args.len()
        );
        // Before the arguments: they go to caller-saved registers too.
        self.spill_caller_saved_homes();
        if let Some(fifth) = args.get(4) {
            self.load_arg(4, *fifth);
        }
        for (i, arg) in args.iter().enumerate().take(4) {
            self.load_arg(i, *arg);
        }
        let (store, instance) = (self.offsets.store() as i32, self.offsets.instance() as i32);
        let address = which.address() as i64;
        dynasm!(self.ops ; .arch x64 ; mov rdi, [r15 + store] ; mov esi, [r15 + instance]);
        if args.len() > 4 {
            // The stack stays 16-byte aligned: 16 bytes for the one argument.
            dynasm!(self.ops
                ; .arch x64
                ; sub rsp, 16
                ; mov [rsp], rax
                ; mov r10, QWORD address
                ; call r10
                ; add rsp, 16
            );
        } else {
            dynasm!(self.ops ; .arch x64 ; mov rax, QWORD address ; call rax);
        }
        self.reload_caller_saved_homes();
        if which.fallible() {
            self.trap_if_raised();
        }
    }

    /// Argument `i` (after store and instance) into its register: rdx, rcx,
    /// r8, r9; the fifth into rax (pushed by `builtin`).
    fn load_arg(&mut self, i: usize, arg: Arg) {
        macro_rules! load {
            ($reg32:tt, $reg64:tt) => {
                match arg {
                    Arg::Imm(value) => dynasm!(self.ops ; .arch x64 ; mov $reg32, value as i32),
                    Arg::Slot32(at) => dynasm!(self.ops ; .arch x64 ; mov $reg32, [rsp + at]),
                    Arg::Slot64(at) => dynasm!(self.ops ; .arch x64 ; mov $reg64, [rsp + at]),
                    Arg::Address(at) => dynasm!(self.ops ; .arch x64 ; lea $reg64, [rsp + at]),
                }
            };
        }
        match i {
            0 => load!(edx, rdx),
            1 => load!(ecx, rcx),
            2 => load!(r8d, r8),
            3 => load!(r9d, r9),
            _ => load!(eax, rax),
        }
    }
}

//! Operators carried out by the runtime's builtins (bulk memory, tables,
//! references): arguments from their slots into the C argument registers
//! after (store, instance), the result from rax. The builtins are the
//! Cranelift tier's (`compile::native::builtins`).

use dynasmrt::{DynasmApi, dynasm};
use wasmparser::Operator;

use super::Translator;
use crate::compile::native::builtins;
use crate::error::{Error, Result};

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
                self.builtin(builtins::ref_func as *const (), &[Arg::Imm(function_index)]);
                let to = self.push();
                dynasm!(self.ops ; .arch x64 ; mov [rsp + to], rax);
            }
            O::MemoryGrow { mem } => {
                let delta = self.slot(self.depth - 1);
                self.builtin(builtins::memory_grow as *const (), &[Arg::Imm(mem), Arg::Slot32(delta)]);
                dynasm!(self.ops ; .arch x64 ; mov [rsp + delta], eax);
            }
            O::MemoryFill { mem } => {
                let (dst, value, len) = self.pop3();
                let args = [Arg::Imm(mem), Arg::Slot32(dst), Arg::Slot32(value), Arg::Slot32(len)];
                self.fallible(builtins::memory_fill as *const (), &args);
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                if dst_mem != src_mem {
                    return Err(Error::Unsupported("the baseline tier copies within one memory only".into()));
                }
                let (dst, src, len) = self.pop3();
                let args = [Arg::Imm(dst_mem), Arg::Slot32(dst), Arg::Slot32(src), Arg::Slot32(len)];
                self.fallible(builtins::memory_copy as *const (), &args);
            }
            O::MemoryInit { data_index, mem } => {
                let (dst, src, len) = self.pop3();
                let args = [Arg::Imm(mem), Arg::Imm(data_index), Arg::Slot32(dst), Arg::Slot32(src), Arg::Slot32(len)];
                self.fallible(builtins::memory_init as *const (), &args);
            }
            O::DataDrop { data_index } => self.builtin(builtins::data_drop as *const (), &[Arg::Imm(data_index)]),
            O::ElemDrop { elem_index } => self.builtin(builtins::elem_drop as *const (), &[Arg::Imm(elem_index)]),
            O::TableGet { table } => {
                // The element is written over its index's slot.
                let at = self.slot(self.depth - 1);
                let args = [Arg::Imm(table), Arg::Slot32(at), Arg::Address(at)];
                self.fallible(builtins::table_get as *const (), &args);
            }
            O::TableSet { table } => {
                let value = self.pop();
                let index = self.pop();
                let args = [Arg::Imm(table), Arg::Slot32(index), Arg::Slot64(value)];
                self.fallible(builtins::table_set as *const (), &args);
            }
            O::TableSize { table } => {
                self.builtin(builtins::table_size as *const (), &[Arg::Imm(table)]);
                let to = self.push();
                dynasm!(self.ops ; .arch x64 ; mov [rsp + to], eax);
            }
            O::TableGrow { table } => {
                let delta = self.pop();
                let init = self.slot(self.depth - 1);
                let args = [Arg::Imm(table), Arg::Slot64(init), Arg::Slot32(delta)];
                self.builtin(builtins::table_grow as *const (), &args);
                dynasm!(self.ops ; .arch x64 ; mov [rsp + init], rax);
            }
            O::TableFill { table } => {
                let (index, value, len) = self.pop3();
                let args = [Arg::Imm(table), Arg::Slot32(index), Arg::Slot64(value), Arg::Slot32(len)];
                self.fallible(builtins::table_fill as *const (), &args);
            }
            O::TableCopy { dst_table, src_table } => {
                let (dst, src, len) = self.pop3();
                let args =
                    [Arg::Imm(dst_table), Arg::Imm(src_table), Arg::Slot32(dst), Arg::Slot32(src), Arg::Slot32(len)];
                self.fallible(builtins::table_copy as *const (), &args);
            }
            O::TableInit { elem_index, table } => {
                let (dst, src, len) = self.pop3();
                let args =
                    [Arg::Imm(table), Arg::Imm(elem_index), Arg::Slot32(dst), Arg::Slot32(src), Arg::Slot32(len)];
                self.fallible(builtins::table_init as *const (), &args);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Calls imported function `function` with the arguments (and for the
    /// results) at slot offset `values`, through the runtime.
    pub(super) fn call_imported(&mut self, function: u32, values: i32) {
        self.fallible(builtins::call_function as *const (), &[Arg::Imm(function), Arg::Address(values)]);
    }

    /// Pops three slots: (deepest, middle, top).
    fn pop3(&mut self) -> (i32, i32, i32) {
        let top = self.pop();
        let middle = self.pop();
        let deepest = self.pop();
        (deepest, middle, top)
    }

    /// A builtin that answers 0 or a trap number.
    fn fallible(&mut self, function: *const (), args: &[Arg]) {
        self.builtin(function, args);
        self.trap_if_raised();
    }

    /// Calls `function(store, instance, args…)`; its result is in rax. At
    /// most five arguments: four in registers, the fifth on the stack.
    fn builtin(&mut self, function: *const (), args: &[Arg]) {
        debug_assert!(args.len() <= 5);
        // Before the arguments: they go to caller-saved registers too.
        self.spill_caller_saved_homes();
        if let Some(fifth) = args.get(4) {
            self.load_arg(4, *fifth);
        }
        for (i, arg) in args.iter().enumerate().take(4) {
            self.load_arg(i, *arg);
        }
        let (store, instance) = (self.offsets.store() as i32, self.offsets.instance() as i32);
        let address = function as i64;
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

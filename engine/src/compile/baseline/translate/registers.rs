//! Values in registers: the operators that dominate straight-line code
//! (locals, constants, integer and float arithmetic and comparisons, loads
//! and stores, and every SIMD operator, `simd.rs`) work on a value stack
//! whose entries may be still in a local (wherever it lives, `locals.rs`),
//! a constant, or in a register (a general-purpose one, or an xmm one for
//! floats and v128s — a v128 is two entries, one per word, the register on
//! the lower), instead of going through their slots. Every other operator first flushes the stack (every entry
//! to its slot), so at control flow, calls and labels the operand stack is
//! in its canonical state.
//!
//! Integer-typed entries are never in xmm registers (a float's bits
//! reinterpreted as an integer move to a general-purpose register);
//! float-typed ones may be in either.

use dynasmrt::{DynasmApi, dynasm};
use wasmparser::{MemArg, Operator};

use super::condition::Cc;
use super::float::Cmp;
use super::locals::Home;
use super::{Load, Translator};
use crate::compile::native::TrapSite;
use crate::error::{Result, TrapCode};
use crate::module::types::ValType;
use crate::runtime::vmctx::VMGlobalDefinition;

/// Where an operand-stack entry's value is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Value {
    /// In its own slot (the canonical place).
    Slot,
    /// In a general-purpose register of the pool.
    Reg(u8),
    /// In an xmm register of the pool.
    Xmm(u8),
    /// Still in local `n` (which is not written while this entry lives).
    Local(u32),
    /// A constant (an i32 or f32 sign-extended from its 32 bits).
    Const(i64),
    /// An i32 comparison's result in the flags (only ever on top of the
    /// stack, `condition.rs`).
    Flags(Cc),
    /// A v128 in an xmm register of the pool; the entry above is its
    /// `Upper` (a v128 takes two words, `simd.rs`).
    V128(u8),
    /// The upper word of the v128 below.
    Upper,
}

impl Value {
    /// The pool register the entry holds: (whether it is an xmm one, which).
    fn register(self) -> Option<(bool, u8)> {
        match self {
            Value::Reg(r) => Some((false, r)),
            Value::Xmm(x) | Value::V128(x) => Some((true, x)),
            _ => None,
        }
    }
}

/// A value as an instruction operand.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Operand {
    Reg(u8),
    Xmm(u8),
    /// At this offset from rsp.
    Mem(i32),
    Imm(i64),
}

// The pools (registers for values) are what `locals.rs` leaves: rbx, r12,
// r13, rsi, rdi, r8, r9 and xmm2–xmm15 but the locals' homes (calls and
// builtins flush the stack first). Scratch: rax, rcx, rdx, r10, r11, xmm0,
// xmm1.

#[derive(Clone, Copy)]
enum Arith {
    Add,
    Sub,
    Mul,
    And,
    Or,
    Xor,
}

#[derive(Clone, Copy)]
enum Shift {
    Shl,
    ShrS,
    ShrU,
    Rotl,
    Rotr,
}

#[derive(Clone, Copy)]
enum FloatArith {
    Add,
    Sub,
    Mul,
    Div,
}

/// `$op reg, operand` for a 32-bit (`Rd`) or 64-bit (`Rq`) register.
macro_rules! with_operand {
    ($t:expr, $op:ident, $wide:expr, $r:expr, $b:expr) => {
        match ($wide, $b) {
            (false, Operand::Reg(s)) => dynasm!($t.ops ; .arch x64 ; $op Rd($r), Rd(s)),
            (false, Operand::Mem(m)) => dynasm!($t.ops ; .arch x64 ; $op Rd($r), DWORD [rsp + m]),
            (false, Operand::Imm(v)) => dynasm!($t.ops ; .arch x64 ; $op Rd($r), v as i32),
            (true, Operand::Reg(s)) => dynasm!($t.ops ; .arch x64 ; $op Rq($r), Rq(s)),
            (true, Operand::Mem(m)) => dynasm!($t.ops ; .arch x64 ; $op Rq($r), QWORD [rsp + m]),
            (true, Operand::Imm(v)) => {
                if let Ok(small) = i32::try_from(v) {
                    dynasm!($t.ops ; .arch x64 ; $op Rq($r), small)
                } else {
                    dynasm!($t.ops ; .arch x64 ; mov r10, QWORD v ; $op Rq($r), r10)
                }
            }
            // Not produced for integer operands (see the module docs); kept
            // correct all the same.
            (false, Operand::Xmm(x)) => dynasm!($t.ops ; .arch x64 ; movd r10d, Rx(x) ; $op Rd($r), r10d),
            (true, Operand::Xmm(x)) => dynasm!($t.ops ; .arch x64 ; movq r10, Rx(x) ; $op Rq($r), r10),
        }
    };
}

impl Translator<'_> {
    /// Operators done on the value stack; `Ok(false)` when `op` is not one
    /// (the caller flushes and takes the slot path).
    pub(super) fn register_operator(&mut self, op: &Operator<'_>) -> Result<bool> {
        use Operator as O;
        match *op {
            O::LocalGet { local_index } | O::LocalSet { local_index } | O::LocalTee { local_index }
                if self.local_types[local_index as usize] == ValType::V128 =>
            {
                self.v128_local(op, local_index)
            }
            O::LocalGet { local_index } => self.push_value(Value::Local(local_index)),
            O::LocalSet { local_index } => self.set_local(local_index, false),
            O::LocalTee { local_index } => self.set_local(local_index, true),
            O::I32Const { value } => self.push_value(Value::Const(i64::from(value))),
            O::I64Const { value } => self.push_value(Value::Const(value)),
            O::F32Const { value } => self.push_value(Value::Const(i64::from(value.bits() as i32))),
            O::F64Const { value } => self.push_value(Value::Const(value.bits() as i64)),
            O::Drop if self.top_v128 => {
                self.pop_v128();
            }
            O::Drop => {
                self.pop_operand();
            }
            O::I32Add => self.arith(false, Arith::Add),
            O::I32Sub => self.arith(false, Arith::Sub),
            O::I32Mul => self.arith(false, Arith::Mul),
            O::I32And => self.arith(false, Arith::And),
            O::I32Or => self.arith(false, Arith::Or),
            O::I32Xor => self.arith(false, Arith::Xor),
            O::I64Add => self.arith(true, Arith::Add),
            O::I64Sub => self.arith(true, Arith::Sub),
            O::I64Mul => self.arith(true, Arith::Mul),
            O::I64And => self.arith(true, Arith::And),
            O::I64Or => self.arith(true, Arith::Or),
            O::I64Xor => self.arith(true, Arith::Xor),
            O::I32Eqz => self.eqz(false),
            O::I64Eqz => self.eqz(true),
            O::I32Eq => self.compare(false, Cc::Eq),
            O::I32Ne => self.compare(false, Cc::Ne),
            O::I32LtS => self.compare(false, Cc::LtS),
            O::I32LtU => self.compare(false, Cc::LtU),
            O::I32GtS => self.compare(false, Cc::GtS),
            O::I32GtU => self.compare(false, Cc::GtU),
            O::I32LeS => self.compare(false, Cc::LeS),
            O::I32LeU => self.compare(false, Cc::LeU),
            O::I32GeS => self.compare(false, Cc::GeS),
            O::I32GeU => self.compare(false, Cc::GeU),
            O::I64Eq => self.compare(true, Cc::Eq),
            O::I64Ne => self.compare(true, Cc::Ne),
            O::I64LtS => self.compare(true, Cc::LtS),
            O::I64LtU => self.compare(true, Cc::LtU),
            O::I64GtS => self.compare(true, Cc::GtS),
            O::I64GtU => self.compare(true, Cc::GtU),
            O::I64LeS => self.compare(true, Cc::LeS),
            O::I64LeU => self.compare(true, Cc::LeU),
            O::I64GeS => self.compare(true, Cc::GeS),
            O::I64GeU => self.compare(true, Cc::GeU),
            O::I32Load { memarg } => self.load(memarg, Load::U32)?,
            O::I64Load { memarg } => self.load(memarg, Load::U64)?,
            O::F32Load { memarg } => self.load_float(memarg, false)?,
            O::F64Load { memarg } => self.load_float(memarg, true)?,
            O::I32Load8S { memarg } => self.load(memarg, Load::S8To32)?,
            O::I32Load8U { memarg } | O::I64Load8U { memarg } => self.load(memarg, Load::U8)?,
            O::I32Load16S { memarg } => self.load(memarg, Load::S16To32)?,
            O::I32Load16U { memarg } | O::I64Load16U { memarg } => self.load(memarg, Load::U16)?,
            O::I64Load8S { memarg } => self.load(memarg, Load::S8To64)?,
            O::I64Load16S { memarg } => self.load(memarg, Load::S16To64)?,
            O::I64Load32S { memarg } => self.load(memarg, Load::S32To64)?,
            O::I64Load32U { memarg } => self.load(memarg, Load::U32)?,
            O::I32Store { memarg } | O::I64Store32 { memarg } => self.store(memarg, 4)?,
            O::I64Store { memarg } => self.store(memarg, 8)?,
            O::F32Store { memarg } => self.store_float(memarg, false)?,
            O::F64Store { memarg } => self.store_float(memarg, true)?,
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(memarg, 1)?,
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(memarg, 2)?,
            // Same bits, other type: an i32's register or slot keeps it in
            // its low half, a constant in its low 32 bits.
            O::I32WrapI64 | O::F32ReinterpretI32 | O::F64ReinterpretI64 => {}
            // Integers are not kept in xmm registers.
            O::I32ReinterpretF32 | O::I64ReinterpretF64 => {
                let wide = matches!(op, O::I64ReinterpretF64);
                if let Operand::Xmm(_) = self.peek_operand() {
                    let a = self.pop_operand();
                    let r = self.alloc(&[]);
                    self.load_into(r, wide, a);
                    self.push_value(Value::Reg(r));
                }
            }
            O::I64ExtendI32U => {
                let a = self.pop_operand();
                let r = self.alloc(&[a]);
                self.load_into(r, false, a);
                self.push_value(Value::Reg(r));
            }
            O::I64ExtendI32S => {
                let a = self.pop_operand();
                let r = self.alloc(&[a]);
                match a {
                    Operand::Reg(s) => dynasm!(self.ops ; .arch x64 ; movsxd Rq(r), Rd(s)),
                    Operand::Mem(m) => dynasm!(self.ops ; .arch x64 ; movsxd Rq(r), DWORD [rsp + m]),
                    Operand::Imm(v) => dynasm!(self.ops ; .arch x64 ; mov Rq(r), QWORD i64::from(v as i32)),
                    Operand::Xmm(x) => dynasm!(self.ops ; .arch x64 ; movd eax, Rx(x) ; movsxd Rq(r), eax),
                }
                self.push_value(Value::Reg(r));
            }
            O::I32Shl => self.shift(false, Shift::Shl),
            O::I32ShrS => self.shift(false, Shift::ShrS),
            O::I32ShrU => self.shift(false, Shift::ShrU),
            O::I32Rotl => self.shift(false, Shift::Rotl),
            O::I32Rotr => self.shift(false, Shift::Rotr),
            O::I64Shl => self.shift(true, Shift::Shl),
            O::I64ShrS => self.shift(true, Shift::ShrS),
            O::I64ShrU => self.shift(true, Shift::ShrU),
            O::I64Rotl => self.shift(true, Shift::Rotl),
            O::I64Rotr => self.shift(true, Shift::Rotr),
            O::GlobalGet { global_index } | O::GlobalSet { global_index }
                if self.info.globals[global_index as usize].content == ValType::V128 =>
            {
                self.v128_global(op, global_index)
            }
            O::GlobalGet { global_index } => {
                let (global, field) = (self.offsets.global(global_index) as i32, VMGlobalDefinition::VALUE);
                let r = self.alloc(&[]);
                dynasm!(self.ops ; .arch x64 ; mov rax, [r15 + global] ; mov Rq(r), [rax + field]);
                self.push_value(Value::Reg(r));
            }
            O::GlobalSet { global_index } => {
                let (global, field) = (self.offsets.global(global_index) as i32, VMGlobalDefinition::VALUE);
                let value = self.pop_operand();
                // Globals hold 32-bit values zero-extended.
                let narrow = matches!(
                    self.info.globals[global_index as usize].content,
                    crate::module::types::ValType::I32 | crate::module::types::ValType::F32
                );
                self.load_into(10, !narrow, value);
                dynasm!(self.ops ; .arch x64 ; mov rax, [r15 + global] ; mov [rax + field], r10);
            }
            O::F32Sqrt | O::F64Sqrt => {
                let wide = matches!(op, O::F64Sqrt);
                let a = self.pop_operand();
                let x = self.owned_xmm(wide, a, &[]);
                if wide {
                    dynasm!(self.ops ; .arch x64 ; sqrtsd Rx(x), Rx(x));
                } else {
                    dynasm!(self.ops ; .arch x64 ; sqrtss Rx(x), Rx(x));
                }
                self.push_value(Value::Xmm(x));
            }
            // Sign operations on the bits.
            O::F32Neg | O::F32Abs | O::F64Neg | O::F64Abs => {
                let wide = matches!(op, O::F64Neg | O::F64Abs);
                let a = self.pop_operand();
                let r = self.alloc(&[a]);
                self.load_into(r, wide, a);
                match op {
                    O::F32Neg => dynasm!(self.ops ; .arch x64 ; btc Rd(r), 31),
                    O::F32Abs => dynasm!(self.ops ; .arch x64 ; btr Rd(r), 31),
                    O::F64Neg => dynasm!(self.ops ; .arch x64 ; btc Rq(r), 63),
                    _ => dynasm!(self.ops ; .arch x64 ; btr Rq(r), 63),
                }
                self.push_value(Value::Reg(r));
            }
            O::F32Add => self.float_arith(false, FloatArith::Add),
            O::F32Sub => self.float_arith(false, FloatArith::Sub),
            O::F32Mul => self.float_arith(false, FloatArith::Mul),
            O::F32Div => self.float_arith(false, FloatArith::Div),
            O::F64Add => self.float_arith(true, FloatArith::Add),
            O::F64Sub => self.float_arith(true, FloatArith::Sub),
            O::F64Mul => self.float_arith(true, FloatArith::Mul),
            O::F64Div => self.float_arith(true, FloatArith::Div),
            O::F32Eq => self.float_compare(false, Cmp::Eq),
            O::F32Ne => self.float_compare(false, Cmp::Ne),
            O::F32Lt => self.float_compare(false, Cmp::Lt),
            O::F32Gt => self.float_compare(false, Cmp::Gt),
            O::F32Le => self.float_compare(false, Cmp::Le),
            O::F32Ge => self.float_compare(false, Cmp::Ge),
            O::F64Eq => self.float_compare(true, Cmp::Eq),
            O::F64Ne => self.float_compare(true, Cmp::Ne),
            O::F64Lt => self.float_compare(true, Cmp::Lt),
            O::F64Gt => self.float_compare(true, Cmp::Gt),
            O::F64Le => self.float_compare(true, Cmp::Le),
            O::F64Ge => self.float_compare(true, Cmp::Ge),
            _ => return self.simd_operator(op),
        }
        Ok(true)
    }

    /// Loads a float operand into xmm register `x` (its low 32 or 64 bits).
    pub(super) fn load_xmm(&mut self, x: u8, wide: bool, operand: Operand) {
        match (wide, operand) {
            (_, Operand::Xmm(s)) if s == x => {}
            (_, Operand::Xmm(s)) => dynasm!(self.ops ; .arch x64 ; movaps Rx(x), Rx(s)),
            (false, Operand::Reg(r)) => dynasm!(self.ops ; .arch x64 ; movd Rx(x), Rd(r)),
            (true, Operand::Reg(r)) => dynasm!(self.ops ; .arch x64 ; movq Rx(x), Rq(r)),
            (false, Operand::Mem(m)) => dynasm!(self.ops ; .arch x64 ; movss Rx(x), DWORD [rsp + m]),
            (true, Operand::Mem(m)) => dynasm!(self.ops ; .arch x64 ; movsd Rx(x), QWORD [rsp + m]),
            (_, Operand::Imm(v)) => dynasm!(self.ops ; .arch x64 ; mov rax, QWORD v ; movq Rx(x), rax),
        }
    }

    /// `operand` in an xmm register of the pool the caller may overwrite:
    /// its own if it has one, else a fresh one (not one of `avoid`'s).
    fn owned_xmm(&mut self, wide: bool, operand: Operand, avoid: &[Operand]) -> u8 {
        match operand {
            Operand::Xmm(x) if self.xmm_pool.contains(&x) => x,
            _ => {
                let x = self.alloc_xmm(avoid);
                self.load_xmm(x, wide, operand);
                x
            }
        }
    }

    /// The same for a general-purpose register.
    fn owned_gpr(&mut self, wide: bool, operand: Operand, avoid: &[Operand]) -> u8 {
        match operand {
            Operand::Reg(r) if self.gpr_pool.contains(&r) => r,
            _ => {
                let r = self.alloc(avoid);
                self.load_into(r, wide, operand);
                r
            }
        }
    }

    fn float_arith(&mut self, wide: bool, op: FloatArith) {
        let b = self.pop_operand();
        let a = self.pop_operand();
        let owned = |operand: Operand| matches!(operand, Operand::Xmm(x) if self.xmm_pool.contains(&x));
        // Into the operand's register the result may overwrite, when the
        // operation allows either order (which NaN's payload an operation
        // on two NaNs gives is unspecified in wasm).
        let (a, b) = match op {
            FloatArith::Add | FloatArith::Mul if !owned(a) && owned(b) => (b, a),
            _ => (a, b),
        };
        let x = self.owned_xmm(wide, a, &[b]);
        // The second operand from an xmm register or memory as it is.
        let b = match b {
            Operand::Reg(_) | Operand::Imm(_) => {
                self.load_xmm(1, wide, b);
                Operand::Xmm(1)
            }
            _ => b,
        };
        macro_rules! emit {
            ($op:ident, $size:ident) => {
                match b {
                    Operand::Mem(m) => dynasm!(self.ops ; .arch x64 ; $op Rx(x), $size [rsp + m]),
                    Operand::Xmm(s) => dynasm!(self.ops ; .arch x64 ; $op Rx(x), Rx(s)),
                    _ => unreachable!("moved to xmm1 above"),
                }
            };
        }
        match (wide, op) {
            (false, FloatArith::Add) => emit!(addss, DWORD),
            (false, FloatArith::Sub) => emit!(subss, DWORD),
            (false, FloatArith::Mul) => emit!(mulss, DWORD),
            (false, FloatArith::Div) => emit!(divss, DWORD),
            (true, FloatArith::Add) => emit!(addsd, QWORD),
            (true, FloatArith::Sub) => emit!(subsd, QWORD),
            (true, FloatArith::Mul) => emit!(mulsd, QWORD),
            (true, FloatArith::Div) => emit!(divsd, QWORD),
        }
        self.push_value(Value::Xmm(x));
    }

    fn float_compare(&mut self, wide: bool, cmp: Cmp) {
        let b = self.pop_operand();
        let a = self.pop_operand();
        self.load_xmm(0, wide, a);
        self.load_xmm(1, wide, b);
        self.float_condition(wide, cmp);
        let r = self.alloc(&[]);
        dynasm!(self.ops ; .arch x64 ; movzx Rd(r), al);
        self.push_value(Value::Reg(r));
    }

    pub(super) fn push_value(&mut self, value: Value) {
        self.stack.push(value);
        self.depth += 1;
        self.bump(self.depth);
    }

    /// Pops the top entry as an operand (its register, if any, is free
    /// again once the caller has used it).
    pub(super) fn pop_operand(&mut self) -> Operand {
        self.materialize_flags();
        let operand = self.peek_operand();
        self.stack.pop();
        self.depth -= 1;
        operand
    }

    /// The top entry as an operand, left on the stack.
    fn peek_operand(&self) -> Operand {
        match *self.stack.last().expect("validated: the stack is not empty") {
            Value::Slot => Operand::Mem(self.slot(self.depth - 1)),
            Value::Reg(r) => Operand::Reg(r),
            Value::Xmm(x) => Operand::Xmm(x),
            Value::Local(n) => self.local_operand(n),
            Value::Const(v) => Operand::Imm(v),
            Value::Flags(_) => unreachable!("pending flags are materialized before any operator that reads them"),
            Value::V128(_) | Value::Upper => unreachable!("validated: a scalar operator's operand is no v128"),
        }
    }

    /// Local `n` where it lives.
    pub(super) fn local_operand(&self, n: u32) -> Operand {
        match self.homes[n as usize] {
            Home::Slot => Operand::Mem(self.local(n)),
            Home::Gpr(r) => Operand::Reg(r),
            Home::Xmm(x) => Operand::Xmm(x),
        }
    }

    /// Before a call: the locals living in caller-saved registers to their
    /// slots.
    pub(super) fn spill_caller_saved_homes(&mut self) {
        for i in 0..self.caller_saved_homes.len() {
            let (local, home) = self.caller_saved_homes[i];
            let at = self.local(local);
            match home {
                Home::Gpr(r) => dynasm!(self.ops ; .arch x64 ; mov [rsp + at], Rq(r)),
                Home::Xmm(x) if self.local_types[local as usize] == ValType::V128 => {
                    dynasm!(self.ops ; .arch x64 ; movdqu [rsp + at], Rx(x))
                }
                Home::Xmm(x) => dynasm!(self.ops ; .arch x64 ; movsd QWORD [rsp + at], Rx(x)),
                Home::Slot => {}
            }
        }
    }

    /// After a call: back from their slots.
    pub(super) fn reload_caller_saved_homes(&mut self) {
        for i in 0..self.caller_saved_homes.len() {
            let (local, home) = self.caller_saved_homes[i];
            let at = self.local(local);
            match home {
                Home::Gpr(r) => dynasm!(self.ops ; .arch x64 ; mov Rq(r), [rsp + at]),
                Home::Xmm(x) if self.local_types[local as usize] == ValType::V128 => {
                    dynasm!(self.ops ; .arch x64 ; movdqu Rx(x), [rsp + at])
                }
                Home::Xmm(x) => dynasm!(self.ops ; .arch x64 ; movsd Rx(x), QWORD [rsp + at]),
                Home::Slot => {}
            }
        }
    }

    /// Moves every entry not in its slot there.
    pub(super) fn flush(&mut self) {
        for i in 0..self.stack.len() {
            self.materialize(i);
        }
    }

    fn materialize(&mut self, i: usize) {
        let operand = match self.stack[i] {
            Value::Slot => return,
            Value::Reg(r) => Operand::Reg(r),
            Value::Xmm(x) => Operand::Xmm(x),
            Value::Local(n) => self.local_operand(n),
            Value::Const(v) => Operand::Imm(v),
            Value::Flags(_) => {
                self.materialize_flags();
                return self.materialize(i);
            }
            Value::V128(x) => {
                let at = self.slot(i as u32);
                dynasm!(self.ops ; .arch x64 ; movdqu [rsp + at], Rx(x));
                self.stack[i] = Value::Slot;
                self.stack[i + 1] = Value::Slot;
                return;
            }
            Value::Upper => return self.materialize(i - 1),
        };
        let at = self.slot(i as u32);
        self.store64(operand, at);
        self.stack[i] = Value::Slot;
    }

    /// Writes all 64 bits of `operand` to [rcx + at] (a function result to
    /// the caller's values).
    pub(super) fn store_result(&mut self, operand: Operand, at: i32) {
        let r = match operand {
            Operand::Reg(r) => r,
            _ => {
                self.load_into(0, true, operand);
                0
            }
        };
        dynasm!(self.ops ; .arch x64 ; mov [rcx + at], Rq(r));
    }

    /// Writes all 64 bits of `operand` to [rsp + at].
    fn store64(&mut self, operand: Operand, at: i32) {
        match operand {
            Operand::Reg(r) => dynasm!(self.ops ; .arch x64 ; mov [rsp + at], Rq(r)),
            Operand::Xmm(x) => dynasm!(self.ops ; .arch x64 ; movsd QWORD [rsp + at], Rx(x)),
            Operand::Mem(m) => dynasm!(self.ops ; .arch x64 ; mov rax, [rsp + m] ; mov [rsp + at], rax),
            Operand::Imm(v) => {
                if let Ok(small) = i32::try_from(v) {
                    dynasm!(self.ops ; .arch x64 ; mov QWORD [rsp + at], small);
                } else {
                    dynasm!(self.ops ; .arch x64 ; mov rax, QWORD v ; mov [rsp + at], rax);
                }
            }
        }
    }

    /// Loads `operand` into register `r` (all 64 bits, or the low 32
    /// zero-extended).
    pub(super) fn load_into(&mut self, r: u8, wide: bool, operand: Operand) {
        match (wide, operand) {
            (_, Operand::Reg(s)) if s == r => {}
            (false, Operand::Reg(s)) => dynasm!(self.ops ; .arch x64 ; mov Rd(r), Rd(s)),
            (false, Operand::Mem(m)) => dynasm!(self.ops ; .arch x64 ; mov Rd(r), DWORD [rsp + m]),
            (false, Operand::Imm(v)) => dynasm!(self.ops ; .arch x64 ; mov Rd(r), v as i32),
            (true, Operand::Reg(s)) => dynasm!(self.ops ; .arch x64 ; mov Rq(r), Rq(s)),
            (true, Operand::Mem(m)) => dynasm!(self.ops ; .arch x64 ; mov Rq(r), QWORD [rsp + m]),
            // The shortest form: zero-extended, sign-extended, or all 64 bits.
            (true, Operand::Imm(v)) if u32::try_from(v).is_ok() => {
                dynasm!(self.ops ; .arch x64 ; mov Rd(r), v as i32)
            }
            (true, Operand::Imm(v)) if i32::try_from(v).is_ok() => {
                dynasm!(self.ops ; .arch x64 ; mov Rq(r), v as i32)
            }
            (true, Operand::Imm(v)) => dynasm!(self.ops ; .arch x64 ; mov Rq(r), QWORD v),
            (false, Operand::Xmm(x)) => dynasm!(self.ops ; .arch x64 ; movd Rd(r), Rx(x)),
            (true, Operand::Xmm(x)) => dynasm!(self.ops ; .arch x64 ; movq Rq(r), Rx(x)),
        }
    }

    /// A free register of the pool, not one of `avoid`'s; when all are
    /// taken, the deepest entry holding one is moved to its slot.
    pub(super) fn alloc(&mut self, avoid: &[Operand]) -> u8 {
        let r = self.alloc_in(false, avoid);
        self.use_register(r);
        r
    }

    /// The same for an xmm register.
    pub(super) fn alloc_xmm(&mut self, avoid: &[Operand]) -> u8 {
        self.alloc_in(true, avoid)
    }

    /// `alloc` in the xmm pool (`xmm`) or the general-purpose one.
    fn alloc_in(&mut self, xmm: bool, avoid: &[Operand]) -> u8 {
        // Register `r` as an operand.
        let operand = |r: u8| if xmm { Operand::Xmm(r) } else { Operand::Reg(r) };
        let pool = if xmm { &self.xmm_pool } else { &self.gpr_pool };
        let taken =
            |r: u8| self.stack.iter().any(|value| value.register() == Some((xmm, r))) || avoid.contains(&operand(r));
        if let Some(&r) = pool.iter().find(|&&r| !taken(r)) {
            return r;
        }
        // The register an entry holds, if it may be taken from it.
        let evictable = |value: &Value| match value.register() {
            Some((kind, r)) if kind == xmm && pool.contains(&r) && !avoid.contains(&operand(r)) => Some(r),
            _ => None,
        };
        let (deepest, r) = self
            .stack
            .iter()
            .enumerate()
            .find_map(|(i, value)| evictable(value).map(|r| (i, r)))
            .expect("at least three registers in either pool, at most two avoided");
        self.materialize(deepest);
        r
    }

    fn set_local(&mut self, index: u32, tee: bool) {
        let value = self.pop_operand();
        // Entries still reading the local's old value get it first.
        for i in 0..self.stack.len() {
            if self.stack[i] == Value::Local(index) {
                self.materialize(i);
            }
        }
        let home = self.local_operand(index);
        match home {
            _ if value == home => {}
            Operand::Mem(at) => self.store64(value, at),
            // An i32 zero-extended (see `homes`).
            Operand::Reg(r) => self.load_into(r, self.local_types[index as usize] != ValType::I32, value),
            Operand::Xmm(x) => self.load_xmm(x, true, value),
            Operand::Imm(_) => unreachable!("locals are not constants"),
        }
        // A value stored to a slot from a register of the pools stays
        // there: the tee's result, or a `local.get` right after, reads it
        // without waiting for the store to forward to a load.
        let still_held = match (home, value) {
            (Operand::Mem(_), Operand::Reg(r)) if self.gpr_pool.contains(&r) => Some(Value::Reg(r)),
            (Operand::Mem(_), Operand::Xmm(x)) if self.xmm_pool.contains(&x) => Some(Value::Xmm(x)),
            _ => None,
        };
        match (tee, still_held) {
            (true, Some(held)) => self.push_value(held),
            (true, None) => self.push_value(Value::Local(index)),
            (false, held) => self.just_stored = held.map(|held| (index, held)),
        }
    }

    fn arith(&mut self, wide: bool, op: Arith) {
        let b = self.pop_operand();
        let a = self.pop_operand();
        let owned = |operand: Operand| matches!(operand, Operand::Reg(r) if self.gpr_pool.contains(&r));
        // Into the operand's register the result may overwrite, when the
        // operation allows either order.
        let (a, b) = match op {
            Arith::Add | Arith::Mul | Arith::And | Arith::Or | Arith::Xor if !owned(a) && owned(b) => (b, a),
            _ => (a, b),
        };
        // A register plus a constant into another register: one `lea`.
        if let (Operand::Reg(s), Operand::Imm(v), Arith::Add | Arith::Sub) = (a, b, op)
            && !owned(a)
        {
            let v = if wide { v } else { i64::from(v as i32) };
            if let Ok(d) = i32::try_from(if matches!(op, Arith::Sub) { v.wrapping_neg() } else { v }) {
                let r = self.alloc(&[]);
                if wide {
                    dynasm!(self.ops ; .arch x64 ; lea Rq(r), [Rq(s) + d]);
                } else {
                    dynasm!(self.ops ; .arch x64 ; lea Rd(r), [Rq(s) + d]);
                }
                self.push_value(Value::Reg(r));
                return;
            }
        }
        let r = self.owned_gpr(wide, a, &[b]);
        match op {
            Arith::Add => with_operand!(self, add, wide, r, b),
            Arith::Sub => with_operand!(self, sub, wide, r, b),
            Arith::And => with_operand!(self, and, wide, r, b),
            Arith::Or => with_operand!(self, or, wide, r, b),
            Arith::Xor => with_operand!(self, xor, wide, r, b),
            // No two-operand immediate form: a constant goes through r10.
            Arith::Mul => match (wide, b) {
                (false, Operand::Reg(s)) => dynasm!(self.ops ; .arch x64 ; imul Rd(r), Rd(s)),
                (false, Operand::Mem(m)) => dynasm!(self.ops ; .arch x64 ; imul Rd(r), DWORD [rsp + m]),
                (true, Operand::Reg(s)) => dynasm!(self.ops ; .arch x64 ; imul Rq(r), Rq(s)),
                (true, Operand::Mem(m)) => dynasm!(self.ops ; .arch x64 ; imul Rq(r), QWORD [rsp + m]),
                (_, Operand::Imm(v)) => dynasm!(self.ops ; .arch x64 ; mov r10, QWORD v ; imul Rq(r), r10),
                (false, Operand::Xmm(x)) => dynasm!(self.ops ; .arch x64 ; movd r10d, Rx(x) ; imul Rd(r), r10d),
                (true, Operand::Xmm(x)) => dynasm!(self.ops ; .arch x64 ; movq r10, Rx(x) ; imul Rq(r), r10),
            },
        }
        self.push_value(Value::Reg(r));
    }

    /// x86 masks shift counts by the operand width, as wasm does.
    fn shift(&mut self, wide: bool, op: Shift) {
        let count = self.pop_operand();
        let a = self.pop_operand();
        let r = self.owned_gpr(wide, a, &[count]);
        // `$count`: an immediate or cl.
        macro_rules! emit {
            ($count:tt) => {
                match (wide, op) {
                    (false, Shift::Shl) => dynasm!(self.ops ; .arch x64 ; shl Rd(r), $count),
                    (false, Shift::ShrS) => dynasm!(self.ops ; .arch x64 ; sar Rd(r), $count),
                    (false, Shift::ShrU) => dynasm!(self.ops ; .arch x64 ; shr Rd(r), $count),
                    (false, Shift::Rotl) => dynasm!(self.ops ; .arch x64 ; rol Rd(r), $count),
                    (false, Shift::Rotr) => dynasm!(self.ops ; .arch x64 ; ror Rd(r), $count),
                    (true, Shift::Shl) => dynasm!(self.ops ; .arch x64 ; shl Rq(r), $count),
                    (true, Shift::ShrS) => dynasm!(self.ops ; .arch x64 ; sar Rq(r), $count),
                    (true, Shift::ShrU) => dynasm!(self.ops ; .arch x64 ; shr Rq(r), $count),
                    (true, Shift::Rotl) => dynasm!(self.ops ; .arch x64 ; rol Rq(r), $count),
                    (true, Shift::Rotr) => dynasm!(self.ops ; .arch x64 ; ror Rq(r), $count),
                }
            };
        }
        if let Operand::Imm(count) = count {
            let n = (count & if wide { 63 } else { 31 }) as i8;
            emit!(n);
        } else {
            self.load_into(1, false, count);
            emit!(cl);
        }
        self.push_value(Value::Reg(r));
    }

    fn compare(&mut self, wide: bool, cc: Cc) {
        let b = self.pop_operand();
        let a = self.pop_operand();
        let r = match a {
            Operand::Reg(r) => r,
            _ => {
                self.load_into(0, wide, a);
                0
            }
        };
        with_operand!(self, cmp, wide, r, b);
        self.push_value(Value::Flags(cc));
    }

    fn load(&mut self, memarg: MemArg, kind: Load) -> Result<()> {
        let address = self.pop_operand();
        let r = self.alloc(&[address]);
        let (base, index, d) = self.address(address, memarg, kind.size())?;
        self.site(TrapSite::Raise(TrapCode::MemoryOutOfBounds));
        match kind {
            Load::U8 => dynasm!(self.ops ; .arch x64 ; movzx Rd(r), BYTE [Rq(base) + Rq(index) + d]),
            Load::S8To32 => dynasm!(self.ops ; .arch x64 ; movsx Rd(r), BYTE [Rq(base) + Rq(index) + d]),
            Load::S8To64 => dynasm!(self.ops ; .arch x64 ; movsx Rq(r), BYTE [Rq(base) + Rq(index) + d]),
            Load::U16 => dynasm!(self.ops ; .arch x64 ; movzx Rd(r), WORD [Rq(base) + Rq(index) + d]),
            Load::S16To32 => dynasm!(self.ops ; .arch x64 ; movsx Rd(r), WORD [Rq(base) + Rq(index) + d]),
            Load::S16To64 => dynasm!(self.ops ; .arch x64 ; movsx Rq(r), WORD [Rq(base) + Rq(index) + d]),
            Load::U32 => dynasm!(self.ops ; .arch x64 ; mov Rd(r), DWORD [Rq(base) + Rq(index) + d]),
            Load::S32To64 => dynasm!(self.ops ; .arch x64 ; movsxd Rq(r), DWORD [Rq(base) + Rq(index) + d]),
            Load::U64 => dynasm!(self.ops ; .arch x64 ; mov Rq(r), QWORD [Rq(base) + Rq(index) + d]),
        }
        self.push_value(Value::Reg(r));
        Ok(())
    }

    fn load_float(&mut self, memarg: MemArg, wide: bool) -> Result<()> {
        let address = self.pop_operand();
        let x = self.alloc_xmm(&[]);
        let (base, index, d) = self.address(address, memarg, if wide { 8 } else { 4 })?;
        self.site(TrapSite::Raise(TrapCode::MemoryOutOfBounds));
        if wide {
            dynasm!(self.ops ; .arch x64 ; movsd Rx(x), QWORD [Rq(base) + Rq(index) + d]);
        } else {
            dynasm!(self.ops ; .arch x64 ; movss Rx(x), DWORD [Rq(base) + Rq(index) + d]);
        }
        self.push_value(Value::Xmm(x));
        Ok(())
    }

    /// A float in an xmm register is stored from there; any other the way
    /// an integer is.
    fn store_float(&mut self, memarg: MemArg, wide: bool) -> Result<()> {
        let size = if wide { 8 } else { 4 };
        let Operand::Xmm(x) = self.peek_operand() else {
            return self.store(memarg, size);
        };
        self.pop_operand();
        let address = self.pop_operand();
        let (base, index, d) = self.address(address, memarg, size)?;
        self.site(TrapSite::Raise(TrapCode::MemoryOutOfBounds));
        if wide {
            dynasm!(self.ops ; .arch x64 ; movsd QWORD [Rq(base) + Rq(index) + d], Rx(x));
        } else {
            dynasm!(self.ops ; .arch x64 ; movss DWORD [Rq(base) + Rq(index) + d], Rx(x));
        }
        Ok(())
    }

    fn store(&mut self, memarg: MemArg, size: u32) -> Result<()> {
        let value = self.pop_operand();
        let address = self.pop_operand();
        // r10 and rax: `address` uses rax, rcx, rdx and r11 only.
        self.load_into(10, true, value);
        let (base, index, d) = self.address(address, memarg, size)?;
        self.site(TrapSite::Raise(TrapCode::MemoryOutOfBounds));
        match size {
            1 => dynasm!(self.ops ; .arch x64 ; mov BYTE [Rq(base) + Rq(index) + d], r10b),
            2 => dynasm!(self.ops ; .arch x64 ; mov WORD [Rq(base) + Rq(index) + d], r10w),
            4 => dynasm!(self.ops ; .arch x64 ; mov DWORD [Rq(base) + Rq(index) + d], r10d),
            _ => dynasm!(self.ops ; .arch x64 ; mov QWORD [Rq(base) + Rq(index) + d], r10),
        }
        Ok(())
    }
}

//! Integer comparisons as flags: a comparison (or `eqz`) only sets the
//! flags and leaves `Value::Flags` on top of the stack. An `if` or `br_if`
//! right after it jumps on them; any other operator first turns them into a
//! 0/1 register (`materialize_flags`, at the start of every operator), so
//! nothing can clobber them while they wait. Between the comparison and the
//! jump only moves are emitted (flushing the stack, an `if`'s stash), and
//! moves leave the flags alone.

use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi, dynasm};

use super::Translator;
use super::registers::{Operand, Value};

/// An x86 condition, as a wasm integer comparison gives it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Cc {
    Eq,
    Ne,
    LtS,
    LtU,
    GtS,
    GtU,
    LeS,
    LeU,
    GeS,
    GeU,
}

impl Cc {
    pub(super) fn negate(self) -> Cc {
        match self {
            Cc::Eq => Cc::Ne,
            Cc::Ne => Cc::Eq,
            Cc::LtS => Cc::GeS,
            Cc::LtU => Cc::GeU,
            Cc::GtS => Cc::LeS,
            Cc::GtU => Cc::LeU,
            Cc::LeS => Cc::GtS,
            Cc::LeU => Cc::GtU,
            Cc::GeS => Cc::LtS,
            Cc::GeU => Cc::LtU,
        }
    }
}

impl Translator<'_> {
    /// Jumps to `label` when `cc` holds.
    pub(super) fn jump_if(&mut self, cc: Cc, label: DynamicLabel) {
        match cc {
            Cc::Eq => dynasm!(self.ops ; .arch x64 ; je =>label),
            Cc::Ne => dynasm!(self.ops ; .arch x64 ; jne =>label),
            Cc::LtS => dynasm!(self.ops ; .arch x64 ; jl =>label),
            Cc::LtU => dynasm!(self.ops ; .arch x64 ; jb =>label),
            Cc::GtS => dynasm!(self.ops ; .arch x64 ; jg =>label),
            Cc::GtU => dynasm!(self.ops ; .arch x64 ; ja =>label),
            Cc::LeS => dynasm!(self.ops ; .arch x64 ; jle =>label),
            Cc::LeU => dynasm!(self.ops ; .arch x64 ; jbe =>label),
            Cc::GeS => dynasm!(self.ops ; .arch x64 ; jge =>label),
            Cc::GeU => dynasm!(self.ops ; .arch x64 ; jae =>label),
        }
    }

    /// 1 in register `r` when `cc` holds, else 0.
    fn set_register(&mut self, cc: Cc, r: u8) {
        match cc {
            Cc::Eq => dynasm!(self.ops ; .arch x64 ; sete al),
            Cc::Ne => dynasm!(self.ops ; .arch x64 ; setne al),
            Cc::LtS => dynasm!(self.ops ; .arch x64 ; setl al),
            Cc::LtU => dynasm!(self.ops ; .arch x64 ; setb al),
            Cc::GtS => dynasm!(self.ops ; .arch x64 ; setg al),
            Cc::GtU => dynasm!(self.ops ; .arch x64 ; seta al),
            Cc::LeS => dynasm!(self.ops ; .arch x64 ; setle al),
            Cc::LeU => dynasm!(self.ops ; .arch x64 ; setbe al),
            Cc::GeS => dynasm!(self.ops ; .arch x64 ; setge al),
            Cc::GeU => dynasm!(self.ops ; .arch x64 ; setae al),
        }
        dynasm!(self.ops ; .arch x64 ; movzx Rd(r), al);
    }

    /// Pending flags on top of the stack become a 0/1 value in a register.
    pub(super) fn materialize_flags(&mut self) {
        if let Some(&Value::Flags(cc)) = self.stack.last() {
            self.stack.pop();
            self.depth -= 1;
            // Choosing a register only moves values: the flags survive.
            let r = self.alloc(&[]);
            self.set_register(cc, r);
            self.push_value(Value::Reg(r));
        }
    }

    /// Pops a branch condition: pending flags as they are, any other value
    /// tested against zero. Returns the condition for "taken".
    pub(super) fn pop_condition(&mut self) -> Cc {
        if let Some(&Value::Flags(cc)) = self.stack.last() {
            self.stack.pop();
            self.depth -= 1;
            return cc;
        }
        match self.pop_operand() {
            Operand::Reg(r) => dynasm!(self.ops ; .arch x64 ; test Rd(r), Rd(r)),
            Operand::Mem(m) => dynasm!(self.ops ; .arch x64 ; cmp DWORD [rsp + m], 0),
            other => {
                self.load_into(10, false, other);
                dynasm!(self.ops ; .arch x64 ; test r10d, r10d);
            }
        }
        Cc::Ne
    }

    /// `eqz`: negates pending flags, or tests the value.
    pub(super) fn eqz(&mut self, wide: bool) {
        if let Some(&Value::Flags(cc)) = self.stack.last() {
            *self.stack.last_mut().expect("just seen") = Value::Flags(cc.negate());
            return;
        }
        match (wide, self.pop_operand()) {
            (false, Operand::Reg(r)) => dynasm!(self.ops ; .arch x64 ; test Rd(r), Rd(r)),
            (true, Operand::Reg(r)) => dynasm!(self.ops ; .arch x64 ; test Rq(r), Rq(r)),
            (false, Operand::Mem(m)) => dynasm!(self.ops ; .arch x64 ; cmp DWORD [rsp + m], 0),
            (true, Operand::Mem(m)) => dynasm!(self.ops ; .arch x64 ; cmp QWORD [rsp + m], 0),
            (wide, other) => {
                self.load_into(0, wide, other);
                dynasm!(self.ops ; .arch x64 ; test rax, rax);
            }
        }
        self.push_value(Value::Flags(Cc::Eq));
    }
}

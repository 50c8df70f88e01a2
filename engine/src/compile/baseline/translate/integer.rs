//! Integer operators on slots (the common ones are in `registers.rs`):
//! each loads its operands from their slots into rax (and rcx), computes,
//! and stores the result in the first operand's slot.

use dynasmrt::{DynasmApi, DynasmLabelApi, dynasm};
use wasmparser::Operator;

use super::Translator;
use crate::error::{Result, TrapCode};

#[derive(Clone, Copy)]
enum Bits {
    Clz,
    Ctz,
    Popcnt,
}

impl Translator<'_> {
    pub(super) fn integer(&mut self, op: &Operator<'_>) -> Result<()> {
        use Operator as O;
        match *op {
            O::I32DivS => self.divide(false, true, false),
            O::I32DivU => self.divide(false, false, false),
            O::I32RemS => self.divide(false, true, true),
            O::I32RemU => self.divide(false, false, true),
            O::I64DivS => self.divide(true, true, false),
            O::I64DivU => self.divide(true, false, false),
            O::I64RemS => self.divide(true, true, true),
            O::I64RemU => self.divide(true, false, true),
            O::I32Clz => return self.bits(false, Bits::Clz),
            O::I32Ctz => return self.bits(false, Bits::Ctz),
            O::I32Popcnt => return self.bits(false, Bits::Popcnt),
            O::I64Clz => return self.bits(true, Bits::Clz),
            O::I64Ctz => return self.bits(true, Bits::Ctz),
            O::I64Popcnt => return self.bits(true, Bits::Popcnt),
            O::I32Extend8S => self.extend(|t, at| dynasm!(t.ops ; .arch x64 ; movsx eax, BYTE [rsp + at])),
            O::I32Extend16S => self.extend(|t, at| dynasm!(t.ops ; .arch x64 ; movsx eax, WORD [rsp + at])),
            O::I64Extend8S => self.extend(|t, at| dynasm!(t.ops ; .arch x64 ; movsx rax, BYTE [rsp + at])),
            O::I64Extend16S => self.extend(|t, at| dynasm!(t.ops ; .arch x64 ; movsx rax, WORD [rsp + at])),
            O::I64Extend32S => self.extend(|t, at| dynasm!(t.ops ; .arch x64 ; movsxd rax, DWORD [rsp + at])),
            _ => return self.float(op),
        }
        Ok(())
    }

    /// Replaces the top value by what `load` leaves in rax (all 64 bits).
    fn extend(&mut self, load: impl FnOnce(&mut Self, i32)) {
        let at = self.slot(self.depth - 1);
        load(self, at);
        dynasm!(self.ops ; .arch x64 ; mov [rsp + at], rax);
    }

    /// Division and remainder with wasm's traps checked first (x86 would
    /// raise #DE for both); `rem_s` by -1 is 0 without dividing.
    fn divide(&mut self, wide: bool, signed: bool, remainder: bool) {
        let b = self.pop();
        let a = self.slot(self.depth - 1);
        let nonzero = self.ops.new_dynamic_label();
        let done = self.ops.new_dynamic_label();
        if wide {
            dynasm!(self.ops ; .arch x64 ; mov rcx, [rsp + b] ; mov rax, [rsp + a] ; test rcx, rcx ; jnz =>nonzero);
        } else {
            dynasm!(self.ops ; .arch x64 ; mov ecx, [rsp + b] ; mov eax, [rsp + a] ; test ecx, ecx ; jnz =>nonzero);
        }
        self.trap(TrapCode::IntegerDivisionByZero);
        dynasm!(self.ops ; .arch x64 ; =>nonzero);
        if signed {
            let divide = self.ops.new_dynamic_label();
            if wide {
                dynasm!(self.ops ; .arch x64 ; cmp rcx, -1 ; jne =>divide);
            } else {
                dynasm!(self.ops ; .arch x64 ; cmp ecx, -1 ; jne =>divide);
            }
            if remainder {
                dynasm!(self.ops ; .arch x64 ; xor edx, edx ; jmp =>done);
            } else {
                let fine = self.ops.new_dynamic_label();
                if wide {
                    dynasm!(self.ops ; .arch x64 ; mov rdx, QWORD i64::MIN ; cmp rax, rdx ; jne =>divide);
                } else {
                    dynasm!(self.ops ; .arch x64 ; cmp eax, i32::MIN ; jne =>fine);
                }
                self.trap(TrapCode::IntegerOverflow);
                dynasm!(self.ops ; .arch x64 ; =>fine);
            }
            dynasm!(self.ops ; .arch x64 ; =>divide);
            if wide {
                dynasm!(self.ops ; .arch x64 ; cqo ; idiv rcx);
            } else {
                dynasm!(self.ops ; .arch x64 ; cdq ; idiv ecx);
            }
        } else if wide {
            dynasm!(self.ops ; .arch x64 ; xor edx, edx ; div rcx);
        } else {
            dynasm!(self.ops ; .arch x64 ; xor edx, edx ; div ecx);
        }
        dynasm!(self.ops ; .arch x64 ; =>done);
        if remainder {
            dynasm!(self.ops ; .arch x64 ; mov [rsp + a], rdx);
        } else {
            dynasm!(self.ops ; .arch x64 ; mov [rsp + a], rax);
        }
    }

    fn bits(&mut self, wide: bool, op: Bits) -> Result<()> {
        let feature = match op {
            Bits::Clz => std::arch::is_x86_feature_detected!("lzcnt"),
            Bits::Ctz => std::arch::is_x86_feature_detected!("bmi1"),
            Bits::Popcnt => std::arch::is_x86_feature_detected!("popcnt"),
        };
        if !feature {
            return Err(crate::error::Error::Unsupported(
                "the baseline tier needs lzcnt, tzcnt and popcnt (x86-64-v3)".into(),
            ));
        }
        let at = self.slot(self.depth - 1);
        match (wide, op) {
            (false, Bits::Clz) => dynasm!(self.ops ; .arch x64 ; lzcnt eax, DWORD [rsp + at]),
            (false, Bits::Ctz) => dynasm!(self.ops ; .arch x64 ; tzcnt eax, DWORD [rsp + at]),
            (false, Bits::Popcnt) => dynasm!(self.ops ; .arch x64 ; popcnt eax, DWORD [rsp + at]),
            (true, Bits::Clz) => dynasm!(self.ops ; .arch x64 ; lzcnt rax, QWORD [rsp + at]),
            (true, Bits::Ctz) => dynasm!(self.ops ; .arch x64 ; tzcnt rax, QWORD [rsp + at]),
            (true, Bits::Popcnt) => dynasm!(self.ops ; .arch x64 ; popcnt rax, QWORD [rsp + at]),
        }
        dynasm!(self.ops ; .arch x64 ; mov [rsp + at], rax);
        Ok(())
    }
}

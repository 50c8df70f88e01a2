//! The instruction forms of each operator that has several, declared once
//! per operator: the translator picks among them (see `Instr::I32AddA`,
//! `Instr::I32LoadAt`, `Instr::I32StoreAcc`).

use super::{Instr, Slot};
use wasmparser::Operator as O;

pub(super) struct AccForms {
    pub(super) slots: fn(Slot, Slot, Slot) -> Instr,
    pub(super) to_acc: fn(Slot, Slot) -> Instr,
    pub(super) acc: fn(Slot) -> Instr,
    pub(super) acc_to: fn(Slot, Slot) -> Instr,
    /// Whether the accumulator may be the right operand as well.
    pub(super) commutative: bool,
}

/// A load width's forms.
pub(super) struct LoadForms {
    pub(super) plain: fn(Slot, Slot, u32) -> Instr,
    pub(super) at: fn(Slot, Slot, Slot) -> Instr,
    pub(super) acc_at: fn(Slot, Slot) -> Instr,
    pub(super) plain_to_acc: fn(Slot, u32) -> Instr,
    pub(super) at_to_acc: fn(Slot, Slot) -> Instr,
    pub(super) acc_at_to_acc: fn(Slot) -> Instr,
}

/// A store width's forms.
pub(super) struct StoreForms {
    pub(super) plain: fn(Slot, Slot, u32) -> Instr,
    pub(super) at: fn(Slot, Slot, Slot) -> Instr,
    pub(super) acc_at: fn(Slot, Slot) -> Instr,
    pub(super) of_acc: fn(Slot, u32) -> Instr,
    pub(super) at_of_acc: fn(Slot, Slot) -> Instr,
}

macro_rules! acc_forms {
    ($($op:ident => $slots:ident, $to_acc:ident, $acc:ident, $acc_to:ident, $commutative:literal;)*) => {
        /// The accumulator forms of `op`, if it has them.
        pub(super) fn of(op: &O<'_>) -> Option<&'static AccForms> {
            Some(match op {
                $(O::$op => &AccForms {
                    slots: Instr::$slots,
                    to_acc: Instr::$to_acc,
                    acc: Instr::$acc,
                    acc_to: Instr::$acc_to,
                    commutative: $commutative,
                },)*
                _ => return None,
            })
        }
    };
}

macro_rules! load_forms {
    ($($($op:ident)|+ => $plain:ident, $at:ident, $acc_at:ident, $plain_a:ident, $at_a:ident, $acc_at_a:ident;)*) => {
        /// The forms of load `op` and its static offset, if it is a load.
        pub(super) fn load(op: &O<'_>) -> Option<(&'static LoadForms, u64)> {
            Some(match op {
                $($(O::$op { memarg })|+ => (&LoadForms {
                    plain: Instr::$plain,
                    at: Instr::$at,
                    acc_at: Instr::$acc_at,
                    plain_to_acc: Instr::$plain_a,
                    at_to_acc: Instr::$at_a,
                    acc_at_to_acc: Instr::$acc_at_a,
                }, memarg.offset),)*
                _ => return None,
            })
        }
    };
}

macro_rules! store_forms {
    ($($($op:ident)|+ => $plain:ident, $at:ident, $acc_at:ident, $of_acc:ident, $at_of_acc:ident;)*) => {
        /// The forms of store `op` and its static offset, if it is a store.
        pub(super) fn store(op: &O<'_>) -> Option<(&'static StoreForms, u64)> {
            Some(match op {
                $($(O::$op { memarg })|+ => (&StoreForms {
                    plain: Instr::$plain,
                    at: Instr::$at,
                    acc_at: Instr::$acc_at,
                    of_acc: Instr::$of_acc,
                    at_of_acc: Instr::$at_of_acc,
                }, memarg.offset),)*
                _ => return None,
            })
        }
    };
}

acc_forms! {
    I32Add => I32Add, I32AddA, I32AddAcc, I32AddAccTo, true;
    I32Sub => I32Sub, I32SubA, I32SubAcc, I32SubAccTo, false;
    I32Mul => I32Mul, I32MulA, I32MulAcc, I32MulAccTo, true;
    I32And => I32And, I32AndA, I32AndAcc, I32AndAccTo, true;
    I32Or => I32Or, I32OrA, I32OrAcc, I32OrAccTo, true;
    I32Xor => I32Xor, I32XorA, I32XorAcc, I32XorAccTo, true;
    I32Shl => I32Shl, I32ShlA, I32ShlAcc, I32ShlAccTo, false;
    I32ShrS => I32ShrS, I32ShrSA, I32ShrSAcc, I32ShrSAccTo, false;
    I32ShrU => I32ShrU, I32ShrUA, I32ShrUAcc, I32ShrUAccTo, false;
    I64Add => I64Add, I64AddA, I64AddAcc, I64AddAccTo, true;
    I64Sub => I64Sub, I64SubA, I64SubAcc, I64SubAccTo, false;
    I64Mul => I64Mul, I64MulA, I64MulAcc, I64MulAccTo, true;
    I64And => I64And, I64AndA, I64AndAcc, I64AndAccTo, true;
    I64Or => I64Or, I64OrA, I64OrAcc, I64OrAccTo, true;
    I64Xor => I64Xor, I64XorA, I64XorAcc, I64XorAccTo, true;
    I64Shl => I64Shl, I64ShlA, I64ShlAcc, I64ShlAccTo, false;
    I64ShrS => I64ShrS, I64ShrSA, I64ShrSAcc, I64ShrSAccTo, false;
    I64ShrU => I64ShrU, I64ShrUA, I64ShrUAcc, I64ShrUAccTo, false;
    F64Add => F64Add, F64AddA, F64AddAcc, F64AddAccTo, true;
    F64Sub => F64Sub, F64SubA, F64SubAcc, F64SubAccTo, false;
    F64Mul => F64Mul, F64MulA, F64MulAcc, F64MulAccTo, true;
    F64Div => F64Div, F64DivA, F64DivAcc, F64DivAccTo, false;
}

load_forms! {
    I32Load | F32Load => I32Load, I32LoadAt, I32LoadAccAt, I32LoadA, I32LoadAtA, I32LoadAccAtA;
    I64Load | F64Load => I64Load, I64LoadAt, I64LoadAccAt, I64LoadA, I64LoadAtA, I64LoadAccAtA;
    I32Load8S => I32Load8S, I32Load8SAt, I32Load8SAccAt, I32Load8SA, I32Load8SAtA, I32Load8SAccAtA;
    I32Load8U => I32Load8U, I32Load8UAt, I32Load8UAccAt, I32Load8UA, I32Load8UAtA, I32Load8UAccAtA;
    I32Load16S => I32Load16S, I32Load16SAt, I32Load16SAccAt, I32Load16SA, I32Load16SAtA, I32Load16SAccAtA;
    I32Load16U => I32Load16U, I32Load16UAt, I32Load16UAccAt, I32Load16UA, I32Load16UAtA, I32Load16UAccAtA;
    I64Load8S => I64Load8S, I64Load8SAt, I64Load8SAccAt, I64Load8SA, I64Load8SAtA, I64Load8SAccAtA;
    I64Load8U => I64Load8U, I64Load8UAt, I64Load8UAccAt, I64Load8UA, I64Load8UAtA, I64Load8UAccAtA;
    I64Load16S => I64Load16S, I64Load16SAt, I64Load16SAccAt, I64Load16SA, I64Load16SAtA, I64Load16SAccAtA;
    I64Load16U => I64Load16U, I64Load16UAt, I64Load16UAccAt, I64Load16UA, I64Load16UAtA, I64Load16UAccAtA;
    I64Load32S => I64Load32S, I64Load32SAt, I64Load32SAccAt, I64Load32SA, I64Load32SAtA, I64Load32SAccAtA;
    I64Load32U => I64Load32U, I64Load32UAt, I64Load32UAccAt, I64Load32UA, I64Load32UAtA, I64Load32UAccAtA;
}

store_forms! {
    I32Store | F32Store => I32Store, I32StoreAt, I32StoreAccAt, I32StoreAcc, I32StoreAtAcc;
    I64Store | F64Store => I64Store, I64StoreAt, I64StoreAccAt, I64StoreAcc, I64StoreAtAcc;
    I32Store8 => I32Store8, I32Store8At, I32Store8AccAt, I32Store8Acc, I32Store8AtAcc;
    I32Store16 => I32Store16, I32Store16At, I32Store16AccAt, I32Store16Acc, I32Store16AtAcc;
    I64Store8 => I64Store8, I64Store8At, I64Store8AccAt, I64Store8Acc, I64Store8AtAcc;
    I64Store16 => I64Store16, I64Store16At, I64Store16AccAt, I64Store16Acc, I64Store16AtAcc;
    I64Store32 => I64Store32, I64Store32At, I64Store32AccAt, I64Store32Acc, I64Store32AtAcc;
}

//! The interpreter's instruction set.
//!
//! Operands named `Slot` are indices into the current frame. Instructions
//! that need more than three operands are followed by an [`Instr::Aux`]
//! word, which is never executed.
//!
//! Every instruction is declared once, in [`instructions!`], with the kind of
//! each operand: `slot` (a frame slot), `base` (where a callee's frame
//! starts), `target` (an instruction index) or `imm` (an immediate of the
//! given type). The enum and the operand visitor
//! that the translator's remapping and the verifier use are derived from it.

use crate::error::TrapCode;

pub(crate) type Slot = u32;

/// An operand the translator may rewrite and the verifier checks.
pub(crate) enum Operand<'a> {
    Slot(&'a mut Slot),
    /// Where a callee's frame starts: the arguments' first slot, which is
    /// the end of the frame when there are none.
    CallBase(&'a mut Slot),
    Target(&'a mut u32),
}

macro_rules! operand_type {
    (slot) => {
        Slot
    };
    (base) => {
        Slot
    };
    (target) => {
        u32
    };
    (imm $ty:ty) => {
        $ty
    };
}

macro_rules! visit_operand {
    ($visit:ident, slot, $field:ident) => {
        $visit(Operand::Slot($field))
    };
    ($visit:ident, base, $field:ident) => {
        $visit(Operand::CallBase($field))
    };
    ($visit:ident, target, $field:ident) => {
        $visit(Operand::Target($field))
    };
    ($visit:ident, imm, $field:ident) => {
        let _ = $field;
    };
}

macro_rules! instructions {
    ($(
        $(#[$doc:meta])*
        $name:ident $(( $($kind:ident $field:ident $(: $ty:ty)?),* ))?,
    )*) => {
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub(crate) enum Instr {
            $(
                $(#[$doc])*
                $name $(( $(operand_type!($kind $($ty)?)),* ))?,
            )*
        }

        impl Instr {
            /// Calls `visit` with every slot and branch target this
            /// instruction names, in declaration order.
            pub(crate) fn visit_operands(&mut self, visit: &mut impl FnMut(Operand<'_>)) {
                match self {
                    $(
                        Instr::$name $(( $($field),* ))? => { $($( visit_operand!(visit, $kind, $field); )*)? }
                    )*
                }
            }
        }
    };
}

instructions! {
    // Control.
    Trap(imm code: TrapCode),
    /// Charge the fuel of the straight-line region that starts here.
    Fuel(imm amount: u32),
    /// Count an entry into straight-line region N (coverage measurement).
    Cover(imm region: u32),
    Br(target to),
    BrIfNez(slot cond, target to),
    BrIfEqz(slot cond, target to),
    /// Branch when the integer comparison of two slots holds (a compare
    /// fused with the `br_if` or `if` that consumed it).
    BrI32Eq(slot a, slot b, target to),
    BrI32Ne(slot a, slot b, target to),
    BrI32LtS(slot a, slot b, target to),
    BrI32LtU(slot a, slot b, target to),
    BrI32GtS(slot a, slot b, target to),
    BrI32GtU(slot a, slot b, target to),
    BrI32LeS(slot a, slot b, target to),
    BrI32LeU(slot a, slot b, target to),
    BrI32GeS(slot a, slot b, target to),
    BrI32GeU(slot a, slot b, target to),
    BrI64Eq(slot a, slot b, target to),
    BrI64Ne(slot a, slot b, target to),
    BrI64LtS(slot a, slot b, target to),
    BrI64LtU(slot a, slot b, target to),
    BrI64GtS(slot a, slot b, target to),
    BrI64GtU(slot a, slot b, target to),
    BrI64LeS(slot a, slot b, target to),
    BrI64LeU(slot a, slot b, target to),
    BrI64GeS(slot a, slot b, target to),
    BrI64GeU(slot a, slot b, target to),
    /// Jump `min(index, len)` instructions past the next one; the table of
    /// `len + 1` `Br`s follows.
    BrTable(slot index, imm len: u32),
    /// Return; the results are at the frame base.
    Return,
    /// Return the results that start at the slot: they move to the frame base.
    ReturnFrom(slot first),
    /// Call a function defined in the same module: (defined index, arg base).
    CallInternal(imm func: u32, base base),
    /// Call through the instance's function index space: (func index, arg base).
    Call(imm func: u32, base base),
    /// (arg base, table index slot, type index) + Aux(table).
    CallIndirect(base base, slot index, imm ty: u32),
    Aux(imm x: u32, imm y: u32, imm z: u32),

    // Data movement.
    Copy(slot d, slot s),
    /// Any constant, as raw bits (an i32 or f32 zero-extended).
    Const64(slot d, imm value: u64),
    /// (a, b, cond): a = cond != 0 ? a : b.
    Select(slot a, slot b, slot cond),
    GlobalGet(slot d, imm global: u32),
    GlobalSet(imm global: u32, slot s),

    // Memory 0: loads (dst, addr, offset) and stores (addr, value, offset).
    I32Load(slot d, slot addr, imm offset: u32),
    I64Load(slot d, slot addr, imm offset: u32),
    I32Load8S(slot d, slot addr, imm offset: u32),
    I32Load8U(slot d, slot addr, imm offset: u32),
    I32Load16S(slot d, slot addr, imm offset: u32),
    I32Load16U(slot d, slot addr, imm offset: u32),
    I64Load8S(slot d, slot addr, imm offset: u32),
    I64Load8U(slot d, slot addr, imm offset: u32),
    I64Load16S(slot d, slot addr, imm offset: u32),
    I64Load16U(slot d, slot addr, imm offset: u32),
    I64Load32S(slot d, slot addr, imm offset: u32),
    I64Load32U(slot d, slot addr, imm offset: u32),
    /// Loads and stores at offset 0 whose address is the wrapping sum of
    /// two slots (an `i32.add` fused into the access): (dst, a, b) and
    /// (a, b, value).
    I32LoadAt(slot d, slot a, slot b),
    I64LoadAt(slot d, slot a, slot b),
    I32Load8UAt(slot d, slot a, slot b),
    I32StoreAt(slot a, slot b, slot value),
    I64StoreAt(slot a, slot b, slot value),
    I32Store8At(slot a, slot b, slot value),
    I32Store(slot addr, slot value, imm offset: u32),
    I64Store(slot addr, slot value, imm offset: u32),
    I32Store8(slot addr, slot value, imm offset: u32),
    I32Store16(slot addr, slot value, imm offset: u32),
    I64Store8(slot addr, slot value, imm offset: u32),
    I64Store16(slot addr, slot value, imm offset: u32),
    I64Store32(slot addr, slot value, imm offset: u32),
    MemorySize(slot d),
    MemoryGrow(slot d),
    /// (dst, value, len)
    MemoryFill(slot d, slot s, slot n),
    /// (dst, src, len)
    MemoryCopy(slot d, slot s, slot n),
    /// (dst, src, len) + Aux(data segment)
    MemoryInit(slot d, slot s, slot n),
    DataDrop(imm segment: u32),

    // Tables and references.
    /// (dst, index, table)
    TableGet(slot d, slot index, imm table: u32),
    /// (index, value, table)
    TableSet(slot index, slot value, imm table: u32),
    TableSize(slot d, imm table: u32),
    /// (init value and result, delta, table)
    TableGrow(slot d, slot n, imm table: u32),
    /// (index, value, len) + Aux(table)
    TableFill(slot d, slot s, slot n),
    /// (dst, src, len) + Aux(dst table, src table)
    TableCopy(slot d, slot s, slot n),
    /// (dst, src, len) + Aux(table, element segment)
    TableInit(slot d, slot s, slot n),
    ElemDrop(imm segment: u32),
    RefIsNull(slot d, slot a),
    RefFunc(slot d, imm func: u32),

    // Unary numeric (dst, operand).
    I32Eqz(slot d, slot a),
    I64Eqz(slot d, slot a),
    I32Clz(slot d, slot a),
    I32Ctz(slot d, slot a),
    I32Popcnt(slot d, slot a),
    I64Clz(slot d, slot a),
    I64Ctz(slot d, slot a),
    I64Popcnt(slot d, slot a),
    F32Abs(slot d, slot a),
    F32Neg(slot d, slot a),
    F32Ceil(slot d, slot a),
    F32Floor(slot d, slot a),
    F32Trunc(slot d, slot a),
    F32Nearest(slot d, slot a),
    F32Sqrt(slot d, slot a),
    F64Abs(slot d, slot a),
    F64Neg(slot d, slot a),
    F64Ceil(slot d, slot a),
    F64Floor(slot d, slot a),
    F64Trunc(slot d, slot a),
    F64Nearest(slot d, slot a),
    F64Sqrt(slot d, slot a),
    I32WrapI64(slot d, slot a),
    I32TruncF32S(slot d, slot a),
    I32TruncF32U(slot d, slot a),
    I32TruncF64S(slot d, slot a),
    I32TruncF64U(slot d, slot a),
    I64ExtendI32S(slot d, slot a),
    I64ExtendI32U(slot d, slot a),
    I64TruncF32S(slot d, slot a),
    I64TruncF32U(slot d, slot a),
    I64TruncF64S(slot d, slot a),
    I64TruncF64U(slot d, slot a),
    F32ConvertI32S(slot d, slot a),
    F32ConvertI32U(slot d, slot a),
    F32ConvertI64S(slot d, slot a),
    F32ConvertI64U(slot d, slot a),
    F32DemoteF64(slot d, slot a),
    F64ConvertI32S(slot d, slot a),
    F64ConvertI32U(slot d, slot a),
    F64ConvertI64S(slot d, slot a),
    F64ConvertI64U(slot d, slot a),
    F64PromoteF32(slot d, slot a),
    I32Extend8S(slot d, slot a),
    I32Extend16S(slot d, slot a),
    I64Extend8S(slot d, slot a),
    I64Extend16S(slot d, slot a),
    I64Extend32S(slot d, slot a),
    I32TruncSatF32S(slot d, slot a),
    I32TruncSatF32U(slot d, slot a),
    I32TruncSatF64S(slot d, slot a),
    I32TruncSatF64U(slot d, slot a),
    I64TruncSatF32S(slot d, slot a),
    I64TruncSatF32U(slot d, slot a),
    I64TruncSatF64S(slot d, slot a),
    I64TruncSatF64U(slot d, slot a),

    // Binary numeric (dst, lhs, rhs).
    I32Eq(slot d, slot a, slot b),
    I32Ne(slot d, slot a, slot b),
    I32LtS(slot d, slot a, slot b),
    I32LtU(slot d, slot a, slot b),
    I32GtS(slot d, slot a, slot b),
    I32GtU(slot d, slot a, slot b),
    I32LeS(slot d, slot a, slot b),
    I32LeU(slot d, slot a, slot b),
    I32GeS(slot d, slot a, slot b),
    I32GeU(slot d, slot a, slot b),
    I64Eq(slot d, slot a, slot b),
    I64Ne(slot d, slot a, slot b),
    I64LtS(slot d, slot a, slot b),
    I64LtU(slot d, slot a, slot b),
    I64GtS(slot d, slot a, slot b),
    I64GtU(slot d, slot a, slot b),
    I64LeS(slot d, slot a, slot b),
    I64LeU(slot d, slot a, slot b),
    I64GeS(slot d, slot a, slot b),
    I64GeU(slot d, slot a, slot b),
    F32Eq(slot d, slot a, slot b),
    F32Ne(slot d, slot a, slot b),
    F32Lt(slot d, slot a, slot b),
    F32Gt(slot d, slot a, slot b),
    F32Le(slot d, slot a, slot b),
    F32Ge(slot d, slot a, slot b),
    F64Eq(slot d, slot a, slot b),
    F64Ne(slot d, slot a, slot b),
    F64Lt(slot d, slot a, slot b),
    F64Gt(slot d, slot a, slot b),
    F64Le(slot d, slot a, slot b),
    F64Ge(slot d, slot a, slot b),
    I32Add(slot d, slot a, slot b),
    I32Sub(slot d, slot a, slot b),
    I32Mul(slot d, slot a, slot b),
    I32DivS(slot d, slot a, slot b),
    I32DivU(slot d, slot a, slot b),
    I32RemS(slot d, slot a, slot b),
    I32RemU(slot d, slot a, slot b),
    I32And(slot d, slot a, slot b),
    I32Or(slot d, slot a, slot b),
    I32Xor(slot d, slot a, slot b),
    I32Shl(slot d, slot a, slot b),
    I32ShrS(slot d, slot a, slot b),
    I32ShrU(slot d, slot a, slot b),
    I32Rotl(slot d, slot a, slot b),
    I32Rotr(slot d, slot a, slot b),
    I64Add(slot d, slot a, slot b),
    I64Sub(slot d, slot a, slot b),
    I64Mul(slot d, slot a, slot b),
    I64DivS(slot d, slot a, slot b),
    I64DivU(slot d, slot a, slot b),
    I64RemS(slot d, slot a, slot b),
    I64RemU(slot d, slot a, slot b),
    I64And(slot d, slot a, slot b),
    I64Or(slot d, slot a, slot b),
    I64Xor(slot d, slot a, slot b),
    I64Shl(slot d, slot a, slot b),
    I64ShrS(slot d, slot a, slot b),
    I64ShrU(slot d, slot a, slot b),
    I64Rotl(slot d, slot a, slot b),
    I64Rotr(slot d, slot a, slot b),
    F32Add(slot d, slot a, slot b),
    F32Sub(slot d, slot a, slot b),
    F32Mul(slot d, slot a, slot b),
    F32Div(slot d, slot a, slot b),
    F32Min(slot d, slot a, slot b),
    F32Max(slot d, slot a, slot b),
    F32Copysign(slot d, slot a, slot b),
    F64Add(slot d, slot a, slot b),
    F64Sub(slot d, slot a, slot b),
    F64Mul(slot d, slot a, slot b),
    F64Div(slot d, slot a, slot b),
    F64Min(slot d, slot a, slot b),
    F64Max(slot d, slot a, slot b),
    F64Copysign(slot d, slot a, slot b),
}

// Keep instructions two words wide: the dispatch loop's cache footprint
// depends on it.
const _: () = assert!(std::mem::size_of::<Instr>() == 16);

//! The interpreter's instruction set.
//!
//! Operands named `Slot` are indices into the current frame. Instructions
//! that need more than three operands are followed by an [`Instr::Aux`]
//! word, which is never executed.
//!
//! Every instruction is declared once, in [`instructions!`], with the kind of
//! each operand: `slot` (a frame slot it reads), `dest` (a frame slot it
//! writes, and may also read), `vslot`/`vdest` (the same for a v128, which
//! takes the slot and the one after it: low word first), `base` (where a
//! callee's frame starts), `short` (a slot it reads, in 16 bits), `target`
//! (an instruction index) or `imm` (an immediate of the given type). The enum and the operand visitor
//! that the translator's remapping and the verifier use are derived from it.

use crate::error::TrapCode;

pub(crate) type Slot = u32;

/// A slot in the two spare bytes after the opcode, for instructions that
/// need a fourth operand: only a local or a constant's slot, the slots
/// whose final index the translator knows to be small (operand slots move
/// up by the number of constants when the function ends).
pub(crate) type ShortSlot = u16;

/// An operand the translator may rewrite and the verifier checks.
pub(crate) enum Operand<'a> {
    /// A slot the instruction reads.
    Slot(&'a mut Slot),
    /// A slot the instruction writes (and may also read).
    Dest(&'a mut Slot),
    /// The first of the two slots of a v128 the instruction reads.
    VSlot(&'a mut Slot),
    /// The first of the two slots of a v128 the instruction writes (and
    /// may also read).
    VDest(&'a mut Slot),
    /// Where a callee's frame starts: the arguments' first slot, which is
    /// the end of the frame when there are none.
    CallBase(&'a mut Slot),
    /// A slot the instruction reads, in 16 bits: a local or a constant's
    /// slot (see [`ShortSlot`]).
    Short(&'a mut ShortSlot),
    Target(&'a mut u32),
}

macro_rules! operand_type {
    (slot) => {
        Slot
    };
    (dest) => {
        Slot
    };
    (vslot) => {
        Slot
    };
    (vdest) => {
        Slot
    };
    (base) => {
        Slot
    };
    (short) => {
        ShortSlot
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
    ($visit:ident, dest, $field:ident) => {
        $visit(Operand::Dest($field))
    };
    ($visit:ident, vslot, $field:ident) => {
        $visit(Operand::VSlot($field))
    };
    ($visit:ident, vdest, $field:ident) => {
        $visit(Operand::VDest($field))
    };
    ($visit:ident, base, $field:ident) => {
        $visit(Operand::CallBase($field))
    };
    ($visit:ident, short, $field:ident) => {
        $visit(Operand::Short($field))
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
        // `repr(u16)` makes the first two bytes of an instruction its
        // opcode, which is how the dispatch finds the next handler.
        #[derive(Clone, Copy, Debug, PartialEq)]
        #[repr(u16)]
        pub(crate) enum Instr {
            $(
                $(#[$doc])*
                $name $(( $(operand_type!($kind $($ty)?)),* ))?,
            )*
        }

        /// An instruction's opcode: its discriminant, which both enums number
        /// in declaration order from 0.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u16)]
        pub(crate) enum Opcode {
            $( $name, )*
        }

        pub(crate) const NUM_OPCODES: usize = [$(Opcode::$name),*].len();

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
    /// `d = d + step` (i32, wrapping), then branch when the sum is not
    /// zero (or is zero): a loop counter's step fused with the `br_if` or
    /// `if` that tests it.
    BrI32StepNez(dest d, slot step, target to),
    BrI32StepEqz(dest d, slot step, target to),
    /// `d = d + step` (wrapping, of the comparison's width), then branch
    /// when the comparison of `d` with `bound` holds: a loop counter's step
    /// fused with the compare-and-branch that tests it against its bound.
    BrI32StepEq(short bound, dest d, slot step, target to),
    BrI32StepNe(short bound, dest d, slot step, target to),
    BrI32StepLtS(short bound, dest d, slot step, target to),
    BrI32StepLtU(short bound, dest d, slot step, target to),
    BrI32StepGtS(short bound, dest d, slot step, target to),
    BrI32StepGtU(short bound, dest d, slot step, target to),
    BrI32StepLeS(short bound, dest d, slot step, target to),
    BrI32StepLeU(short bound, dest d, slot step, target to),
    BrI32StepGeS(short bound, dest d, slot step, target to),
    BrI32StepGeU(short bound, dest d, slot step, target to),
    BrI64StepEq(short bound, dest d, slot step, target to),
    BrI64StepNe(short bound, dest d, slot step, target to),
    BrI64StepLtS(short bound, dest d, slot step, target to),
    BrI64StepLtU(short bound, dest d, slot step, target to),
    BrI64StepGtS(short bound, dest d, slot step, target to),
    BrI64StepGtU(short bound, dest d, slot step, target to),
    BrI64StepLeS(short bound, dest d, slot step, target to),
    BrI64StepLeU(short bound, dest d, slot step, target to),
    BrI64StepGeS(short bound, dest d, slot step, target to),
    BrI64StepGeU(short bound, dest d, slot step, target to),
    /// `d = s`, then branch: a copy into a loop's or block's local fused
    /// with the jump after it.
    CopyBr(dest d, slot s, target to),
    /// Branch to the target of the `min(index, len)`th of the `len + 1`
    /// `Br`s that follow (a table the handler reads, never runs).
    BrTable(slot index, imm len: u32),
    /// Return; the results are at the frame base.
    Return,
    /// Return the results that start at the slot: they move to the frame base.
    ReturnFrom(slot first),
    /// Return the single result in the slot (`ReturnFrom` without reading
    /// the result count).
    ReturnOne(slot value),
    /// Call a function defined in the same module: (defined index, arg base).
    CallInternal(imm func: u32, base base),
    /// Call through the instance's function index space: (func index, arg base).
    Call(imm func: u32, base base),
    /// (arg base, table index slot, type index) + Aux(table).
    CallIndirect(base base, slot index, imm ty: u32),
    Aux(imm x: u32, imm y: u32, imm z: u32),

    // Data movement.
    Copy(dest d, slot s),
    /// Any constant, as raw bits (an i32 or f32 zero-extended).
    Const64(dest d, imm value: u64),
    /// (a, b, cond): a = cond != 0 ? a : b.
    Select(dest a, slot b, slot cond),
    GlobalGet(dest d, imm global: u32),
    GlobalSet(imm global: u32, slot s),
    /// (a, b, cond): a = cond != 0 ? a : b, of v128s.
    SelectV128(vdest a, vslot b, slot cond),
    GlobalGetV128(vdest d, imm global: u32),
    GlobalSetV128(imm global: u32, vslot s),

    // Memory 0, or the one selected (see `SelectMemory`): loads (dst,
    // addr, offset) and stores (addr, value, offset).
    I32Load(dest d, slot addr, imm offset: u32),
    I64Load(dest d, slot addr, imm offset: u32),
    I32Load8S(dest d, slot addr, imm offset: u32),
    I32Load8U(dest d, slot addr, imm offset: u32),
    I32Load16S(dest d, slot addr, imm offset: u32),
    I32Load16U(dest d, slot addr, imm offset: u32),
    I64Load8S(dest d, slot addr, imm offset: u32),
    I64Load8U(dest d, slot addr, imm offset: u32),
    I64Load16S(dest d, slot addr, imm offset: u32),
    I64Load16U(dest d, slot addr, imm offset: u32),
    I64Load32S(dest d, slot addr, imm offset: u32),
    I64Load32U(dest d, slot addr, imm offset: u32),
    /// Loads and stores at offset 0 whose address is the wrapping sum of
    /// two slots (an `i32.add` fused into the access): (dst, a, b) and
    /// (a, b, value).
    I32LoadAt(dest d, slot a, slot b),
    I64LoadAt(dest d, slot a, slot b),
    I32Load8SAt(dest d, slot a, slot b),
    I32Load8UAt(dest d, slot a, slot b),
    I32Load16SAt(dest d, slot a, slot b),
    I32Load16UAt(dest d, slot a, slot b),
    I64Load8SAt(dest d, slot a, slot b),
    I64Load8UAt(dest d, slot a, slot b),
    I64Load16SAt(dest d, slot a, slot b),
    I64Load16UAt(dest d, slot a, slot b),
    I64Load32SAt(dest d, slot a, slot b),
    I64Load32UAt(dest d, slot a, slot b),
    I32StoreAt(slot a, slot b, slot value),
    I64StoreAt(slot a, slot b, slot value),
    I32Store8At(slot a, slot b, slot value),
    I32Store16At(slot a, slot b, slot value),
    I64Store8At(slot a, slot b, slot value),
    I64Store16At(slot a, slot b, slot value),
    I64Store32At(slot a, slot b, slot value),
    /// Loads and stores at offset 0 whose address is the wrapping sum of
    /// the accumulator and a slot: (dst, b) and (b, value).
    I32LoadAccAt(dest d, slot b),
    I64LoadAccAt(dest d, slot b),
    I32Load8SAccAt(dest d, slot b),
    I32Load8UAccAt(dest d, slot b),
    I32Load16SAccAt(dest d, slot b),
    I32Load16UAccAt(dest d, slot b),
    I64Load8SAccAt(dest d, slot b),
    I64Load8UAccAt(dest d, slot b),
    I64Load16SAccAt(dest d, slot b),
    I64Load16UAccAt(dest d, slot b),
    I64Load32SAccAt(dest d, slot b),
    I64Load32UAccAt(dest d, slot b),
    I32StoreAccAt(slot b, slot value),
    I64StoreAccAt(slot b, slot value),
    I32Store8AccAt(slot b, slot value),
    I32Store16AccAt(slot b, slot value),
    I64Store8AccAt(slot b, slot value),
    I64Store16AccAt(slot b, slot value),
    I64Store32AccAt(slot b, slot value),
    I32Store(slot addr, slot value, imm offset: u32),
    I64Store(slot addr, slot value, imm offset: u32),
    I32Store8(slot addr, slot value, imm offset: u32),
    I32Store16(slot addr, slot value, imm offset: u32),
    I64Store8(slot addr, slot value, imm offset: u32),
    I64Store16(slot addr, slot value, imm offset: u32),
    I64Store32(slot addr, slot value, imm offset: u32),
    /// Loads into the accumulator: (addr, offset), (a, b) and (b) as the
    /// forms above; and stores of the accumulator: (addr, offset) and (a, b).
    I32LoadA(slot addr, imm offset: u32),
    I32LoadAtA(slot a, slot b),
    I32LoadAccAtA(slot b),
    I64LoadA(slot addr, imm offset: u32),
    I64LoadAtA(slot a, slot b),
    I64LoadAccAtA(slot b),
    I32Load8SA(slot addr, imm offset: u32),
    I32Load8SAtA(slot a, slot b),
    I32Load8SAccAtA(slot b),
    I32Load8UA(slot addr, imm offset: u32),
    I32Load8UAtA(slot a, slot b),
    I32Load8UAccAtA(slot b),
    I32Load16SA(slot addr, imm offset: u32),
    I32Load16SAtA(slot a, slot b),
    I32Load16SAccAtA(slot b),
    I32Load16UA(slot addr, imm offset: u32),
    I32Load16UAtA(slot a, slot b),
    I32Load16UAccAtA(slot b),
    I64Load8SA(slot addr, imm offset: u32),
    I64Load8SAtA(slot a, slot b),
    I64Load8SAccAtA(slot b),
    I64Load8UA(slot addr, imm offset: u32),
    I64Load8UAtA(slot a, slot b),
    I64Load8UAccAtA(slot b),
    I64Load16SA(slot addr, imm offset: u32),
    I64Load16SAtA(slot a, slot b),
    I64Load16SAccAtA(slot b),
    I64Load16UA(slot addr, imm offset: u32),
    I64Load16UAtA(slot a, slot b),
    I64Load16UAccAtA(slot b),
    I64Load32SA(slot addr, imm offset: u32),
    I64Load32SAtA(slot a, slot b),
    I64Load32SAccAtA(slot b),
    I64Load32UA(slot addr, imm offset: u32),
    I64Load32UAtA(slot a, slot b),
    I64Load32UAccAtA(slot b),
    I32StoreAcc(slot addr, imm offset: u32),
    I32StoreAtAcc(slot a, slot b),
    I64StoreAcc(slot addr, imm offset: u32),
    I64StoreAtAcc(slot a, slot b),
    I32Store8Acc(slot addr, imm offset: u32),
    I32Store8AtAcc(slot a, slot b),
    I32Store16Acc(slot addr, imm offset: u32),
    I32Store16AtAcc(slot a, slot b),
    I64Store8Acc(slot addr, imm offset: u32),
    I64Store8AtAcc(slot a, slot b),
    I64Store16Acc(slot addr, imm offset: u32),
    I64Store16AtAcc(slot a, slot b),
    I64Store32Acc(slot addr, imm offset: u32),
    I64Store32AtAcc(slot a, slot b),
    /// The loads and stores above and the SIMD ones access the memory whose
    /// bounds the dispatch carries, memory 0. An access of another memory
    /// is bracketed: `SelectMemory(index)` before it, `SelectMemory(0)`
    /// after (only operand copies come between).
    SelectMemory(imm memory: u32),
    MemorySize(dest d, imm memory: u32),
    MemoryGrow(dest d, imm memory: u32),
    /// (dst, value, len) + Aux(memory)
    MemoryFill(slot d, slot s, slot n),
    /// (dst, src, len) + Aux(destination memory, source memory)
    MemoryCopy(slot d, slot s, slot n),
    /// (dst, src, len) + Aux(data segment, memory)
    MemoryInit(slot d, slot s, slot n),
    DataDrop(imm segment: u32),

    // Tables and references.
    /// (dst, index, table)
    TableGet(dest d, slot index, imm table: u32),
    /// (index, value, table)
    TableSet(slot index, slot value, imm table: u32),
    TableSize(dest d, imm table: u32),
    /// (init value and result, delta, table)
    TableGrow(dest d, slot n, imm table: u32),
    /// (index, value, len) + Aux(table)
    TableFill(slot d, slot s, slot n),
    /// (dst, src, len) + Aux(dst table, src table)
    TableCopy(slot d, slot s, slot n),
    /// (dst, src, len) + Aux(table, element segment)
    TableInit(slot d, slot s, slot n),
    ElemDrop(imm segment: u32),
    RefIsNull(dest d, slot a),
    RefFunc(dest d, imm func: u32),

    // Unary numeric (dst, operand).
    I32Eqz(dest d, slot a),
    I64Eqz(dest d, slot a),
    I32Clz(dest d, slot a),
    I32Ctz(dest d, slot a),
    I32Popcnt(dest d, slot a),
    I64Clz(dest d, slot a),
    I64Ctz(dest d, slot a),
    I64Popcnt(dest d, slot a),
    F32Abs(dest d, slot a),
    F32Neg(dest d, slot a),
    F32Ceil(dest d, slot a),
    F32Floor(dest d, slot a),
    F32Trunc(dest d, slot a),
    F32Nearest(dest d, slot a),
    F32Sqrt(dest d, slot a),
    F64Abs(dest d, slot a),
    F64Neg(dest d, slot a),
    F64Ceil(dest d, slot a),
    F64Floor(dest d, slot a),
    F64Trunc(dest d, slot a),
    F64Nearest(dest d, slot a),
    F64Sqrt(dest d, slot a),
    I32WrapI64(dest d, slot a),
    I32TruncF32S(dest d, slot a),
    I32TruncF32U(dest d, slot a),
    I32TruncF64S(dest d, slot a),
    I32TruncF64U(dest d, slot a),
    I64ExtendI32S(dest d, slot a),
    I64ExtendI32U(dest d, slot a),
    I64TruncF32S(dest d, slot a),
    I64TruncF32U(dest d, slot a),
    I64TruncF64S(dest d, slot a),
    I64TruncF64U(dest d, slot a),
    F32ConvertI32S(dest d, slot a),
    F32ConvertI32U(dest d, slot a),
    F32ConvertI64S(dest d, slot a),
    F32ConvertI64U(dest d, slot a),
    F32DemoteF64(dest d, slot a),
    F64ConvertI32S(dest d, slot a),
    F64ConvertI32U(dest d, slot a),
    F64ConvertI64S(dest d, slot a),
    F64ConvertI64U(dest d, slot a),
    F64PromoteF32(dest d, slot a),
    I32Extend8S(dest d, slot a),
    I32Extend16S(dest d, slot a),
    I64Extend8S(dest d, slot a),
    I64Extend16S(dest d, slot a),
    I64Extend32S(dest d, slot a),
    I32TruncSatF32S(dest d, slot a),
    I32TruncSatF32U(dest d, slot a),
    I32TruncSatF64S(dest d, slot a),
    I32TruncSatF64U(dest d, slot a),
    I64TruncSatF32S(dest d, slot a),
    I64TruncSatF32U(dest d, slot a),
    I64TruncSatF64S(dest d, slot a),
    I64TruncSatF64U(dest d, slot a),

    // Binary numeric (dst, lhs, rhs).
    I32Eq(dest d, slot a, slot b),
    I32Ne(dest d, slot a, slot b),
    I32LtS(dest d, slot a, slot b),
    I32LtU(dest d, slot a, slot b),
    I32GtS(dest d, slot a, slot b),
    I32GtU(dest d, slot a, slot b),
    I32LeS(dest d, slot a, slot b),
    I32LeU(dest d, slot a, slot b),
    I32GeS(dest d, slot a, slot b),
    I32GeU(dest d, slot a, slot b),
    I64Eq(dest d, slot a, slot b),
    I64Ne(dest d, slot a, slot b),
    I64LtS(dest d, slot a, slot b),
    I64LtU(dest d, slot a, slot b),
    I64GtS(dest d, slot a, slot b),
    I64GtU(dest d, slot a, slot b),
    I64LeS(dest d, slot a, slot b),
    I64LeU(dest d, slot a, slot b),
    I64GeS(dest d, slot a, slot b),
    I64GeU(dest d, slot a, slot b),
    F32Eq(dest d, slot a, slot b),
    F32Ne(dest d, slot a, slot b),
    F32Lt(dest d, slot a, slot b),
    F32Gt(dest d, slot a, slot b),
    F32Le(dest d, slot a, slot b),
    F32Ge(dest d, slot a, slot b),
    F64Eq(dest d, slot a, slot b),
    F64Ne(dest d, slot a, slot b),
    F64Lt(dest d, slot a, slot b),
    F64Gt(dest d, slot a, slot b),
    F64Le(dest d, slot a, slot b),
    F64Ge(dest d, slot a, slot b),
    I32Add(dest d, slot a, slot b),
    I32Sub(dest d, slot a, slot b),
    I32Mul(dest d, slot a, slot b),
    I32DivS(dest d, slot a, slot b),
    I32DivU(dest d, slot a, slot b),
    I32RemS(dest d, slot a, slot b),
    I32RemU(dest d, slot a, slot b),
    I32And(dest d, slot a, slot b),
    I32Or(dest d, slot a, slot b),
    I32Xor(dest d, slot a, slot b),
    I32Shl(dest d, slot a, slot b),
    I32ShrS(dest d, slot a, slot b),
    I32ShrU(dest d, slot a, slot b),
    I32Rotl(dest d, slot a, slot b),
    I32Rotr(dest d, slot a, slot b),
    I64Add(dest d, slot a, slot b),
    I64Sub(dest d, slot a, slot b),
    I64Mul(dest d, slot a, slot b),
    I64DivS(dest d, slot a, slot b),
    I64DivU(dest d, slot a, slot b),
    I64RemS(dest d, slot a, slot b),
    I64RemU(dest d, slot a, slot b),
    I64And(dest d, slot a, slot b),
    I64Or(dest d, slot a, slot b),
    I64Xor(dest d, slot a, slot b),
    I64Shl(dest d, slot a, slot b),
    I64ShrS(dest d, slot a, slot b),
    I64ShrU(dest d, slot a, slot b),
    I64Rotl(dest d, slot a, slot b),
    I64Rotr(dest d, slot a, slot b),
    F32Add(dest d, slot a, slot b),
    F32Sub(dest d, slot a, slot b),
    F32Mul(dest d, slot a, slot b),
    F32Div(dest d, slot a, slot b),
    F32Min(dest d, slot a, slot b),
    F32Max(dest d, slot a, slot b),
    F32Copysign(dest d, slot a, slot b),
    F64Add(dest d, slot a, slot b),
    F64Sub(dest d, slot a, slot b),
    F64Mul(dest d, slot a, slot b),
    F64Div(dest d, slot a, slot b),
    F64Min(dest d, slot a, slot b),
    F64Max(dest d, slot a, slot b),
    F64Copysign(dest d, slot a, slot b),

    // The accumulator forms of the operators in `ops::accumulating!`: a
    // value in the accumulator (a register the handlers pass on) needs no
    // slot write and read between the instruction that computes it and
    // the one that uses it. `…A(a, b)`: acc = a op b; `…Acc(b)`: acc =
    // acc op b; `…AccTo(d, b)`: d = acc op b.
    I32AddA(slot a, slot b),
    I32AddAcc(slot b),
    I32AddAccTo(dest d, slot b),
    I32SubA(slot a, slot b),
    I32SubAcc(slot b),
    I32SubAccTo(dest d, slot b),
    I32MulA(slot a, slot b),
    I32MulAcc(slot b),
    I32MulAccTo(dest d, slot b),
    I32AndA(slot a, slot b),
    I32AndAcc(slot b),
    I32AndAccTo(dest d, slot b),
    I32OrA(slot a, slot b),
    I32OrAcc(slot b),
    I32OrAccTo(dest d, slot b),
    I32XorA(slot a, slot b),
    I32XorAcc(slot b),
    I32XorAccTo(dest d, slot b),
    I32ShlA(slot a, slot b),
    I32ShlAcc(slot b),
    I32ShlAccTo(dest d, slot b),
    I32ShrSA(slot a, slot b),
    I32ShrSAcc(slot b),
    I32ShrSAccTo(dest d, slot b),
    I32ShrUA(slot a, slot b),
    I32ShrUAcc(slot b),
    I32ShrUAccTo(dest d, slot b),
    I64AddA(slot a, slot b),
    I64AddAcc(slot b),
    I64AddAccTo(dest d, slot b),
    I64SubA(slot a, slot b),
    I64SubAcc(slot b),
    I64SubAccTo(dest d, slot b),
    I64MulA(slot a, slot b),
    I64MulAcc(slot b),
    I64MulAccTo(dest d, slot b),
    I64AndA(slot a, slot b),
    I64AndAcc(slot b),
    I64AndAccTo(dest d, slot b),
    I64OrA(slot a, slot b),
    I64OrAcc(slot b),
    I64OrAccTo(dest d, slot b),
    I64XorA(slot a, slot b),
    I64XorAcc(slot b),
    I64XorAccTo(dest d, slot b),
    I64ShlA(slot a, slot b),
    I64ShlAcc(slot b),
    I64ShlAccTo(dest d, slot b),
    I64ShrSA(slot a, slot b),
    I64ShrSAcc(slot b),
    I64ShrSAccTo(dest d, slot b),
    I64ShrUA(slot a, slot b),
    I64ShrUAcc(slot b),
    I64ShrUAccTo(dest d, slot b),
    F64AddA(slot a, slot b),
    F64AddAcc(slot b),
    F64AddAccTo(dest d, slot b),
    F64SubA(slot a, slot b),
    F64SubAcc(slot b),
    F64SubAccTo(dest d, slot b),
    F64MulA(slot a, slot b),
    F64MulAcc(slot b),
    F64MulAccTo(dest d, slot b),
    F64DivA(slot a, slot b),
    F64DivAcc(slot b),
    F64DivAccTo(dest d, slot b),

    // SIMD. A v128 operand names the first of its two slots (`vslot`,
    // `vdest`). Loads (dst, addr, offset) and stores (addr, value, offset)
    // of the selected memory (see `SelectMemory`).
    V128Load(vdest d, slot addr, imm offset: u32),
    V128Load8x8S(vdest d, slot addr, imm offset: u32),
    V128Load8x8U(vdest d, slot addr, imm offset: u32),
    V128Load16x4S(vdest d, slot addr, imm offset: u32),
    V128Load16x4U(vdest d, slot addr, imm offset: u32),
    V128Load32x2S(vdest d, slot addr, imm offset: u32),
    V128Load32x2U(vdest d, slot addr, imm offset: u32),
    V128Load8Splat(vdest d, slot addr, imm offset: u32),
    V128Load16Splat(vdest d, slot addr, imm offset: u32),
    V128Load32Splat(vdest d, slot addr, imm offset: u32),
    V128Load64Splat(vdest d, slot addr, imm offset: u32),
    V128Load32Zero(vdest d, slot addr, imm offset: u32),
    V128Load64Zero(vdest d, slot addr, imm offset: u32),
    V128Store(slot addr, vslot v, imm offset: u32),
    /// Lane loads replace the lane of the vector in `v` in place: (lane,
    /// vector, addr, offset).
    V128Load8Lane(imm lane: u8, vdest v, slot addr, imm offset: u32),
    V128Load16Lane(imm lane: u8, vdest v, slot addr, imm offset: u32),
    V128Load32Lane(imm lane: u8, vdest v, slot addr, imm offset: u32),
    V128Load64Lane(imm lane: u8, vdest v, slot addr, imm offset: u32),
    /// (lane, addr, vector, offset)
    V128Store8Lane(imm lane: u8, slot addr, vslot v, imm offset: u32),
    V128Store16Lane(imm lane: u8, slot addr, vslot v, imm offset: u32),
    V128Store32Lane(imm lane: u8, slot addr, vslot v, imm offset: u32),
    V128Store64Lane(imm lane: u8, slot addr, vslot v, imm offset: u32),
    CopyV128(vdest d, vslot s),
    /// (dst, a, b) + two aux words with the 16 lane indices, four per
    /// `u32`, little-endian.
    I8x16Shuffle(vdest d, vslot a, vslot b),
    /// A shuffle that moves whole 32-bit lanes: (the result's four lanes'
    /// indices among a's then b's eight, 3 bits each from lane 0's, dst,
    /// a, b).
    I32x4Shuffle(imm lanes: u16, vdest d, vslot a, vslot b),
    /// A shuffle that moves whole 16-bit lanes within one operand: (the
    /// result's eight lanes' indices, 3 bits each from lane 0's, dst, the
    /// operand).
    I16x8Shuffle(imm lanes: u32, vdest d, vslot a),
    // Lane-wise operators: unary (dst, a), binary (dst, a, b), ternary
    // (a and dst, b, c), shifts (dst, a, count), tests (i32 dst, a),
    // splats (dst, scalar), lane access (lane, dst, a[, scalar]). A
    // relaxed operator runs its deterministic twin's instruction.
    I8x16Abs(vdest d, vslot a),
    I8x16Neg(vdest d, vslot a),
    I8x16Popcnt(vdest d, vslot a),
    I16x8Abs(vdest d, vslot a),
    I16x8Neg(vdest d, vslot a),
    I32x4Abs(vdest d, vslot a),
    I32x4Neg(vdest d, vslot a),
    I64x2Abs(vdest d, vslot a),
    I64x2Neg(vdest d, vslot a),
    F32x4Abs(vdest d, vslot a),
    F32x4Neg(vdest d, vslot a),
    F32x4Sqrt(vdest d, vslot a),
    F32x4Ceil(vdest d, vslot a),
    F32x4Floor(vdest d, vslot a),
    F32x4Trunc(vdest d, vslot a),
    F32x4Nearest(vdest d, vslot a),
    F64x2Abs(vdest d, vslot a),
    F64x2Neg(vdest d, vslot a),
    F64x2Sqrt(vdest d, vslot a),
    F64x2Ceil(vdest d, vslot a),
    F64x2Floor(vdest d, vslot a),
    F64x2Trunc(vdest d, vslot a),
    F64x2Nearest(vdest d, vslot a),
    I32x4TruncSatF32x4S(vdest d, vslot a),
    I32x4TruncSatF32x4U(vdest d, vslot a),
    F32x4ConvertI32x4S(vdest d, vslot a),
    F32x4ConvertI32x4U(vdest d, vslot a),
    I32x4TruncSatF64x2SZero(vdest d, vslot a),
    I32x4TruncSatF64x2UZero(vdest d, vslot a),
    F64x2ConvertLowI32x4S(vdest d, vslot a),
    F64x2ConvertLowI32x4U(vdest d, vslot a),
    F32x4DemoteF64x2Zero(vdest d, vslot a),
    F64x2PromoteLowF32x4(vdest d, vslot a),
    V128Not(vdest d, vslot a),
    I16x8ExtAddPairwiseI8x16S(vdest d, vslot a),
    I16x8ExtAddPairwiseI8x16U(vdest d, vslot a),
    I32x4ExtAddPairwiseI16x8S(vdest d, vslot a),
    I32x4ExtAddPairwiseI16x8U(vdest d, vslot a),
    I16x8ExtendLowI8x16S(vdest d, vslot a),
    I16x8ExtMulLowI8x16S(vdest d, vslot a, vslot b),
    I16x8ExtendLowI8x16U(vdest d, vslot a),
    I16x8ExtMulLowI8x16U(vdest d, vslot a, vslot b),
    I16x8ExtendHighI8x16S(vdest d, vslot a),
    I16x8ExtMulHighI8x16S(vdest d, vslot a, vslot b),
    I16x8ExtendHighI8x16U(vdest d, vslot a),
    I16x8ExtMulHighI8x16U(vdest d, vslot a, vslot b),
    I32x4ExtendLowI16x8S(vdest d, vslot a),
    I32x4ExtMulLowI16x8S(vdest d, vslot a, vslot b),
    I32x4ExtendLowI16x8U(vdest d, vslot a),
    I32x4ExtMulLowI16x8U(vdest d, vslot a, vslot b),
    I32x4ExtendHighI16x8S(vdest d, vslot a),
    I32x4ExtMulHighI16x8S(vdest d, vslot a, vslot b),
    I32x4ExtendHighI16x8U(vdest d, vslot a),
    I32x4ExtMulHighI16x8U(vdest d, vslot a, vslot b),
    I64x2ExtendLowI32x4S(vdest d, vslot a),
    I64x2ExtMulLowI32x4S(vdest d, vslot a, vslot b),
    I64x2ExtendLowI32x4U(vdest d, vslot a),
    I64x2ExtMulLowI32x4U(vdest d, vslot a, vslot b),
    I64x2ExtendHighI32x4S(vdest d, vslot a),
    I64x2ExtMulHighI32x4S(vdest d, vslot a, vslot b),
    I64x2ExtendHighI32x4U(vdest d, vslot a),
    I64x2ExtMulHighI32x4U(vdest d, vslot a, vslot b),
    I8x16Add(vdest d, vslot a, vslot b),
    I8x16Sub(vdest d, vslot a, vslot b),
    I8x16AddSatS(vdest d, vslot a, vslot b),
    I8x16AddSatU(vdest d, vslot a, vslot b),
    I8x16SubSatS(vdest d, vslot a, vslot b),
    I8x16SubSatU(vdest d, vslot a, vslot b),
    I8x16AvgrU(vdest d, vslot a, vslot b),
    I8x16MinS(vdest d, vslot a, vslot b),
    I8x16MinU(vdest d, vslot a, vslot b),
    I8x16MaxS(vdest d, vslot a, vslot b),
    I8x16MaxU(vdest d, vslot a, vslot b),
    I8x16Eq(vdest d, vslot a, vslot b),
    I8x16Ne(vdest d, vslot a, vslot b),
    I8x16LtS(vdest d, vslot a, vslot b),
    I8x16GtS(vdest d, vslot a, vslot b),
    I8x16LeS(vdest d, vslot a, vslot b),
    I8x16GeS(vdest d, vslot a, vslot b),
    I8x16LtU(vdest d, vslot a, vslot b),
    I8x16GtU(vdest d, vslot a, vslot b),
    I8x16LeU(vdest d, vslot a, vslot b),
    I8x16GeU(vdest d, vslot a, vslot b),
    I16x8Add(vdest d, vslot a, vslot b),
    I16x8Sub(vdest d, vslot a, vslot b),
    I16x8Mul(vdest d, vslot a, vslot b),
    I16x8AddSatS(vdest d, vslot a, vslot b),
    I16x8AddSatU(vdest d, vslot a, vslot b),
    I16x8SubSatS(vdest d, vslot a, vslot b),
    I16x8SubSatU(vdest d, vslot a, vslot b),
    I16x8AvgrU(vdest d, vslot a, vslot b),
    I16x8MinS(vdest d, vslot a, vslot b),
    I16x8MinU(vdest d, vslot a, vslot b),
    I16x8MaxS(vdest d, vslot a, vslot b),
    I16x8MaxU(vdest d, vslot a, vslot b),
    I16x8Eq(vdest d, vslot a, vslot b),
    I16x8Ne(vdest d, vslot a, vslot b),
    I16x8LtS(vdest d, vslot a, vslot b),
    I16x8GtS(vdest d, vslot a, vslot b),
    I16x8LeS(vdest d, vslot a, vslot b),
    I16x8GeS(vdest d, vslot a, vslot b),
    I16x8LtU(vdest d, vslot a, vslot b),
    I16x8GtU(vdest d, vslot a, vslot b),
    I16x8LeU(vdest d, vslot a, vslot b),
    I16x8GeU(vdest d, vslot a, vslot b),
    I32x4Add(vdest d, vslot a, vslot b),
    I32x4Sub(vdest d, vslot a, vslot b),
    I32x4Mul(vdest d, vslot a, vslot b),
    I32x4MinS(vdest d, vslot a, vslot b),
    I32x4MinU(vdest d, vslot a, vslot b),
    I32x4MaxS(vdest d, vslot a, vslot b),
    I32x4MaxU(vdest d, vslot a, vslot b),
    I32x4Eq(vdest d, vslot a, vslot b),
    I32x4Ne(vdest d, vslot a, vslot b),
    I32x4LtS(vdest d, vslot a, vslot b),
    I32x4GtS(vdest d, vslot a, vslot b),
    I32x4LeS(vdest d, vslot a, vslot b),
    I32x4GeS(vdest d, vslot a, vslot b),
    I32x4LtU(vdest d, vslot a, vslot b),
    I32x4GtU(vdest d, vslot a, vslot b),
    I32x4LeU(vdest d, vslot a, vslot b),
    I32x4GeU(vdest d, vslot a, vslot b),
    I64x2Add(vdest d, vslot a, vslot b),
    I64x2Sub(vdest d, vslot a, vslot b),
    I64x2Mul(vdest d, vslot a, vslot b),
    I64x2Eq(vdest d, vslot a, vslot b),
    I64x2Ne(vdest d, vslot a, vslot b),
    I64x2LtS(vdest d, vslot a, vslot b),
    I64x2GtS(vdest d, vslot a, vslot b),
    I64x2LeS(vdest d, vslot a, vslot b),
    I64x2GeS(vdest d, vslot a, vslot b),
    F32x4Add(vdest d, vslot a, vslot b),
    F32x4Sub(vdest d, vslot a, vslot b),
    F32x4Mul(vdest d, vslot a, vslot b),
    F32x4Div(vdest d, vslot a, vslot b),
    F32x4Min(vdest d, vslot a, vslot b),
    F32x4Max(vdest d, vslot a, vslot b),
    F32x4PMin(vdest d, vslot a, vslot b),
    F32x4PMax(vdest d, vslot a, vslot b),
    F32x4Eq(vdest d, vslot a, vslot b),
    F32x4Ne(vdest d, vslot a, vslot b),
    F32x4Lt(vdest d, vslot a, vslot b),
    F32x4Gt(vdest d, vslot a, vslot b),
    F32x4Le(vdest d, vslot a, vslot b),
    F32x4Ge(vdest d, vslot a, vslot b),
    F64x2Add(vdest d, vslot a, vslot b),
    F64x2Sub(vdest d, vslot a, vslot b),
    F64x2Mul(vdest d, vslot a, vslot b),
    F64x2Div(vdest d, vslot a, vslot b),
    F64x2Min(vdest d, vslot a, vslot b),
    F64x2Max(vdest d, vslot a, vslot b),
    F64x2PMin(vdest d, vslot a, vslot b),
    F64x2PMax(vdest d, vslot a, vslot b),
    F64x2Eq(vdest d, vslot a, vslot b),
    F64x2Ne(vdest d, vslot a, vslot b),
    F64x2Lt(vdest d, vslot a, vslot b),
    F64x2Gt(vdest d, vslot a, vslot b),
    F64x2Le(vdest d, vslot a, vslot b),
    F64x2Ge(vdest d, vslot a, vslot b),
    V128And(vdest d, vslot a, vslot b),
    V128AndNot(vdest d, vslot a, vslot b),
    V128Or(vdest d, vslot a, vslot b),
    V128Xor(vdest d, vslot a, vslot b),
    I8x16Swizzle(vdest d, vslot a, vslot b),
    I8x16NarrowI16x8S(vdest d, vslot a, vslot b),
    I8x16NarrowI16x8U(vdest d, vslot a, vslot b),
    I16x8NarrowI32x4S(vdest d, vslot a, vslot b),
    I16x8NarrowI32x4U(vdest d, vslot a, vslot b),
    I16x8Q15MulrSatS(vdest d, vslot a, vslot b),
    I32x4DotI16x8S(vdest d, vslot a, vslot b),
    I16x8RelaxedDotI8x16I7x16S(vdest d, vslot a, vslot b),
    V128Bitselect(vdest a, vslot b, vslot c),
    F32x4RelaxedMadd(vdest a, vslot b, vslot c),
    F32x4RelaxedNmadd(vdest a, vslot b, vslot c),
    F64x2RelaxedMadd(vdest a, vslot b, vslot c),
    F64x2RelaxedNmadd(vdest a, vslot b, vslot c),
    I32x4RelaxedDotI8x16I7x16AddS(vdest a, vslot b, vslot c),
    I8x16Shl(vdest d, vslot a, slot n),
    I8x16ShrS(vdest d, vslot a, slot n),
    I8x16ShrU(vdest d, vslot a, slot n),
    I16x8Shl(vdest d, vslot a, slot n),
    I16x8ShrS(vdest d, vslot a, slot n),
    I16x8ShrU(vdest d, vslot a, slot n),
    I32x4Shl(vdest d, vslot a, slot n),
    I32x4ShrS(vdest d, vslot a, slot n),
    I32x4ShrU(vdest d, vslot a, slot n),
    I64x2Shl(vdest d, vslot a, slot n),
    I64x2ShrS(vdest d, vslot a, slot n),
    I64x2ShrU(vdest d, vslot a, slot n),
    V128AnyTrue(dest d, vslot a),
    I8x16AllTrue(dest d, vslot a),
    I8x16Bitmask(dest d, vslot a),
    I16x8AllTrue(dest d, vslot a),
    I16x8Bitmask(dest d, vslot a),
    I32x4AllTrue(dest d, vslot a),
    I32x4Bitmask(dest d, vslot a),
    I64x2AllTrue(dest d, vslot a),
    I64x2Bitmask(dest d, vslot a),
    I8x16Splat(vdest d, slot a),
    I16x8Splat(vdest d, slot a),
    I32x4Splat(vdest d, slot a),
    I64x2Splat(vdest d, slot a),
    I8x16ExtractLaneS(imm lane: u8, dest d, vslot a),
    I8x16ExtractLaneU(imm lane: u8, dest d, vslot a),
    I16x8ExtractLaneS(imm lane: u8, dest d, vslot a),
    I16x8ExtractLaneU(imm lane: u8, dest d, vslot a),
    I32x4ExtractLane(imm lane: u8, dest d, vslot a),
    I64x2ExtractLane(imm lane: u8, dest d, vslot a),
    I8x16ReplaceLane(imm lane: u8, vdest d, vslot a, slot x),
    I16x8ReplaceLane(imm lane: u8, vdest d, vslot a, slot x),
    I32x4ReplaceLane(imm lane: u8, vdest d, vslot a, slot x),
    I64x2ReplaceLane(imm lane: u8, vdest d, vslot a, slot x),
}

// Keep instructions two words wide: the handlers' cache footprint
// depends on it.
const _: () = assert!(std::mem::size_of::<Instr>() == 16);

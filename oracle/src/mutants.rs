//! Mutants: a catalogue of realistic engine bugs, each as a test-only
//! executor, to measure the harness's power to find bugs (the time
//! `crucible fuzz` takes to notice each one is a benchmark: `cargo run
//! --release -p benches -- --mutants`).
//!
//! A mutant is Crucible's interpreter running every module rewritten so
//! that one operator or runtime rule behaves the way a plausible engine bug
//! would make it behave (a sign-extending load that zero-extends, an
//! overlapping copy done forwards, a bounds check off by one). Rewriting the
//! module keeps the engine free of test-only code and makes every mutant
//! tier-independent. The mutations are ours and are not tuned to the
//! generator: the benchmark measures the generator, not the other way round.

use std::borrow::Cow;

use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasm_encoder::{BlockType, Function, Instruction as I, MemArg, ValType};
use wasmparser::Operator as O;

use crate::executor::{CrucibleExecutor, Executor, InstantiateFailure, Running};
use crate::rewrite::{OperatorRewrite, RewriteResult, copy, rewrite_bodies};

named_kinds! {
    /// The catalogue: one realistic bug each, named after what goes wrong.
    pub enum Mutant ("mutant") {
        /// `i32.rem_s` of `INT_MIN` by -1 traps (as x86's `idiv` does) instead of giving 0.
        RemSOverflowTraps = "rem-s-overflow-traps",
        /// `i64.div_s` of `INT64_MIN` by -1 wraps to `INT64_MIN` instead of trapping.
        I64DivSOverflowWraps = "i64-div-s-overflow-wraps",
        /// `i32.shr_s` does not reduce its count modulo 32: counts of 32 and more shift by 31.
        ShrSCountUnmasked = "shr-s-count-unmasked",
        /// `i64.rotl` reduces its count modulo 32 instead of 64.
        I64RotlCountMod32 = "i64-rotl-count-mod-32",
        /// `i32.clz` of 0 gives 31 (a `bsr`-based count) instead of 32.
        ClzOfZeroIs31 = "clz-of-zero-is-31",
        /// `i64.popcnt` counts only the low 32 bits.
        I64PopcntLowHalf = "i64-popcnt-low-half",
        /// `i64.lt_u` compares signed (a condition code mixed up).
        I64LtUComparesSigned = "i64-lt-u-compares-signed",
        /// `i32.load16_s` zero-extends.
        Load16SZeroExtends = "load16-s-zero-extends",
        /// `i64.load32_u` sign-extends.
        I64Load32USignExtends = "i64-load32-u-sign-extends",
        /// `i32.store16` and `i64.store16` write one byte.
        Store16WritesOneByte = "store16-writes-one-byte",
        /// `i64.store32` writes eight bytes.
        I64Store32WritesEightBytes = "i64-store32-writes-eight-bytes",
        /// `i32.load` of the last four bytes of memory traps (a bounds check off by one).
        LoadAtEndTraps = "load-at-end-traps",
        /// `i32.trunc_f64_s` traps on inputs in (-2^31-1, -2^31], whose truncation is `INT_MIN`.
        TruncF64SMinTraps = "trunc-f64-s-min-traps",
        /// `i32.trunc_sat_f64_s` of NaN gives `INT_MIN` (x86's `cvttsd2si` answer) instead of 0.
        TruncSatNanIsMin = "trunc-sat-nan-is-min",
        /// `f64.convert_i64_u` converts as signed.
        ConvertI64UAsSigned = "convert-i64-u-as-signed",
        /// `f32.demote_f64` flushes subnormal results to zero.
        DemoteFlushesSubnormals = "demote-flushes-subnormals",
        /// `f64.nearest` rounds halves away from zero (`floor(|x| + 0.5)`), not to even.
        NearestRoundsHalfAway = "nearest-rounds-half-away",
        /// `f32.min` of two zeros gives the second (so `min(-0, +0)` is `+0`).
        F32MinOfZerosTakesSecond = "f32-min-of-zeros-takes-second",
        /// `f32.ceil` loses the sign of a negative zero result (`ceil(-0.5)` is `+0`).
        CeilLosesNegativeZero = "ceil-loses-negative-zero",
        /// `br_table` sends the index one past its targets to the last target, not the default.
        BrTableDefaultIsLast = "br-table-default-is-last",
        /// `select` takes a negative condition as false (tests `> 0`, not `≠ 0`).
        SelectTestsPositive = "select-tests-positive",
        /// `if` tests only the low byte of its condition.
        IfTestsLowByte = "if-tests-low-byte",
        /// `memory.copy` copies forwards even when the destination overlaps above the source.
        MemoryCopyForwards = "memory-copy-forwards",
        /// `memory.fill` of length 0 does not check its destination.
        MemoryFillZeroLengthUnchecked = "memory-fill-zero-length-unchecked",
        /// `memory.grow` that fails returns the current size instead of -1.
        MemoryGrowFailureReturnsSize = "memory-grow-failure-returns-size",
        /// `call_indirect` of a null entry traps as `unreachable` instead of an uninitialized element.
        CallIndirectNullWrongTrap = "call-indirect-null-wrong-trap",
        /// `table.get` out of bounds gives null instead of trapping.
        TableGetOutOfBoundsIsNull = "table-get-out-of-bounds-is-null",
        /// `global.set` of an i64 global keeps only the low 32 bits.
        I64GlobalSetLowHalf = "i64-global-set-low-half",
        /// `call` swaps the last two arguments of callees with three or more
        /// parameters when those two have the same type (a register shuffle bug).
        CallSwapsLastTwoArguments = "call-swaps-last-two-arguments",
    }
}

impl Mutant {
    /// The family of engine rules the mutant breaks (the benchmark groups by it).
    pub const fn family(self) -> &'static str {
        use Mutant as M;
        match self {
            M::RemSOverflowTraps
            | M::I64DivSOverflowWraps
            | M::ShrSCountUnmasked
            | M::I64RotlCountMod32
            | M::ClzOfZeroIs31
            | M::I64PopcntLowHalf
            | M::I64LtUComparesSigned => "integer arithmetic",
            M::Load16SZeroExtends
            | M::I64Load32USignExtends
            | M::Store16WritesOneByte
            | M::I64Store32WritesEightBytes
            | M::LoadAtEndTraps => "loads and stores",
            M::TruncF64SMinTraps | M::TruncSatNanIsMin | M::ConvertI64UAsSigned | M::DemoteFlushesSubnormals => {
                "conversions"
            }
            M::NearestRoundsHalfAway | M::F32MinOfZerosTakesSecond | M::CeilLosesNegativeZero => "float rounding",
            M::BrTableDefaultIsLast | M::SelectTestsPositive | M::IfTestsLowByte => "control flow",
            M::MemoryCopyForwards | M::MemoryFillZeroLengthUnchecked | M::MemoryGrowFailureReturnsSize => "memory",
            M::CallIndirectNullWrongTrap | M::TableGetOutOfBoundsIsNull => "tables",
            M::I64GlobalSetLowHalf => "globals",
            M::CallSwapsLastTwoArguments => "calls",
        }
    }

    /// `wasm` with the bug planted (`None` if it cannot be re-encoded).
    pub fn apply(self, wasm: &[u8]) -> Option<Vec<u8>> {
        let info = ModuleInfo::read(wasm)?;
        rewrite_bodies(wasm, Mutation { mutant: self, info, scratch: Scratch::default() })
    }
}

/// What the mutations need to know about the module beyond one operator.
#[derive(Default)]
struct ModuleInfo {
    /// Parameter types of every function, imported ones first.
    func_params: Vec<Vec<wasmparser::ValType>>,
    globals: Vec<wasmparser::ValType>,
    tables: Vec<wasmparser::RefType>,
    /// Whether each memory is 64-bit (the mutations touch 32-bit ones only).
    memory64: Vec<bool>,
}

impl ModuleInfo {
    fn read(wasm: &[u8]) -> Option<ModuleInfo> {
        use wasmparser::{Payload, TypeRef};
        let mut types = Vec::new();
        let mut info = ModuleInfo::default();
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            match payload.ok()? {
                Payload::TypeSection(r) => {
                    for ty in r.into_iter_err_on_gc_types() {
                        types.push(ty.ok()?.params().to_vec());
                    }
                }
                Payload::ImportSection(r) => {
                    for import in r.into_imports() {
                        match import.ok()?.ty {
                            TypeRef::Func(t) => info.func_params.push(types.get(t as usize)?.clone()),
                            TypeRef::Global(g) => info.globals.push(g.content_type),
                            TypeRef::Table(t) => info.tables.push(t.element_type),
                            TypeRef::Memory(m) => info.memory64.push(m.memory64),
                            _ => {}
                        }
                    }
                }
                Payload::FunctionSection(r) => {
                    for t in r {
                        info.func_params.push(types.get(t.ok()? as usize)?.clone());
                    }
                }
                Payload::GlobalSection(r) => {
                    for g in r {
                        info.globals.push(g.ok()?.ty.content_type);
                    }
                }
                Payload::TableSection(r) => {
                    for t in r {
                        info.tables.push(t.ok()?.ty.element_type);
                    }
                }
                Payload::MemorySection(r) => {
                    for m in r {
                        info.memory64.push(m.ok()?.memory64);
                    }
                }
                _ => {}
            }
        }
        Some(info)
    }

    fn memory32(&self, index: u32) -> bool {
        self.memory64.get(index as usize) == Some(&false)
    }
}

/// Scratch locals appended to every body: two of each numeric type.
#[derive(Default, Clone, Copy)]
struct Scratch {
    i32: [u32; 3],
    i64: [u32; 2],
    f32: [u32; 2],
    f64: [u32; 2],
}

impl Scratch {
    fn of(&self, ty: wasmparser::ValType) -> Option<[u32; 2]> {
        use wasmparser::ValType as T;
        match ty {
            T::I32 => Some([self.i32[0], self.i32[1]]),
            T::I64 => Some(self.i64),
            T::F32 => Some(self.f32),
            T::F64 => Some(self.f64),
            _ => None,
        }
    }
}

struct Mutation {
    mutant: Mutant,
    info: ModuleInfo,
    scratch: Scratch,
}

fn emit(out: &mut Function, instructions: &[I<'_>]) {
    for instruction in instructions {
        out.instruction(instruction);
    }
}

/// The memory a load or store addresses (`None` for GC arrays).
fn memory_of(memarg: &wasmparser::MemArg) -> Option<u32> {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(m) => Some(m),
        _ => None,
    }
}

fn byte_at(memory_index: u32) -> MemArg {
    MemArg { offset: 0, align: 0, target: wasm_encoder::MemArgTarget::Memory(memory_index), ordering: None }
}

impl OperatorRewrite for Mutation {
    fn begin(&mut self, locals: &[wasmparser::ValType], declared: &mut Vec<(u32, ValType)>) {
        let first = locals.len() as u32;
        self.scratch = Scratch {
            i32: [first, first + 1, first + 2],
            i64: [first + 3, first + 4],
            f32: [first + 5, first + 6],
            f64: [first + 7, first + 8],
        };
        declared.extend([(3, ValType::I32), (2, ValType::I64), (2, ValType::F32), (2, ValType::F64)]);
    }

    fn operator(&mut self, op: O<'_>, out: &mut Function) -> RewriteResult {
        use Mutant as M;
        let s = self.scratch;
        let (a, b, c) = (s.i32[0], s.i32[1], s.i32[2]);
        let (x, y) = (s.i64[0], s.i64[1]);
        let (f, g) = (s.f32[0], s.f32[1]);
        let d = s.f64[0];
        let mem = |m: wasmparser::MemArg| RoundtripReencoder.mem_arg(m);
        match (self.mutant, op) {
            (M::RemSOverflowTraps, O::I32RemS) => emit(
                out,
                &[
                    I::LocalSet(b),
                    I::LocalSet(a),
                    I::LocalGet(a),
                    I::LocalGet(b),
                    I::I32DivS,
                    I::Drop,
                    I::LocalGet(a),
                    I::LocalGet(b),
                    I::I32RemS,
                ],
            ),
            (M::I64DivSOverflowWraps, O::I64DivS) => emit(
                out,
                &[
                    I::LocalSet(y),
                    I::LocalSet(x),
                    I::LocalGet(y),
                    I::I64Const(-1),
                    I::I64Eq,
                    I::If(BlockType::Result(ValType::I64)),
                    I::I64Const(0),
                    I::LocalGet(x),
                    I::I64Sub,
                    I::Else,
                    I::LocalGet(x),
                    I::LocalGet(y),
                    I::I64DivS,
                    I::End,
                ],
            ),
            (M::ShrSCountUnmasked, O::I32ShrS) => emit(
                out,
                &[
                    I::LocalSet(b),
                    I::LocalGet(b),
                    I::I32Const(31),
                    I::LocalGet(b),
                    I::I32Const(32),
                    I::I32LtU,
                    I::Select,
                    I::I32ShrS,
                ],
            ),
            (M::I64RotlCountMod32, O::I64Rotl) => emit(out, &[I::I64Const(31), I::I64And, I::I64Rotl]),
            (M::ClzOfZeroIs31, O::I32Clz) => {
                emit(out, &[I::LocalTee(a), I::I32Clz, I::I32Const(31), I::LocalGet(a), I::Select])
            }
            (M::I64PopcntLowHalf, O::I64Popcnt) => emit(out, &[I::I64Const(0xffff_ffff), I::I64And, I::I64Popcnt]),
            (M::I64LtUComparesSigned, O::I64LtU) => emit(out, &[I::I64LtS]),
            (M::Load16SZeroExtends, O::I32Load16S { memarg }) => emit(out, &[I::I32Load16U(mem(memarg)?)]),
            (M::I64Load32USignExtends, O::I64Load32U { memarg }) => emit(out, &[I::I64Load32S(mem(memarg)?)]),
            // A one-byte store takes no alignment hint.
            (M::Store16WritesOneByte, O::I32Store16 { memarg }) => {
                emit(out, &[I::I32Store8(MemArg { align: 0, ..mem(memarg)? })])
            }
            (M::Store16WritesOneByte, O::I64Store16 { memarg }) => {
                emit(out, &[I::I64Store8(MemArg { align: 0, ..mem(memarg)? })])
            }
            (M::I64Store32WritesEightBytes, O::I64Store32 { memarg }) => emit(out, &[I::I64Store(mem(memarg)?)]),
            (M::LoadAtEndTraps, O::I32Load { memarg }) if memory_of(&memarg).is_some_and(|m| self.info.memory32(m)) => {
                emit(
                    out,
                    &[
                        I::LocalTee(a),
                        I::I64ExtendI32U,
                        I::I64Const(memarg.offset as i64 + 4),
                        I::I64Add,
                        I::MemorySize(memory_of(&memarg).unwrap_or(0)),
                        I::I64ExtendI32U,
                        I::I64Const(16),
                        I::I64Shl,
                        I::I64Eq,
                        I::If(BlockType::Empty),
                        I::Unreachable,
                        I::End,
                        I::LocalGet(a),
                        I::I32Load(mem(memarg)?),
                    ],
                )
            }
            (M::TruncF64SMinTraps, O::I32TruncF64S) => emit(
                out,
                &[
                    I::LocalTee(d),
                    I::F64Const((-2147483648.0f64).into()),
                    I::F64Le,
                    I::LocalGet(d),
                    I::F64Const((-2147483649.0f64).into()),
                    I::F64Gt,
                    I::I32And,
                    I::If(BlockType::Empty),
                    I::Unreachable,
                    I::End,
                    I::LocalGet(d),
                    I::I32TruncF64S,
                ],
            ),
            (M::TruncSatNanIsMin, O::I32TruncSatF64S) => emit(
                out,
                &[
                    I::LocalTee(d),
                    I::LocalGet(d),
                    I::F64Ne,
                    I::If(BlockType::Result(ValType::I32)),
                    I::I32Const(i32::MIN),
                    I::Else,
                    I::LocalGet(d),
                    I::I32TruncSatF64S,
                    I::End,
                ],
            ),
            (M::ConvertI64UAsSigned, O::F64ConvertI64U) => emit(out, &[I::F64ConvertI64S]),
            (M::DemoteFlushesSubnormals, O::F32DemoteF64) => emit(
                out,
                &[
                    I::F32DemoteF64,
                    I::LocalTee(f),
                    I::F32Abs,
                    I::F32Const(f32::MIN_POSITIVE.into()),
                    I::F32Lt,
                    I::If(BlockType::Result(ValType::F32)),
                    I::F32Const(0.0f32.into()),
                    I::LocalGet(f),
                    I::F32Copysign,
                    I::Else,
                    I::LocalGet(f),
                    I::End,
                ],
            ),
            (M::NearestRoundsHalfAway, O::F64Nearest) => emit(
                out,
                &[
                    I::LocalTee(d),
                    I::F64Abs,
                    I::F64Const(0.5f64.into()),
                    I::F64Add,
                    I::F64Floor,
                    I::LocalGet(d),
                    I::F64Copysign,
                ],
            ),
            (M::F32MinOfZerosTakesSecond, O::F32Min) => emit(
                out,
                &[
                    I::LocalSet(g),
                    I::LocalTee(f),
                    I::LocalGet(g),
                    I::F32Eq,
                    I::If(BlockType::Result(ValType::F32)),
                    I::LocalGet(g),
                    I::Else,
                    I::LocalGet(f),
                    I::LocalGet(g),
                    I::F32Min,
                    I::End,
                ],
            ),
            (M::CeilLosesNegativeZero, O::F32Ceil) => emit(out, &[I::F32Ceil, I::F32Const(0.0f32.into()), I::F32Add]),
            (M::BrTableDefaultIsLast, O::BrTable { targets }) => {
                let default = targets.default();
                let mut labels = targets.targets().collect::<Result<Vec<u32>, _>>()?;
                if let Some(last) = labels.last().copied() {
                    labels.push(last);
                }
                out.instruction(&I::BrTable(Cow::Owned(labels), default));
            }
            (M::SelectTestsPositive, O::Select) => emit(out, &[I::I32Const(0), I::I32GtS, I::Select]),
            (M::SelectTestsPositive, O::TypedSelect { ty }) => {
                let ty = RoundtripReencoder.val_type(ty)?;
                emit(out, &[I::I32Const(0), I::I32GtS, I::TypedSelect(ty)]);
            }
            (M::IfTestsLowByte, O::If { blockty }) => {
                let blockty = RoundtripReencoder.block_type(blockty)?;
                emit(out, &[I::I32Const(0xff), I::I32And, I::If(blockty)]);
            }
            (M::MemoryCopyForwards, O::MemoryCopy { dst_mem: 0, src_mem: 0 }) if self.info.memory32(0) => emit(
                out,
                &[
                    // (dst, src, len) in (a, b, c); both ranges are checked
                    // first, as the real copy does, by copying each onto itself.
                    I::LocalSet(c),
                    I::LocalSet(b),
                    I::LocalSet(a),
                    I::LocalGet(a),
                    I::LocalGet(a),
                    I::LocalGet(c),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::LocalGet(b),
                    I::LocalGet(b),
                    I::LocalGet(c),
                    I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    I::Block(BlockType::Empty),
                    I::Loop(BlockType::Empty),
                    I::LocalGet(c),
                    I::I32Eqz,
                    I::BrIf(1),
                    I::LocalGet(a),
                    I::LocalGet(b),
                    I::I32Load8U(byte_at(0)),
                    I::I32Store8(byte_at(0)),
                    I::LocalGet(a),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalSet(a),
                    I::LocalGet(b),
                    I::I32Const(1),
                    I::I32Add,
                    I::LocalSet(b),
                    I::LocalGet(c),
                    I::I32Const(1),
                    I::I32Sub,
                    I::LocalSet(c),
                    I::Br(0),
                    I::End,
                    I::End,
                ],
            ),
            (M::MemoryFillZeroLengthUnchecked, O::MemoryFill { mem }) if self.info.memory32(mem) => emit(
                out,
                &[
                    I::LocalSet(c),
                    I::LocalSet(b),
                    I::LocalSet(a),
                    I::LocalGet(c),
                    I::If(BlockType::Empty),
                    I::LocalGet(a),
                    I::LocalGet(b),
                    I::LocalGet(c),
                    I::MemoryFill(mem),
                    I::End,
                ],
            ),
            (M::MemoryGrowFailureReturnsSize, O::MemoryGrow { mem }) if self.info.memory32(mem) => emit(
                out,
                &[
                    I::MemoryGrow(mem),
                    I::LocalTee(a),
                    I::I32Const(-1),
                    I::I32Eq,
                    I::If(BlockType::Result(ValType::I32)),
                    I::MemorySize(mem),
                    I::Else,
                    I::LocalGet(a),
                    I::End,
                ],
            ),
            (M::CallIndirectNullWrongTrap, O::CallIndirect { type_index, table_index }) => emit(
                out,
                &[
                    I::LocalTee(a),
                    I::LocalGet(a),
                    I::TableSize(table_index),
                    I::I32LtU,
                    I::If(BlockType::Empty),
                    I::LocalGet(a),
                    I::TableGet(table_index),
                    I::RefIsNull,
                    I::If(BlockType::Empty),
                    I::Unreachable,
                    I::End,
                    I::End,
                    I::CallIndirect { type_index, table_index },
                ],
            ),
            (M::TableGetOutOfBoundsIsNull, O::TableGet { table })
                if self.info.tables.get(table as usize).is_some_and(|t| t.is_nullable()) =>
            {
                let element = self.info.tables[table as usize];
                let result = RoundtripReencoder.ref_type(element)?;
                let heap = RoundtripReencoder.heap_type(element.heap_type())?;
                emit(
                    out,
                    &[
                        I::LocalTee(a),
                        I::TableSize(table),
                        I::I32LtU,
                        I::If(BlockType::Result(ValType::Ref(result))),
                        I::LocalGet(a),
                        I::TableGet(table),
                        I::Else,
                        I::RefNull(heap),
                        I::End,
                    ],
                );
            }
            (M::I64GlobalSetLowHalf, O::GlobalSet { global_index })
                if self.info.globals.get(global_index as usize) == Some(&wasmparser::ValType::I64) =>
            {
                emit(out, &[I::I64Const(0xffff_ffff), I::I64And, I::GlobalSet(global_index)])
            }
            (M::CallSwapsLastTwoArguments, O::Call { function_index }) => {
                let params = self.info.func_params.get(function_index as usize).map_or(&[][..], |p| &p[..]);
                let swap = match params {
                    [.., _, second, last] if second == last => s.of(*last),
                    _ => None,
                };
                if let Some([p, q]) = swap {
                    emit(out, &[I::LocalSet(p), I::LocalSet(q), I::LocalGet(p), I::LocalGet(q)]);
                }
                out.instruction(&I::Call(function_index));
            }
            (_, op) => copy(op, out)?,
        }
        Ok(())
    }
}

/// A mutant as an executor: the interpreter running every module with the
/// mutant's bug planted (modules the rewrite cannot re-encode run as they
/// are). Named `mutant:<name>`; never among the default executors.
pub struct MutantExecutor {
    mutant: Mutant,
    name: String,
    inner: CrucibleExecutor,
}

impl MutantExecutor {
    pub fn new(mutant: Mutant) -> MutantExecutor {
        MutantExecutor { mutant, name: format!("mutant:{mutant}"), inner: CrucibleExecutor::new(engine::Tier::Interp) }
    }

    pub fn mutant(&self) -> Mutant {
        self.mutant
    }
}

impl Executor for MutantExecutor {
    fn name(&self) -> &str {
        &self.name
    }

    fn narrow(&self, config: &mut wasm_smith::Config) {
        self.inner.narrow(config);
    }

    fn instantiate(&self, wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        self.instantiate_linked(&[], wasm)
    }

    fn instantiate_linked(&self, providers: &[Vec<u8>], wasm: &[u8]) -> Result<Box<dyn Running>, InstantiateFailure> {
        let mutate = |wasm: &[u8]| self.mutant.apply(wasm).unwrap_or_else(|| wasm.to_vec());
        let providers: Vec<Vec<u8>> = providers.iter().map(|p| mutate(p)).collect();
        self.inner.instantiate_linked(&providers, &mutate(wasm))
    }
}

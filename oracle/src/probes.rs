//! A third case generator, for what random programs rarely reach: each
//! exported function is a probe that drives one operator or runtime rule
//! through its edges, and folds every result into the value it returns (or
//! leaves it in the exported memory), so a wrong answer shows.
//!
//! - numeric probes apply an operator to every operand (every pair, for
//!   binary operators) of the edge tables (`edges.rs`) plus a few random
//!   values, kept in memory in a drawn order;
//! - memory probes run loads and stores of every width and sign over
//!   addresses around the start and the end of memory, with static offsets
//!   and alignments, over bytes with their high bits set;
//! - bulk probes run `memory.copy` with overlapping ranges in both
//!   directions, `memory.fill`, `memory.init` and `memory.grow` near the
//!   bounds;
//! - control probes feed edge values to `select`, `if`, `br_if` and
//!   `br_table`; call probes pass edge arguments to a callee that folds
//!   them in order, directly and through `call_indirect` with matching,
//!   mismatched and null entries.
//!
//! The operators that trap at their edges (division, conversions, bounds)
//! run guarded — the exact condition under which the spec says they trap is
//! tested first and the operation skipped — so the edges next to a trap are
//! still checked; in one probe in four, one of those conditions is left
//! unguarded, so the probe runs until it traps at that boundary. Results
//! are compared between engines, never against expectations written here.

use std::borrow::Cow;

use arbitrary::{Result, Unstructured};
use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataSection, ElementSection, Elements, ExportKind, ExportSection, Function,
    FunctionSection, HeapType, Instruction as I, MemArg, MemorySection, MemoryType, Module, RefType, TableSection,
    TableType, TypeSection, ValType,
};

use crate::edges::{self, canonical_f32, canonical_f64};

/// Where each type's operand table starts in memory.
const TABLE_BASE: [(ValType, u32); 4] =
    [(ValType::I32, 0), (ValType::I64, 256), (ValType::F32, 512), (ValType::F64, 768)];
/// Where the table of addresses for memory probes starts.
const ADDRESSES: u32 = 1024;
/// Memory: one page at first; probes may grow it to this many.
const MAX_PAGES: u64 = 3;
const PAGE: i64 = 65536;
/// Random values appended to each operand table.
const RANDOM_OPERANDS: usize = 4;
/// `call_indirect`'s table: fixed size, never changed by the module.
const TABLE_SIZE: u32 = 8;

// Locals of every probe function (it has no parameters).
const LOOP_I: u32 = 0;
const LOOP_J: u32 = 1;
const ACC: u32 = 2;
/// Operand locals: two per type, in the order of `TABLE_BASE`.
const OPERANDS: u32 = 3;
const SCRATCH_F32: u32 = 11;
const SCRATCH_F64: u32 = 12;

fn probe_locals() -> Vec<(u32, ValType)> {
    vec![
        (2, ValType::I32),
        (1, ValType::I64),
        (2, ValType::I32),
        (2, ValType::I64),
        (2, ValType::F32),
        (2, ValType::F64),
        (1, ValType::F32),
        (1, ValType::F64),
    ]
}

fn type_slot(ty: ValType) -> usize {
    TABLE_BASE.iter().position(|(t, _)| *t == ty).expect("numeric types only")
}

/// The operand local `which` (0 or 1) of `ty`.
fn operand(ty: ValType, which: u32) -> u32 {
    OPERANDS + 2 * type_slot(ty) as u32 + which
}

fn byte_size(ty: ValType) -> u32 {
    match ty {
        ValType::I32 | ValType::F32 => 4,
        _ => 8,
    }
}

fn natural(ty: ValType) -> u32 {
    byte_size(ty).trailing_zeros()
}

fn memarg(offset: u64, align: u32) -> MemArg {
    MemArg { offset, align, target: wasm_encoder::MemArgTarget::Memory(0), ordering: None }
}

fn load(ty: ValType, offset: u64) -> I<'static> {
    let m = memarg(offset, natural(ty));
    match ty {
        ValType::I32 => I::I32Load(m),
        ValType::I64 => I::I64Load(m),
        ValType::F32 => I::F32Load(m),
        _ => I::F64Load(m),
    }
}

/// The operand tables: every edge of each type and a few random values,
/// in a drawn order.
struct Tables {
    /// Little-endian bytes of each type's table, in `TABLE_BASE` order.
    bytes: [Vec<u8>; 4],
    addresses: Vec<i32>,
}

fn shuffle<T>(u: &mut Unstructured<'_>, items: &mut [T]) -> Result<()> {
    for i in (1..items.len()).rev() {
        let j = u.int_in_range(0..=i)?;
        items.swap(i, j);
    }
    Ok(())
}

impl Tables {
    fn draw(u: &mut Unstructured<'_>) -> Result<Tables> {
        let mut i32s: Vec<i32> = edges::I32.to_vec();
        let mut i64s: Vec<i64> = edges::I64.to_vec();
        let mut f32s: Vec<f32> = edges::F32.to_vec();
        let mut f64s: Vec<f64> = edges::F64.to_vec();
        for _ in 0..RANDOM_OPERANDS {
            i32s.push(u.arbitrary()?);
            i64s.push(u.arbitrary()?);
            f32s.push(canonical_f32(f32::from_bits(u.arbitrary()?)));
            f64s.push(canonical_f64(f64::from_bits(u.arbitrary()?)));
        }
        shuffle(u, &mut i32s)?;
        shuffle(u, &mut i64s)?;
        shuffle(u, &mut f32s)?;
        shuffle(u, &mut f64s)?;
        let end = PAGE as i32;
        let mut addresses = vec![
            0,
            1,
            2,
            3,
            4,
            7,
            2048,
            2049,
            2051,
            end - 1,
            end - 2,
            end - 3,
            end - 4,
            end - 5,
            end - 7,
            end - 8,
            end - 9,
            end - 16,
            end,
            end + 1,
            -1,
            -4,
            i32::MAX,
        ];
        for _ in 0..RANDOM_OPERANDS {
            addresses.push(u.int_in_range(0..=end - 1)?);
        }
        shuffle(u, &mut addresses)?;
        Ok(Tables {
            bytes: [
                i32s.iter().flat_map(|x| x.to_le_bytes()).collect(),
                i64s.iter().flat_map(|x| x.to_le_bytes()).collect(),
                f32s.iter().flat_map(|x| x.to_le_bytes()).collect(),
                f64s.iter().flat_map(|x| x.to_le_bytes()).collect(),
            ],
            addresses,
        })
    }

    fn len(&self, ty: ValType) -> u32 {
        self.bytes[type_slot(ty)].len() as u32 / byte_size(ty)
    }

    /// The first kilobyte and a bit of memory: the operand tables, then the addresses.
    fn image(&self) -> Vec<u8> {
        let mut image = vec![0u8; ADDRESSES as usize];
        for ((_, base), bytes) in TABLE_BASE.iter().zip(&self.bytes) {
            image[*base as usize..*base as usize + bytes.len()].copy_from_slice(bytes);
        }
        image.extend(self.addresses.iter().flat_map(|a| a.to_le_bytes()));
        image
    }
}

/// Bytes with their high bits set more often than not: sign extension,
/// and patterns a copy in the wrong direction would smear.
fn varied_bytes(u: &mut Unstructured<'_>, len: usize) -> Result<Vec<u8>> {
    const SALIENT: &[u8] = &[0x80, 0xff, 0x7f, 0xfe, 0x81, 0x00, 0x01];
    (0..len).map(|_| if u.ratio(1, 2)? { u.choose(SALIENT).copied() } else { u.arbitrary() }).collect()
}

/// A function body under construction.
struct Body(Vec<I<'static>>);

impl Body {
    fn push(&mut self, instructions: impl IntoIterator<Item = I<'static>>) {
        self.0.extend(instructions);
    }

    /// `for counter in 0..n { body }`.
    fn repeat(&mut self, counter: u32, n: u32, body: impl FnOnce(&mut Body)) {
        self.push([
            I::I32Const(0),
            I::LocalSet(counter),
            I::Block(BlockType::Empty),
            I::Loop(BlockType::Empty),
            I::LocalGet(counter),
            I::I32Const(n as i32),
            I::I32GeU,
            I::BrIf(1),
        ]);
        body(self);
        self.push([I::LocalGet(counter), I::I32Const(1), I::I32Add, I::LocalSet(counter), I::Br(0), I::End, I::End]);
    }

    /// Pushes entry `counter` of `ty`'s operand table.
    fn table_entry(&mut self, ty: ValType, counter: u32) {
        let base = TABLE_BASE[type_slot(ty)].1;
        self.push([I::LocalGet(counter), I::I32Const(byte_size(ty) as i32), I::I32Mul, load(ty, base.into())]);
    }

    /// Sets local `address` to entry `counter` of the address table.
    fn address_entry(&mut self, counter: u32, address: u32) {
        self.push([
            I::LocalGet(counter),
            I::I32Const(4),
            I::I32Mul,
            I::I32Load(memarg(ADDRESSES.into(), 2)),
            I::LocalSet(address),
        ]);
    }

    /// Folds the value of type `ty` on the stack into the accumulator:
    /// NaNs canonicalized, bits rotated in.
    fn fold(&mut self, ty: ValType) {
        match ty {
            ValType::I32 => self.push([I::I64ExtendI32U]),
            ValType::I64 => {}
            ValType::F32 => {
                let mut canonical = Vec::new();
                crate::arith::canonicalize(ValType::F32, SCRATCH_F32, &mut canonical);
                self.push(canonical);
                self.push([I::I32ReinterpretF32, I::I64ExtendI32U]);
            }
            _ => {
                let mut canonical = Vec::new();
                crate::arith::canonicalize(ValType::F64, SCRATCH_F64, &mut canonical);
                self.push(canonical);
                self.push([I::I64ReinterpretF64]);
            }
        }
        self.push([I::LocalGet(ACC), I::I64Const(7), I::I64Rotl, I::I64Xor, I::LocalSet(ACC)]);
    }

    /// Runs `then` only when none of `conditions` (each pushing an i32,
    /// nonzero when the operation would trap) holds.
    fn unless(&mut self, conditions: &[Vec<I<'static>>], then: impl FnOnce(&mut Body)) {
        if conditions.is_empty() {
            then(self);
            return;
        }
        for (i, condition) in conditions.iter().enumerate() {
            self.push(condition.iter().cloned());
            if i > 0 {
                self.push([I::I32Or]);
            }
        }
        self.push([I::I32Eqz, I::If(BlockType::Empty)]);
        then(self);
        self.push([I::End]);
    }
}

/// Drops one of `conditions` in one probe in four (so the probe runs into
/// that trap), none otherwise.
fn guards(u: &mut Unstructured<'_>, mut conditions: Vec<Vec<I<'static>>>) -> Result<Vec<Vec<I<'static>>>> {
    if !conditions.is_empty() && u.ratio(1, 4)? {
        let unguarded = u.choose_index(conditions.len())?;
        conditions.remove(unguarded);
    }
    Ok(conditions)
}

/// The conditions under which the spec makes `op` trap, over operand
/// locals 0 and 1 of its operand type.
fn trap_conditions(op: &I<'static>, operands: &[ValType]) -> Vec<Vec<I<'static>>> {
    let ty = operands[0];
    let (a, b) = (operand(ty, 0), operand(ty, 1));
    let divisor_zero = |eqz: I<'static>| vec![I::LocalGet(b), eqz];
    let float_range = |lo: f64, hi: f64| -> Vec<Vec<I<'static>>> {
        let (c_lo, c_hi, le, ge, ne) = if ty == ValType::F32 {
            (I::F32Const((lo as f32).into()), I::F32Const((hi as f32).into()), I::F32Le, I::F32Ge, I::F32Ne)
        } else {
            (I::F64Const(lo.into()), I::F64Const(hi.into()), I::F64Le, I::F64Ge, I::F64Ne)
        };
        vec![vec![I::LocalGet(a), I::LocalGet(a), ne], vec![I::LocalGet(a), c_lo, le], vec![I::LocalGet(a), c_hi, ge]]
    };
    match op {
        I::I32DivS => vec![
            divisor_zero(I::I32Eqz),
            vec![I::LocalGet(a), I::I32Const(i32::MIN), I::I32Eq, I::LocalGet(b), I::I32Const(-1), I::I32Eq, I::I32And],
        ],
        I::I64DivS => vec![
            divisor_zero(I::I64Eqz),
            vec![I::LocalGet(a), I::I64Const(i64::MIN), I::I64Eq, I::LocalGet(b), I::I64Const(-1), I::I64Eq, I::I32And],
        ],
        I::I32DivU | I::I32RemS | I::I32RemU => vec![divisor_zero(I::I32Eqz)],
        I::I64DivU | I::I64RemS | I::I64RemU => vec![divisor_zero(I::I64Eqz)],
        // The exclusive bounds of the inputs each conversion accepts.
        I::I32TruncF32S => float_range(-2147483904.0, 2147483648.0),
        I::I32TruncF64S => float_range(-2147483649.0, 2147483648.0),
        I::I32TruncF32U | I::I32TruncF64U => float_range(-1.0, 4294967296.0),
        I::I64TruncF32S => float_range(-9223373136366403584.0, 9223372036854775808.0),
        I::I64TruncF64S => float_range(-9223372036854777856.0, 9223372036854775808.0),
        I::I64TruncF32U | I::I64TruncF64U => float_range(-1.0, 18446744073709551616.0),
        _ => Vec::new(),
    }
}

/// One to three operators, each at every operand (pair) of the tables;
/// only the last may run into a trap.
fn numeric_probe(u: &mut Unstructured<'_>, tables: &Tables, body: &mut Body) -> Result<()> {
    let ops = crate::arith::operators();
    let count = u.int_in_range(1..=3)?;
    for k in 0..count {
        let (op, operands, result) = u.choose(&ops)?.clone();
        let conditions = trap_conditions(&op, operands);
        let conditions = if k + 1 == count { guards(u, conditions)? } else { conditions };
        operator_at_edges(&op, operands, result, &conditions, tables, body);
    }
    Ok(())
}

fn operator_at_edges(
    op: &I<'static>,
    operands: &[ValType],
    result: ValType,
    conditions: &[Vec<I<'static>>],
    tables: &Tables,
    body: &mut Body,
) {
    let first = operands[0];
    body.repeat(LOOP_I, tables.len(first), |body| {
        body.table_entry(first, LOOP_I);
        body.push([I::LocalSet(operand(first, 0))]);
        let apply = |body: &mut Body| {
            body.unless(conditions, |body| {
                body.push([I::LocalGet(operand(first, 0))]);
                if let Some(second) = operands.get(1) {
                    body.push([I::LocalGet(operand(*second, 1))]);
                }
                body.push([op.clone()]);
                body.fold(result);
            })
        };
        match operands.get(1) {
            Some(second) => body.repeat(LOOP_J, tables.len(*second), |body| {
                body.table_entry(*second, LOOP_J);
                body.push([I::LocalSet(operand(*second, 1))]);
                apply(body);
            }),
            None => apply(body),
        }
    });
}

/// Whether `address + extent` (address in local `address`, unsigned) goes
/// past the end of memory.
fn out_of_bounds(address: Vec<I<'static>>, extent: u64) -> Vec<I<'static>> {
    let mut code = address;
    code.extend([
        I::I64ExtendI32U,
        I::I64Const(extent as i64),
        I::I64Add,
        I::MemorySize(0),
        I::I64ExtendI32U,
        I::I64Const(16),
        I::I64Shl,
        I::I64GtU,
    ]);
    code
}

/// Loads of one width and sign at every address of the table.
fn load_probe(u: &mut Unstructured<'_>, tables: &Tables, body: &mut Body) -> Result<()> {
    // (load, width log2, result type)
    type Load = fn(MemArg) -> I<'static>;
    let loads: &[(Load, u32, ValType)] = &[
        (I::I32Load, 2, ValType::I32),
        (I::I64Load, 3, ValType::I64),
        (I::F32Load, 2, ValType::F32),
        (I::F64Load, 3, ValType::F64),
        (I::I32Load8S, 0, ValType::I32),
        (I::I32Load8U, 0, ValType::I32),
        (I::I32Load16S, 1, ValType::I32),
        (I::I32Load16U, 1, ValType::I32),
        (I::I64Load8S, 0, ValType::I64),
        (I::I64Load8U, 0, ValType::I64),
        (I::I64Load16S, 1, ValType::I64),
        (I::I64Load16U, 1, ValType::I64),
        (I::I64Load32S, 2, ValType::I64),
        (I::I64Load32U, 2, ValType::I64),
    ];
    let (make, width, ty) = *u.choose(loads)?;
    let offset = *u.choose(&[0u64, 0, 0, 1, 2, 3, 4, 7, 8, 16, 1024, 65532, 65535, 65536])?;
    let align = u.int_in_range(0..=width)?;
    let address = operand(ValType::I32, 0);
    let bound = out_of_bounds(vec![I::LocalGet(address)], offset + (1u64 << width));
    let conditions = guards(u, vec![bound])?;
    body.repeat(LOOP_I, tables.addresses.len() as u32, |body| {
        body.address_entry(LOOP_I, address);
        body.unless(&conditions, |body| {
            body.push([I::LocalGet(address), make(memarg(offset, align))]);
            body.fold(ty);
        });
    });
    Ok(())
}

/// Stores of one width at every address of the table, each storing an
/// entry of the operand table of its type.
fn store_probe(u: &mut Unstructured<'_>, tables: &Tables, body: &mut Body) -> Result<()> {
    type Store = fn(MemArg) -> I<'static>;
    let stores: &[(Store, u32, ValType)] = &[
        (I::I32Store, 2, ValType::I32),
        (I::I64Store, 3, ValType::I64),
        (I::F32Store, 2, ValType::F32),
        (I::F64Store, 3, ValType::F64),
        (I::I32Store8, 0, ValType::I32),
        (I::I32Store16, 1, ValType::I32),
        (I::I64Store8, 0, ValType::I64),
        (I::I64Store16, 1, ValType::I64),
        (I::I64Store32, 2, ValType::I64),
    ];
    let (make, width, ty) = *u.choose(stores)?;
    let offset = *u.choose(&[0u64, 0, 0, 1, 2, 3, 4, 7, 8, 1024, 65532, 65535])?;
    let align = u.int_in_range(0..=width)?;
    let stride = u.int_in_range(1..=7)?;
    let address = operand(ValType::I32, 0);
    let bound = out_of_bounds(vec![I::LocalGet(address)], offset + (1u64 << width));
    let conditions = guards(u, vec![bound])?;
    let values = tables.len(ty);
    body.repeat(LOOP_I, tables.addresses.len() as u32, |body| {
        body.address_entry(LOOP_I, address);
        body.unless(&conditions, |body| {
            body.push([I::LocalGet(address)]);
            // The value: entry (i * stride) mod len of the type's table.
            body.push([
                I::LocalGet(LOOP_I),
                I::I32Const(stride),
                I::I32Mul,
                I::I32Const(values as i32),
                I::I32RemU,
                I::LocalSet(LOOP_J),
            ]);
            body.table_entry(ty, LOOP_J);
            body.push([make(memarg(offset, align))]);
            // Read back through a full-width load, so a wrong width shows in the result too.
            body.push([I::LocalGet(address), load(ty, offset)]);
            body.fold(ty);
        });
    });
    Ok(())
}

/// A start address for a bulk operation: in the operand tables, in the
/// varied bytes at 2048, near the end, or past it.
fn bulk_address(u: &mut Unstructured<'_>) -> Result<i64> {
    Ok(match u.int_in_range(0..=5)? {
        0 => u.int_in_range(0..=1100)?,
        1 => u.int_in_range(2040..=2310)?,
        2 | 3 => PAGE - u.int_in_range(0..=300)?,
        4 => PAGE + u.int_in_range(0..=3)?,
        _ => u.int_in_range(0..=PAGE - 1)?,
    })
}

fn bulk_length(u: &mut Unstructured<'_>) -> Result<i64> {
    Ok(*u.choose(&[0, 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100, 255, 256, 1000])?)
}

/// A run of `memory.copy` (overlapping either way), `memory.fill`,
/// `memory.init` and `memory.grow`, each guarded by its bounds unless
/// drawn unguarded; results are the memory itself (exported, compared
/// after every call) and the sizes folded in.
fn bulk_probe(u: &mut Unstructured<'_>, passive_len: u32, body: &mut Body) -> Result<()> {
    let statements = u.int_in_range(4..=24)?;
    for _ in 0..statements {
        let d = bulk_address(u)?;
        let n = bulk_length(u)?;
        let dest = vec![I::I32Const(d as i32)];
        match u.int_in_range(0..=9)? {
            0..=4 => {
                let s = if u.ratio(2, 3)? { d + u.int_in_range(-20..=20)? } else { bulk_address(u)? }.max(0);
                let conditions = guards(
                    u,
                    vec![out_of_bounds(dest.clone(), n as u64), out_of_bounds(vec![I::I32Const(s as i32)], n as u64)],
                )?;
                body.unless(&conditions, |body| {
                    body.push([
                        I::I32Const(d as i32),
                        I::I32Const(s as i32),
                        I::I32Const(n as i32),
                        I::MemoryCopy { src_mem: 0, dst_mem: 0 },
                    ])
                });
            }
            5 | 6 => {
                let value = *u.choose(edges::I32)?;
                let conditions = guards(u, vec![out_of_bounds(dest.clone(), n as u64)])?;
                body.unless(&conditions, |body| {
                    body.push([I::I32Const(d as i32), I::I32Const(value), I::I32Const(n as i32), I::MemoryFill(0)])
                });
            }
            7 | 8 => {
                let s = u.int_in_range(0..=passive_len + 2)?;
                let n = u.int_in_range(0..=passive_len + 1)?;
                let past_segment = vec![I::I32Const((s + n > passive_len) as i32)];
                let conditions = guards(u, vec![out_of_bounds(dest.clone(), n.into()), past_segment])?;
                body.unless(&conditions, |body| {
                    body.push([
                        I::I32Const(d as i32),
                        I::I32Const(s as i32),
                        I::I32Const(n as i32),
                        I::MemoryInit { mem: 0, data_index: PASSIVE_SEGMENT },
                    ])
                });
            }
            _ => {
                let pages = u.int_in_range(0..=2)?;
                body.push([I::I32Const(pages), I::MemoryGrow(0)]);
                body.fold(ValType::I32);
                body.push([I::MemorySize(0)]);
                body.fold(ValType::I32);
            }
        }
    }
    Ok(())
}

/// The index of the passive data segment (after the three active ones).
const PASSIVE_SEGMENT: u32 = 3;

/// `select`, `if`, `br_if` and `br_table` on every i32 of the table.
fn control_probe(u: &mut Unstructured<'_>, tables: &Tables, body: &mut Body) -> Result<()> {
    let c = operand(ValType::I32, 0);
    let forms = u.int_in_range(1..=4)?;
    let mut chosen = Vec::new();
    for _ in 0..forms {
        chosen.push(u.int_in_range(0..=3)?);
    }
    let labels: u32 = u.int_in_range(1..=4)?;
    let targets: Vec<u32> = (0..u.int_in_range(1..=5)?).map(|_| u.int_in_range(0..=labels)).collect::<Result<_>>()?;
    let default = u.int_in_range(0..=labels)?;
    body.repeat(LOOP_I, tables.len(ValType::I32), |body| {
        body.table_entry(ValType::I32, LOOP_I);
        body.push([I::LocalSet(c)]);
        for form in &chosen {
            match form {
                0 => body.push([I::I32Const(11), I::I32Const(22), I::LocalGet(c), I::Select]),
                1 => body.push([
                    I::LocalGet(c),
                    I::If(BlockType::Result(ValType::I32)),
                    I::I32Const(33),
                    I::Else,
                    I::I32Const(44),
                    I::End,
                ]),
                2 => body.push([
                    I::Block(BlockType::Result(ValType::I32)),
                    I::I32Const(55),
                    I::LocalGet(c),
                    I::BrIf(0),
                    I::Drop,
                    I::I32Const(66),
                    I::End,
                ]),
                _ => {
                    // Blocks B_labels (outer) … B_0 (inner) inside a result
                    // block; leaving B_k yields 100 + k.
                    body.push([I::Block(BlockType::Result(ValType::I32))]);
                    for _ in 0..=labels {
                        body.push([I::Block(BlockType::Empty)]);
                    }
                    body.push([I::LocalGet(c), I::BrTable(Cow::Owned(targets.clone()), default), I::End]);
                    for k in 0..=labels {
                        body.push([I::I32Const(100 + k as i32)]);
                        if k < labels {
                            body.push([I::Br(labels - k), I::End]);
                        }
                    }
                    body.push([I::End]);
                }
            }
            body.fold(ValType::I32);
        }
    });
    Ok(())
}

/// A constant of `ty` from the edges (or random), NaN-free.
fn constant(u: &mut Unstructured<'_>, ty: ValType) -> Result<I<'static>> {
    let edge = u.ratio(3, 4)?;
    Ok(match ty {
        ValType::I32 => I::I32Const(if edge { *u.choose(edges::I32)? } else { u.arbitrary()? }),
        ValType::I64 => I::I64Const(if edge { *u.choose(edges::I64)? } else { u.arbitrary()? }),
        ValType::F32 => {
            let x = if edge { *u.choose(edges::F32)? } else { f32::from_bits(u.arbitrary()?) };
            I::F32Const(canonical_f32(x).into())
        }
        _ => {
            let x = if edge { *u.choose(edges::F64)? } else { f64::from_bits(u.arbitrary()?) };
            I::F64Const(canonical_f64(x).into())
        }
    })
}

const NUMERIC: [ValType; 4] = [ValType::I32, ValType::I64, ValType::F32, ValType::F64];

/// The module's function types, deduplicated.
#[derive(Default)]
struct Types(Vec<(Vec<ValType>, Vec<ValType>)>);

impl Types {
    fn index(&mut self, params: &[ValType], results: &[ValType]) -> u32 {
        let key = (params.to_vec(), results.to_vec());
        match self.0.iter().position(|t| *t == key) {
            Some(i) => i as u32,
            None => {
                self.0.push(key);
                self.0.len() as u32 - 1
            }
        }
    }
}

/// The callees of `call_indirect` probes: (parameters, result, body
/// constant); the table holds them, repeated or null, in a drawn order.
const INDIRECT: [(&[ValType], ValType, i64); 4] = [
    (&[], ValType::I32, 5),
    (&[ValType::I32], ValType::I32, 7),
    (&[ValType::I64, ValType::I32], ValType::I64, 9),
    (&[ValType::I32], ValType::I32, 11),
];

/// Folds the parameters of a function in order (`acc = acc * 31 + bits`),
/// so a swapped or dropped argument changes the result.
fn fold_params(params: &[ValType], seed: i64, f: &mut Function) {
    f.instruction(&I::I64Const(seed));
    for (i, ty) in params.iter().enumerate() {
        f.instruction(&I::I64Const(31)).instruction(&I::I64Mul).instruction(&I::LocalGet(i as u32));
        match ty {
            ValType::I32 => f.instruction(&I::I64ExtendI32U),
            ValType::I64 => f,
            ValType::F32 => f.instruction(&I::I32ReinterpretF32).instruction(&I::I64ExtendI32U),
            _ => f.instruction(&I::I64ReinterpretF64),
        };
        f.instruction(&I::I64Add);
    }
}

/// Builds a module of 1–5 exported probes `p0`, `p1`, … (and the callees
/// of call probes, exported as `c0`, … so plans call them too).
pub fn module(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let tables = Tables::draw(u)?;
    let mut types = Types::default();
    // Functions: the indirect callees first, then probes and callees in order.
    let mut funcs: Vec<(u32, Function, Option<String>)> = Vec::new();
    for (params, result, seed) in INDIRECT {
        let ty = types.index(params, &[result]);
        let mut f = Function::new([]);
        fold_params(params, seed, &mut f);
        if result == ValType::I32 {
            f.instruction(&I::I32WrapI64);
        }
        f.instruction(&I::End);
        funcs.push((ty, f, None));
    }
    let mut entries = Vec::new();
    for _ in 0..TABLE_SIZE {
        entries.push(if u.ratio(1, 5)? { None } else { Some(u.choose_index(INDIRECT.len())? as u32) });
    }
    let passive_len = u.int_in_range(1..=48)?;
    let passive = varied_bytes(u, passive_len)?;
    let probes = u.int_in_range(1..=5)?;
    let probe_type = types.index(&[], &[ValType::I64]);
    for p in 0..probes {
        let mut body = Body(Vec::new());
        match u.int_in_range(0..=9)? {
            0..=3 => numeric_probe(u, &tables, &mut body)?,
            4 => load_probe(u, &tables, &mut body)?,
            5 => store_probe(u, &tables, &mut body)?,
            6 => bulk_probe(u, passive.len() as u32, &mut body)?,
            7 => control_probe(u, &tables, &mut body)?,
            8 => {
                // A direct callee folding its arguments, called with edges.
                let params: Vec<ValType> =
                    (0..u.int_in_range(2..=6)?).map(|_| u.choose(&NUMERIC).copied()).collect::<Result<_>>()?;
                let callee_type = types.index(&params, &[ValType::I64]);
                let mut callee = Function::new([]);
                fold_params(&params, 1, &mut callee);
                callee.instruction(&I::End);
                let callee_index = funcs.len() as u32;
                funcs.push((callee_type, callee, Some(format!("c{p}"))));
                for _ in 0..u.int_in_range(1..=6)? {
                    for ty in &params {
                        body.push([constant(u, *ty)?]);
                    }
                    body.push([I::Call(callee_index)]);
                    body.fold(ValType::I64);
                }
            }
            _ => {
                // Indirect calls, each with a drawn type and entry; only those
                // that the table satisfies, unless the last is left to trap.
                let trapping_last = u.ratio(1, 4)?;
                let calls = u.int_in_range(1..=6)?;
                for call in 0..calls {
                    let index = u.int_in_range(0..=TABLE_SIZE + 1)?;
                    let want = u.choose_index(INDIRECT.len())?;
                    let (params, result, _) = INDIRECT[want];
                    let matches = entries.get(index as usize).copied().flatten().is_some_and(|e| {
                        let (p, r, _) = INDIRECT[e as usize];
                        p == params && r == result
                    });
                    let trapping = trapping_last && call == calls - 1;
                    if !(matches || trapping) {
                        continue;
                    }
                    for ty in params {
                        body.push([constant(u, *ty)?]);
                    }
                    body.push([
                        I::I32Const(index as i32),
                        I::CallIndirect { type_index: types.index(params, &[result]), table_index: 0 },
                    ]);
                    body.fold(result);
                }
            }
        }
        let mut f = Function::new(probe_locals());
        for instruction in &body.0 {
            f.instruction(instruction);
        }
        f.instruction(&I::LocalGet(ACC)).instruction(&I::End);
        funcs.push((probe_type, f, Some(format!("p{p}"))));
    }

    let mut type_section = TypeSection::new();
    for (params, results) in &types.0 {
        type_section.ty().function(params.iter().copied(), results.iter().copied());
    }
    let mut function_section = FunctionSection::new();
    let mut exports = ExportSection::new();
    let mut code = CodeSection::new();
    for (i, (ty, f, export)) in funcs.iter().enumerate() {
        function_section.function(*ty);
        if let Some(name) = export {
            exports.export(name, ExportKind::Func, i as u32);
        }
        code.function(f);
    }
    exports.export("memory", ExportKind::Memory, 0);
    let mut table_section = TableSection::new();
    table_section.table(TableType {
        element_type: RefType::FUNCREF,
        table64: false,
        minimum: TABLE_SIZE.into(),
        maximum: Some(TABLE_SIZE.into()),
        shared: false,
    });
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: Some(MAX_PAGES),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut elements = ElementSection::new();
    let items: Vec<ConstExpr> = entries
        .iter()
        .map(|e| match e {
            Some(f) => ConstExpr::ref_func(*f),
            None => ConstExpr::ref_null(HeapType::FUNC),
        })
        .collect();
    elements.active(Some(0), &ConstExpr::i32_const(0), Elements::Expressions(RefType::FUNCREF, Cow::Owned(items)));
    let mut data = DataSection::new();
    data.active(0, &ConstExpr::i32_const(0), tables.image());
    data.active(0, &ConstExpr::i32_const(2048), varied_bytes(u, 256)?);
    data.active(0, &ConstExpr::i32_const((PAGE - 256) as i32), varied_bytes(u, 256)?);
    data.passive(passive);

    let mut module = Module::new();
    module
        .section(&type_section)
        .section(&function_section)
        .section(&table_section)
        .section(&memories)
        .section(&exports)
        .section(&elements)
        .section(&wasm_encoder::DataCountSection { count: PASSIVE_SEGMENT + 1 })
        .section(&code)
        .section(&data);
    Ok(module.finish())
}

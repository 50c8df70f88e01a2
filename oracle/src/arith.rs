//! A second case generator, for arithmetic: functions whose bodies are
//! random expression trees over every numeric operator, their parameters and
//! edge-value constants, returning the result. wasm-smith's random code
//! rarely lets an operator's result reach anything observable; here every
//! operator's result flows into the return value, so a wrong operator shows.

use arbitrary::{Result, Unstructured};

use crate::edges;
use wasm_encoder::{
    CodeSection, ExportKind, ExportSection, Function, FunctionSection, Instruction as I, Module, TypeSection, ValType,
};

const TYPES: [ValType; 4] = [ValType::I32, ValType::I64, ValType::F32, ValType::F64];

/// (instruction, operand types, result type) for every numeric operator the
/// interpreter's proposals define (sign extension and saturating
/// conversions included).
pub(crate) fn operators() -> Vec<(I<'static>, &'static [ValType], ValType)> {
    use ValType::{F32 as F, F64 as D, I32 as W, I64 as L};
    vec![
        (I::I32Eqz, &[W], W),
        (I::I32Eq, &[W, W], W),
        (I::I32Ne, &[W, W], W),
        (I::I32LtS, &[W, W], W),
        (I::I32LtU, &[W, W], W),
        (I::I32GtS, &[W, W], W),
        (I::I32GtU, &[W, W], W),
        (I::I32LeS, &[W, W], W),
        (I::I32LeU, &[W, W], W),
        (I::I32GeS, &[W, W], W),
        (I::I32GeU, &[W, W], W),
        (I::I64Eqz, &[L], W),
        (I::I64Eq, &[L, L], W),
        (I::I64Ne, &[L, L], W),
        (I::I64LtS, &[L, L], W),
        (I::I64LtU, &[L, L], W),
        (I::I64GtS, &[L, L], W),
        (I::I64GtU, &[L, L], W),
        (I::I64LeS, &[L, L], W),
        (I::I64LeU, &[L, L], W),
        (I::I64GeS, &[L, L], W),
        (I::I64GeU, &[L, L], W),
        (I::F32Eq, &[F, F], W),
        (I::F32Ne, &[F, F], W),
        (I::F32Lt, &[F, F], W),
        (I::F32Gt, &[F, F], W),
        (I::F32Le, &[F, F], W),
        (I::F32Ge, &[F, F], W),
        (I::F64Eq, &[D, D], W),
        (I::F64Ne, &[D, D], W),
        (I::F64Lt, &[D, D], W),
        (I::F64Gt, &[D, D], W),
        (I::F64Le, &[D, D], W),
        (I::F64Ge, &[D, D], W),
        (I::I32Clz, &[W], W),
        (I::I32Ctz, &[W], W),
        (I::I32Popcnt, &[W], W),
        (I::I32Add, &[W, W], W),
        (I::I32Sub, &[W, W], W),
        (I::I32Mul, &[W, W], W),
        (I::I32DivS, &[W, W], W),
        (I::I32DivU, &[W, W], W),
        (I::I32RemS, &[W, W], W),
        (I::I32RemU, &[W, W], W),
        (I::I32And, &[W, W], W),
        (I::I32Or, &[W, W], W),
        (I::I32Xor, &[W, W], W),
        (I::I32Shl, &[W, W], W),
        (I::I32ShrS, &[W, W], W),
        (I::I32ShrU, &[W, W], W),
        (I::I32Rotl, &[W, W], W),
        (I::I32Rotr, &[W, W], W),
        (I::I64Clz, &[L], L),
        (I::I64Ctz, &[L], L),
        (I::I64Popcnt, &[L], L),
        (I::I64Add, &[L, L], L),
        (I::I64Sub, &[L, L], L),
        (I::I64Mul, &[L, L], L),
        (I::I64DivS, &[L, L], L),
        (I::I64DivU, &[L, L], L),
        (I::I64RemS, &[L, L], L),
        (I::I64RemU, &[L, L], L),
        (I::I64And, &[L, L], L),
        (I::I64Or, &[L, L], L),
        (I::I64Xor, &[L, L], L),
        (I::I64Shl, &[L, L], L),
        (I::I64ShrS, &[L, L], L),
        (I::I64ShrU, &[L, L], L),
        (I::I64Rotl, &[L, L], L),
        (I::I64Rotr, &[L, L], L),
        (I::F32Abs, &[F], F),
        (I::F32Neg, &[F], F),
        (I::F32Ceil, &[F], F),
        (I::F32Floor, &[F], F),
        (I::F32Trunc, &[F], F),
        (I::F32Nearest, &[F], F),
        (I::F32Sqrt, &[F], F),
        (I::F32Add, &[F, F], F),
        (I::F32Sub, &[F, F], F),
        (I::F32Mul, &[F, F], F),
        (I::F32Div, &[F, F], F),
        (I::F32Min, &[F, F], F),
        (I::F32Max, &[F, F], F),
        (I::F32Copysign, &[F, F], F),
        (I::F64Abs, &[D], D),
        (I::F64Neg, &[D], D),
        (I::F64Ceil, &[D], D),
        (I::F64Floor, &[D], D),
        (I::F64Trunc, &[D], D),
        (I::F64Nearest, &[D], D),
        (I::F64Sqrt, &[D], D),
        (I::F64Add, &[D, D], D),
        (I::F64Sub, &[D, D], D),
        (I::F64Mul, &[D, D], D),
        (I::F64Div, &[D, D], D),
        (I::F64Min, &[D, D], D),
        (I::F64Max, &[D, D], D),
        (I::F64Copysign, &[D, D], D),
        (I::I32WrapI64, &[L], W),
        (I::I32TruncF32S, &[F], W),
        (I::I32TruncF32U, &[F], W),
        (I::I32TruncF64S, &[D], W),
        (I::I32TruncF64U, &[D], W),
        (I::I64ExtendI32S, &[W], L),
        (I::I64ExtendI32U, &[W], L),
        (I::I64TruncF32S, &[F], L),
        (I::I64TruncF32U, &[F], L),
        (I::I64TruncF64S, &[D], L),
        (I::I64TruncF64U, &[D], L),
        (I::F32ConvertI32S, &[W], F),
        (I::F32ConvertI32U, &[W], F),
        (I::F32ConvertI64S, &[L], F),
        (I::F32ConvertI64U, &[L], F),
        (I::F32DemoteF64, &[D], F),
        (I::F64ConvertI32S, &[W], D),
        (I::F64ConvertI32U, &[W], D),
        (I::F64ConvertI64S, &[L], D),
        (I::F64ConvertI64U, &[L], D),
        (I::F64PromoteF32, &[F], D),
        (I::I32ReinterpretF32, &[F], W),
        (I::I64ReinterpretF64, &[D], L),
        (I::F32ReinterpretI32, &[W], F),
        (I::F64ReinterpretI64, &[L], D),
        (I::I32Extend8S, &[W], W),
        (I::I32Extend16S, &[W], W),
        (I::I64Extend8S, &[L], L),
        (I::I64Extend16S, &[L], L),
        (I::I64Extend32S, &[L], L),
        (I::I32TruncSatF32S, &[F], W),
        (I::I32TruncSatF32U, &[F], W),
        (I::I32TruncSatF64S, &[D], W),
        (I::I32TruncSatF64U, &[D], W),
        (I::I64TruncSatF32S, &[F], L),
        (I::I64TruncSatF32U, &[F], L),
        (I::I64TruncSatF64S, &[D], L),
        (I::I64TruncSatF64U, &[D], L),
    ]
}

/// NaN constants would carry payloads engines may legally treat differently.
fn finite_or_zero<T: Default + PartialEq + Copy>(x: T) -> T {
    #[allow(clippy::eq_op)]
    if x == x { x } else { T::default() }
}

/// Replaces a NaN on top of the stack by the canonical NaN (using scratch
/// local `scratch`), so results compare bit for bit: NaN payloads are
/// implementation-defined.
pub(crate) fn canonicalize(ty: ValType, scratch: u32, out: &mut Vec<I<'static>>) {
    let (nan, eq) = match ty {
        ValType::F32 => (I::F32Const(f32::NAN.into()), I::F32Eq),
        ValType::F64 => (I::F64Const(f64::NAN.into()), I::F64Eq),
        _ => return,
    };
    out.extend([I::LocalTee(scratch), nan, I::LocalGet(scratch), I::LocalGet(scratch), eq, I::Select]);
}

fn constant(u: &mut Unstructured<'_>, ty: ValType) -> Result<I<'static>> {
    let edge = u.ratio(1, 2)?;
    Ok(match ty {
        ValType::I32 if edge => I::I32Const(*u.choose(edges::I32)?),
        ValType::I32 => I::I32Const(u.arbitrary()?),
        ValType::I64 if edge => I::I64Const(*u.choose(edges::I64)?),
        ValType::I64 => I::I64Const(u.arbitrary()?),
        ValType::F32 if edge => I::F32Const(finite_or_zero(*u.choose(edges::F32)?).into()),
        ValType::F32 => I::F32Const(finite_or_zero(f32::from_bits(u.arbitrary()?)).into()),
        ValType::F64 if edge => I::F64Const(finite_or_zero(*u.choose(edges::F64)?).into()),
        _ => I::F64Const(finite_or_zero(f64::from_bits(u.arbitrary()?)).into()),
    })
}

/// Emits an expression of type `ty` (post-order) into `out`.
fn expression(
    u: &mut Unstructured<'_>,
    ops: &[(I<'static>, &'static [ValType], ValType)],
    params: &[ValType],
    ty: ValType,
    depth: u32,
    out: &mut Vec<I<'static>>,
) -> Result<()> {
    // Scratch locals follow the parameters: one f32, then one f64.
    let scratch = |ty: ValType| params.len() as u32 + u32::from(ty == ValType::F64);
    let leaf = depth == 0 || u.ratio(1, 4)?;
    if leaf {
        let locals: Vec<u32> = (0..params.len() as u32).filter(|i| params[*i as usize] == ty).collect();
        if !locals.is_empty() && u.arbitrary()? {
            out.push(I::LocalGet(*u.choose(&locals)?));
        } else {
            out.push(constant(u, ty)?);
        }
        return Ok(());
    }
    let candidates: Vec<&(I<'static>, &'static [ValType], ValType)> = ops.iter().filter(|(_, _, r)| *r == ty).collect();
    let (op, operands, _) = *u.choose(&candidates)?;
    for operand in operands.iter() {
        expression(u, ops, params, *operand, depth - 1, out)?;
    }
    out.push(op.clone());
    canonicalize(ty, scratch(ty), out);
    Ok(())
}

/// Builds a module of 1–4 exported functions `f0`, `f1`, … each returning
/// one random expression over its parameters (depth 1–6, one in eight 7–8).
pub fn module(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    let ops = operators();
    let mut types = TypeSection::new();
    let mut funcs = FunctionSection::new();
    let mut exports = ExportSection::new();
    let mut code = CodeSection::new();
    let count = u.int_in_range(1..=4)?;
    for i in 0..count {
        let params: Vec<ValType> =
            (0..u.int_in_range(0..=3)?).map(|_| u.choose(&TYPES).copied()).collect::<Result<_>>()?;
        let result = *u.choose(&TYPES)?;
        types.ty().function(params.clone(), [result]);
        funcs.function(i);
        exports.export(&format!("f{i}"), ExportKind::Func, i);
        let mut body = Vec::new();
        // Now and then a tree with more distinct constants than the
        // interpreter gives frame slots (64 per function), so that its
        // fallback of materialising the rest is exercised with everything
        // else (its first fused-store bug hid there).
        let depth = if u.ratio(1, 8)? { u.int_in_range(7..=8)? } else { u.int_in_range(1..=6)? };
        expression(u, &ops, &params, result, depth, &mut body)?;
        let mut f = Function::new([(1, ValType::F32), (1, ValType::F64)]);
        for instr in &body {
            f.instruction(instr);
        }
        f.instruction(&I::End);
        code.function(&f);
    }
    let mut module = Module::new();
    module.section(&types).section(&funcs).section(&exports).section(&code);
    Ok(module.finish())
}

//! Semantics-preserving rewrites of modules, used to confirm that a
//! disagreement is the reference engine's bug rather than ours: if the
//! reference changes its answer on an equivalent module (and agrees with us
//! there) while our tiers answer the same on both, the reference was wrong.

use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};
use wasm_encoder::{CodeSection, Function, Instruction, ValType};
use wasmparser::Operator;

pub(crate) type RewriteResult = Result<(), reencode::Error<std::convert::Infallible>>;

/// A rewrite of function bodies, operator by operator.
pub(crate) trait OperatorRewrite {
    /// Called before each body with its parameter and declared local types
    /// (in index order); may append locals to `declared`.
    fn begin(&mut self, _locals: &[wasmparser::ValType], _declared: &mut Vec<(u32, ValType)>) {}
    /// Emits the replacement of one operator.
    fn operator(&mut self, op: Operator<'_>, out: &mut Function) -> RewriteResult;
}

pub(crate) fn copy(op: Operator<'_>, out: &mut Function) -> RewriteResult {
    out.instruction(&RoundtripReencoder.instruction(op)?);
    Ok(())
}

/// Drives an [`OperatorRewrite`] over every body of a module.
struct Bodies<R> {
    rewrite: R,
    /// Parameter types of each defined function, in order.
    params: Vec<Vec<wasmparser::ValType>>,
    next: usize,
}

impl<R: OperatorRewrite> Reencode for Bodies<R> {
    type Error = std::convert::Infallible;

    fn parse_function_body(&mut self, code: &mut CodeSection, func: wasmparser::FunctionBody<'_>) -> RewriteResult {
        let mut locals = self.params.get(self.next).cloned().unwrap_or_default();
        self.next += 1;
        let mut declared = Vec::new();
        for pair in func.get_locals_reader()? {
            let (count, ty) = pair?;
            locals.extend(std::iter::repeat_n(ty, count as usize));
            declared.push((count, self.val_type(ty)?));
        }
        self.rewrite.begin(&locals, &mut declared);
        let mut f = Function::new(declared);
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            self.rewrite.operator(reader.read()?, &mut f)?;
        }
        code.function(&f);
        Ok(())
    }
}

/// Applies `rewrite` to every function body; `None` if the module cannot be
/// re-encoded.
pub(crate) fn rewrite_bodies(wasm: &[u8], rewrite: impl OperatorRewrite) -> Option<Vec<u8>> {
    let mut types = Vec::new();
    let mut params = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.ok()? {
            wasmparser::Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types() {
                    types.push(ty.ok()?.params().to_vec());
                }
            }
            wasmparser::Payload::FunctionSection(r) => {
                for t in r {
                    params.push(types.get(t.ok()? as usize)?.clone());
                }
            }
            _ => {}
        }
    }
    let mut module = wasm_encoder::Module::new();
    Bodies { rewrite, params, next: 0 }.parse_core_module(&mut module, wasmparser::Parser::new(0), wasm).ok()?;
    Some(module.finish())
}

/// Rewrites `iNN.eqz x` as `x <u 1`: the same value, through a different
/// instruction, which defeats engines' peephole fusions of `eqz`.
struct EqzAsLessThanOne;

impl OperatorRewrite for EqzAsLessThanOne {
    fn operator(&mut self, op: Operator<'_>, out: &mut Function) -> RewriteResult {
        match op {
            Operator::I32Eqz => {
                out.instruction(&Instruction::I32Const(1)).instruction(&Instruction::I32LtU);
            }
            Operator::I64Eqz => {
                out.instruction(&Instruction::I64Const(1)).instruction(&Instruction::I64LtU);
            }
            op => copy(op, out)?,
        }
        Ok(())
    }
}

/// The module with every `eqz` rewritten, or `None` if it has none (or
/// cannot be re-encoded).
pub fn eqz_as_less_than_one(wasm: &[u8]) -> Option<Vec<u8>> {
    crate::opcodes::uses_any(wasm, &["I32Eqz", "I64Eqz"]).then(|| rewrite_bodies(wasm, EqzAsLessThanOne))?
}

/// Masks every `ref.is_null`'s result (`i32.const 1; i32.and` after it):
/// the same 0 or 1, but no longer straight from `ref.is_null`, which
/// defeats engines' fusions of it into the operator that consumes it
/// (wasmi 2.0 picks the wrong operand of a `select` whose condition is
/// `ref.is_null` and whose other operand is a `select` on a float
/// comparison).
struct MaskRefIsNull;

impl OperatorRewrite for MaskRefIsNull {
    fn operator(&mut self, op: Operator<'_>, out: &mut Function) -> RewriteResult {
        let is_null = matches!(op, Operator::RefIsNull);
        copy(op, out)?;
        if is_null {
            out.instruction(&Instruction::I32Const(1)).instruction(&Instruction::I32And);
        }
        Ok(())
    }
}

/// The module with every `ref.is_null` masked, or `None` if it has none
/// (or cannot be re-encoded).
pub fn mask_ref_is_null(wasm: &[u8]) -> Option<Vec<u8>> {
    crate::opcodes::uses_any(wasm, &["RefIsNull"]).then(|| rewrite_bodies(wasm, MaskRefIsNull))?
}

/// Wraps every `loop` in a `block` of the same type, adjusting branch
/// depths: the wrapper's label is never a branch target, so behaviour is the
/// same, but engines must move loop parameters through an extra frame.
#[derive(Default)]
struct WrapLoops {
    /// One entry per open construct of the output: true for wrappers.
    frames: Vec<bool>,
}

impl WrapLoops {
    /// Maps a branch depth of the input to the output's.
    fn depth(&self, d: u32) -> u32 {
        let mut originals = 0;
        for (i, synthetic) in self.frames.iter().rev().enumerate() {
            if !synthetic {
                if originals == d {
                    return i as u32;
                }
                originals += 1;
            }
        }
        // The function's own label, beyond every open construct.
        self.frames.len() as u32 + (d - originals)
    }
}

impl OperatorRewrite for WrapLoops {
    fn begin(&mut self, _: &[wasmparser::ValType], _: &mut Vec<(u32, ValType)>) {
        self.frames.clear();
    }

    fn operator(&mut self, op: Operator<'_>, out: &mut Function) -> RewriteResult {
        match op {
            Operator::Loop { blockty } => {
                let ty = RoundtripReencoder.block_type(blockty)?;
                out.instruction(&Instruction::Block(ty)).instruction(&Instruction::Loop(ty));
                self.frames.extend([true, false]);
            }
            Operator::Block { .. } | Operator::If { .. } => {
                copy(op, out)?;
                self.frames.push(false);
            }
            Operator::End => {
                out.instruction(&Instruction::End);
                self.frames.pop();
                if self.frames.last() == Some(&true) {
                    out.instruction(&Instruction::End);
                    self.frames.pop();
                }
            }
            Operator::Br { relative_depth } => {
                out.instruction(&Instruction::Br(self.depth(relative_depth)));
            }
            Operator::BrIf { relative_depth } => {
                out.instruction(&Instruction::BrIf(self.depth(relative_depth)));
            }
            Operator::BrTable { ref targets } => {
                let mut depths = Vec::new();
                for t in targets.targets() {
                    depths.push(self.depth(t?));
                }
                out.instruction(&Instruction::BrTable(depths.into(), self.depth(targets.default())));
            }
            op => copy(op, out)?,
        }
        Ok(())
    }
}

/// The module with every `loop` wrapped in a `block`, or `None` if it has
/// no loop (or cannot be re-encoded).
pub fn wrap_loops(wasm: &[u8]) -> Option<Vec<u8>> {
    crate::opcodes::uses_any(wasm, &["Loop"]).then(|| rewrite_bodies(wasm, WrapLoops::default()))?
}

/// Appends unused locals to every function: nothing reads them, so results
/// cannot change, but every engine's frame layout shifts, so a read of a
/// wrong slot or register shows up as a changed answer.
struct SpareLocals;

impl OperatorRewrite for SpareLocals {
    fn begin(&mut self, _: &[wasmparser::ValType], declared: &mut Vec<(u32, ValType)>) {
        declared.extend([(3, ValType::I64), (3, ValType::F64), (3, ValType::I32)]);
    }

    fn operator(&mut self, op: Operator<'_>, out: &mut Function) -> RewriteResult {
        copy(op, out)
    }
}

/// The module with spare locals in every function (`None` if it has no code
/// or cannot be re-encoded).
pub fn spare_locals(wasm: &[u8]) -> Option<Vec<u8>> {
    (!crate::opcodes::count_opcodes(wasm).is_empty()).then(|| rewrite_bodies(wasm, SpareLocals))?
}

/// Follows every integer `local.get` with an identity operation (`or 0`), so
/// the value on the operand stack is a fresh temporary rather than the local
/// itself. Engines that track locals lazily on their operand stack take a
/// different path, which exposes their bugs in preserving such locals.
#[derive(Default)]
struct MaterializeLocals {
    locals: Vec<wasmparser::ValType>,
}

impl OperatorRewrite for MaterializeLocals {
    fn begin(&mut self, locals: &[wasmparser::ValType], _: &mut Vec<(u32, ValType)>) {
        self.locals = locals.to_vec();
    }

    fn operator(&mut self, op: Operator<'_>, out: &mut Function) -> RewriteResult {
        let ty = match op {
            Operator::LocalGet { local_index } => self.locals.get(local_index as usize).copied(),
            _ => None,
        };
        copy(op, out)?;
        match ty {
            Some(wasmparser::ValType::I32) => {
                out.instruction(&Instruction::I32Const(0)).instruction(&Instruction::I32Or);
            }
            Some(wasmparser::ValType::I64) => {
                out.instruction(&Instruction::I64Const(0)).instruction(&Instruction::I64Or);
            }
            _ => {}
        }
        Ok(())
    }
}

/// The module with integer `local.get`s materialized, or `None` if it has
/// none (or cannot be re-encoded).
pub fn materialize_locals(wasm: &[u8]) -> Option<Vec<u8>> {
    crate::opcodes::uses_any(wasm, &["LocalGet"]).then(|| rewrite_bodies(wasm, MaterializeLocals::default()))?
}

/// Every rewrite that applies to the module: (name, rewritten module).
pub fn equivalents(wasm: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    EQUIVALENT_REWRITES.iter().filter_map(|(name, rewrite)| Some((*name, rewrite(wasm)?))).collect()
}

/// A module rewrite that keeps its meaning (`None`: it cannot be re-encoded).
pub type Rewrite = fn(&[u8]) -> Option<Vec<u8>>;

fn loops_wrapped_and_eqz_as_less_than_one(wasm: &[u8]) -> Option<Vec<u8>> {
    eqz_as_less_than_one(&wrap_loops(wasm)?)
}

/// Every equivalent rewrite, named for reports, in the order they are tried.
pub const EQUIVALENT_REWRITES: &[(&str, Rewrite)] = &[
    ("`eqz` rewritten as `lt_u 1`", eqz_as_less_than_one),
    ("loops wrapped in blocks and `eqz` rewritten as `lt_u 1`", loops_wrapped_and_eqz_as_less_than_one),
    ("loops wrapped in blocks", wrap_loops),
    ("spare locals added", spare_locals),
    ("integer `local.get`s materialized", materialize_locals),
    ("`ref.is_null` results masked with `and 1`", mask_ref_is_null),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_is_null_is_masked_without_changing_its_value() {
        let wasm = wat::parse_str(
            r#"(module (func (export "f") (param funcref externref) (result i32 i64)
                (ref.is_null (local.get 0))
                (select (result i64) (i64.const 30) (i64.const 40) (ref.is_null (local.get 1)))))"#,
        )
        .unwrap();
        let rewritten = mask_ref_is_null(&wasm).unwrap();
        let ops = crate::opcodes::count_opcodes(&rewritten);
        assert_eq!(ops.get("I32And"), Some(&2));
        let engine = engine::Engine::default();
        let module = engine::Module::new(&engine, &rewritten).unwrap();
        let mut store = engine::Store::new(&engine, ());
        let instance = engine::Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        let f = instance.get_func(&store, "f").unwrap();
        let mut results = [engine::Val::I32(7), engine::Val::I64(0)];
        f.call(&mut store, &[engine::Val::FuncRef(None), engine::Val::ExternRef(None)], &mut results).unwrap();
        assert_eq!(results, [engine::Val::I32(1), engine::Val::I64(30)]);
        let func = Some(instance.get_func(&store, "f").unwrap());
        f.call(&mut store, &[engine::Val::FuncRef(func), engine::Val::ExternRef(None)], &mut results).unwrap();
        assert_eq!(results, [engine::Val::I32(0), engine::Val::I64(30)]);
        assert!(mask_ref_is_null(&wat::parse_str("(module)").unwrap()).is_none());
    }

    #[test]
    fn the_rewrite_keeps_meaning_and_removes_eqz() {
        let wasm = wat::parse_str(
            r#"(module (func (export "f") (param i32 i64) (result i32 i32)
                (i32.eqz (local.get 0)) (i64.eqz (local.get 1))))"#,
        )
        .unwrap();
        let rewritten = eqz_as_less_than_one(&wasm).unwrap();
        let ops = crate::opcodes::count_opcodes(&rewritten);
        assert!(!ops.contains_key("I32Eqz") && !ops.contains_key("I64Eqz"));
        assert_eq!(ops.get("I32LtU"), Some(&1));
        let engine = engine::Engine::default();
        let module = engine::Module::new(&engine, &rewritten).unwrap();
        let mut store = engine::Store::new(&engine, ());
        let instance = engine::Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        let f = instance.get_func(&store, "f").unwrap().typed::<_, (i32, i64), (i32, i32)>(&store).unwrap();
        for (a, b) in [(0, 0), (1, 5), (-1, -1), (0, i64::MIN)] {
            assert_eq!(f.call(&mut store, (a, b)).unwrap(), ((a == 0) as i32, (b == 0) as i32));
        }
        assert!(eqz_as_less_than_one(&wat::parse_str("(module)").unwrap()).is_none());
    }

    #[test]
    fn materialized_locals_keep_their_values() {
        let wasm = wat::parse_str(
            r#"(module (func (export "f") (param i32 i64) (result i64) (local f64)
            (i64.add (i64.extend_i32_u (local.get 0)) (local.get 1))))"#,
        )
        .unwrap();
        let rewritten = materialize_locals(&wasm).unwrap();
        assert_eq!(crate::opcodes::count_opcodes(&rewritten).get("I64Or"), Some(&1));
        let engine = engine::Engine::default();
        let module = engine::Module::new(&engine, &rewritten).unwrap();
        let mut store = engine::Store::new(&engine, ());
        let instance = engine::Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        let f = instance.get_func(&store, "f").unwrap().typed::<_, (i32, i64), i64>(&store).unwrap();
        assert_eq!(f.call(&mut store, (-1, 1)).unwrap(), 0x1_0000_0000);
    }

    #[test]
    fn spare_locals_change_nothing_observable() {
        let wasm = wat::parse_str(
            r#"(module (func (export "f") (param i32) (result i32) (local i64)
            (i32.add (local.get 0) (i32.wrap_i64 (local.get 1)))))"#,
        )
        .unwrap();
        let rewritten = spare_locals(&wasm).unwrap();
        assert!(rewritten.len() > wasm.len());
        let engine = engine::Engine::default();
        let module = engine::Module::new(&engine, &rewritten).unwrap();
        let mut store = engine::Store::new(&engine, ());
        let instance = engine::Linker::new(&engine).instantiate(&mut store, &module).unwrap();
        let f = instance.get_func(&store, "f").unwrap().typed::<_, i32, i32>(&store).unwrap();
        assert_eq!(f.call(&mut store, 41).unwrap(), 41);
    }

    #[test]
    fn wrapping_loops_keeps_branch_targets() {
        // Branches out of, back to, and past the loop, including br_table.
        let wasm = wat::parse_str(
            r#"(module (func (export "f") (param i32) (result i32) (local i32)
                block $out (result i32)
                  local.get 0
                  loop $again (param i32) (result i32)
                    drop
                    local.get 1 i32.const 1 i32.add local.set 1
                    i32.const 100
                    local.get 1 i32.const 10 i32.gt_u
                    br_if $out
                    drop
                    local.get 1
                    local.get 0 local.get 1 i32.add i32.const 3 i32.rem_u
                    br_table $again $again $out
                  end
                  i32.const 1000 i32.add
                end))"#,
        )
        .unwrap();
        let rewritten = wrap_loops(&wasm).unwrap();
        let ops = crate::opcodes::count_opcodes(&rewritten);
        assert_eq!(ops.get("Block"), Some(&2));
        let run = |wasm: &[u8], arg: i32| {
            let engine = engine::Engine::default();
            let module = engine::Module::new(&engine, wasm).unwrap();
            let mut store = engine::Store::new(&engine, ());
            let instance = engine::Linker::new(&engine).instantiate(&mut store, &module).unwrap();
            let f = instance.get_func(&store, "f").unwrap().typed::<_, i32, i32>(&store).unwrap();
            f.call(&mut store, arg).unwrap()
        };
        for arg in [0, 1, 2, 5] {
            assert_eq!(run(&wasm, arg), run(&rewritten, arg), "argument {arg}");
        }
    }
}

/// Replaces every NaN a float operation produces with the canonical NaN of
/// its type (lane by lane for vectors). The payload and sign of an
/// arithmetic NaN are not deterministic in wasm (nor, for relaxed SIMD's
/// `madd`, `min` and `max`, whether a NaN comes out at all), so generated
/// modules and those not built for comparison (the spec suite's) pass
/// through this before engines' results and memories are compared bit for
/// bit. Changes results only where they were free to differ anyway.
#[derive(Default)]
struct CanonicalNans {
    /// Whether the module uses SIMD (and may so declare a v128 local).
    simd: bool,
    /// Indices of the scratch locals (f32, f64, v128) of the current body.
    scratch: [u32; 3],
}

/// The kinds of value whose NaNs are canonicalized.
#[derive(Clone, Copy)]
enum NanKind {
    F32,
    F64,
    F32x4,
    F64x2,
}

impl NanKind {
    /// The kind of NaN `op` may produce with a nondeterministic payload.
    fn produced_by(op: &Operator<'_>) -> Option<NanKind> {
        use Operator as O;
        Some(match op {
            O::F32Add | O::F32Sub | O::F32Mul | O::F32Div | O::F32Min | O::F32Max | O::F32Sqrt => NanKind::F32,
            O::F32Ceil | O::F32Floor | O::F32Trunc | O::F32Nearest | O::F32DemoteF64 => NanKind::F32,
            O::F64Add | O::F64Sub | O::F64Mul | O::F64Div | O::F64Min | O::F64Max | O::F64Sqrt => NanKind::F64,
            O::F64Ceil | O::F64Floor | O::F64Trunc | O::F64Nearest | O::F64PromoteF32 => NanKind::F64,
            O::F32x4Add | O::F32x4Sub | O::F32x4Mul | O::F32x4Div | O::F32x4Min | O::F32x4Max | O::F32x4Sqrt => {
                NanKind::F32x4
            }
            O::F32x4Ceil | O::F32x4Floor | O::F32x4Trunc | O::F32x4Nearest | O::F32x4DemoteF64x2Zero => NanKind::F32x4,
            O::F32x4RelaxedMadd | O::F32x4RelaxedNmadd | O::F32x4RelaxedMin | O::F32x4RelaxedMax => NanKind::F32x4,
            O::F64x2Add | O::F64x2Sub | O::F64x2Mul | O::F64x2Div | O::F64x2Min | O::F64x2Max | O::F64x2Sqrt => {
                NanKind::F64x2
            }
            O::F64x2Ceil | O::F64x2Floor | O::F64x2Trunc | O::F64x2Nearest | O::F64x2PromoteLowF32x4 => NanKind::F64x2,
            O::F64x2RelaxedMadd | O::F64x2RelaxedNmadd | O::F64x2RelaxedMin | O::F64x2RelaxedMax => NanKind::F64x2,
            _ => return None,
        })
    }
}

impl OperatorRewrite for CanonicalNans {
    fn begin(&mut self, locals: &[wasmparser::ValType], declared: &mut Vec<(u32, ValType)>) {
        let first = locals.len() as u32;
        self.scratch = [first, first + 1, first + 2];
        declared.extend([(1, ValType::F32), (1, ValType::F64)]);
        if self.simd {
            declared.push((1, ValType::V128));
        }
    }

    fn operator(&mut self, op: Operator<'_>, out: &mut Function) -> RewriteResult {
        let produces = NanKind::produced_by(&op);
        copy(op, out)?;
        // value → (value == value) ? value : canonical NaN, per lane.
        let (scratch, canonical, equal, choose) = match produces {
            None => return Ok(()),
            Some(NanKind::F32) => (
                self.scratch[0],
                Instruction::F32Const(f32::from_bits(0x7fc0_0000).into()),
                Instruction::F32Eq,
                Instruction::Select,
            ),
            Some(NanKind::F64) => (
                self.scratch[1],
                Instruction::F64Const(f64::from_bits(0x7ff8_0000_0000_0000).into()),
                Instruction::F64Eq,
                Instruction::Select,
            ),
            Some(NanKind::F32x4) => (
                self.scratch[2],
                Instruction::V128Const(0x7fc0_0000_7fc0_0000_7fc0_0000_7fc0_0000),
                Instruction::F32x4Eq,
                Instruction::V128Bitselect,
            ),
            Some(NanKind::F64x2) => (
                self.scratch[2],
                Instruction::V128Const(0x7ff8_0000_0000_0000_7ff8_0000_0000_0000),
                Instruction::F64x2Eq,
                Instruction::V128Bitselect,
            ),
        };
        out.instruction(&Instruction::LocalTee(scratch))
            .instruction(&canonical)
            .instruction(&Instruction::LocalGet(scratch))
            .instruction(&Instruction::LocalGet(scratch))
            .instruction(&equal)
            .instruction(&choose);
        Ok(())
    }
}

/// The module with every float operation's NaN result canonicalized
/// (`None` if it cannot be re-encoded).
pub fn canonicalize_nans(wasm: &[u8]) -> Option<Vec<u8>> {
    let simd = crate::opcodes::uses_proposal(wasm, &["simd", "relaxed-simd"]);
    rewrite_bodies(wasm, CanonicalNans { simd, ..CanonicalNans::default() })
}

/// Turns every `i32.add` into `i32.sub`: a deliberate miscompilation, for
/// the test-only `buggy-interp` executor that checks the harness itself.
struct AddAsSub;

impl OperatorRewrite for AddAsSub {
    fn operator(&mut self, op: Operator<'_>, out: &mut Function) -> RewriteResult {
        match op {
            Operator::I32Add => {
                out.instruction(&Instruction::I32Sub);
            }
            op => copy(op, out)?,
        }
        Ok(())
    }
}

/// The module with every `i32.add` miscompiled as `i32.sub` (`None` if it
/// cannot be re-encoded).
pub fn miscompile_add_as_sub(wasm: &[u8]) -> Option<Vec<u8>> {
    rewrite_bodies(wasm, AddAsSub)
}

//! Semantics-preserving rewrites of modules, used to confirm that a
//! disagreement is the reference engine's bug rather than ours: if the
//! reference changes its answer on an equivalent module (and agrees with us
//! there) while our tiers answer the same on both, the reference was wrong.

use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};
use wasm_encoder::{CodeSection, Instruction};

/// Rewrites `iNN.eqz x` as `x <u 1`: the same value, through a different
/// instruction, which defeats engines' peephole fusions of `eqz`.
struct EqzAsLessThanOne;

impl Reencode for EqzAsLessThanOne {
    type Error = std::convert::Infallible;

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        let mut f = self.new_function_with_parsed_locals(&func)?;
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            match reader.read()? {
                wasmparser::Operator::I32Eqz => {
                    f.instruction(&Instruction::I32Const(1));
                    f.instruction(&Instruction::I32LtU);
                }
                wasmparser::Operator::I64Eqz => {
                    f.instruction(&Instruction::I64Const(1));
                    f.instruction(&Instruction::I64LtU);
                }
                op => {
                    f.instruction(&RoundtripReencoder.instruction(op)?);
                }
            }
        }
        code.function(&f);
        Ok(())
    }
}

/// Wraps every `loop` in a `block` of the same type, adjusting branch
/// depths: the wrapper's label is never a branch target, so behaviour is the
/// same, but engines must move loop parameters through an extra frame.
struct WrapLoops;

impl Reencode for WrapLoops {
    type Error = std::convert::Infallible;

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        use wasmparser::Operator as O;
        let mut f = self.new_function_with_parsed_locals(&func)?;
        let mut reader = func.get_operators_reader()?;
        // One entry per open construct of the output: true for wrappers.
        let mut frames: Vec<bool> = Vec::new();
        // Maps a depth of the input to the output's.
        let depth = |frames: &[bool], d: u32| -> u32 {
            let mut originals = 0;
            for (i, synthetic) in frames.iter().rev().enumerate() {
                if !synthetic {
                    if originals == d {
                        return i as u32;
                    }
                    originals += 1;
                }
            }
            // The function's own label, beyond every open construct.
            frames.len() as u32 + (d - originals)
        };
        while !reader.eof() {
            let op = reader.read()?;
            match op {
                O::Loop { blockty } => {
                    let ty = RoundtripReencoder.block_type(blockty)?;
                    f.instruction(&Instruction::Block(ty));
                    f.instruction(&Instruction::Loop(ty));
                    frames.extend([true, false]);
                    continue;
                }
                O::Block { .. } | O::If { .. } => {
                    f.instruction(&RoundtripReencoder.instruction(op)?);
                    frames.push(false);
                    continue;
                }
                O::End => {
                    f.instruction(&Instruction::End);
                    frames.pop();
                    if frames.last() == Some(&true) {
                        f.instruction(&Instruction::End);
                        frames.pop();
                    }
                    continue;
                }
                O::Br { relative_depth } => f.instruction(&Instruction::Br(depth(&frames, relative_depth))),
                O::BrIf { relative_depth } => f.instruction(&Instruction::BrIf(depth(&frames, relative_depth))),
                O::BrTable { ref targets } => {
                    let mut ls = Vec::new();
                    for t in targets.targets() {
                        ls.push(depth(&frames, t?));
                    }
                    f.instruction(&Instruction::BrTable(ls.into(), depth(&frames, targets.default())))
                }
                op => f.instruction(&RoundtripReencoder.instruction(op)?),
            };
        }
        code.function(&f);
        Ok(())
    }
}

/// The module with every `loop` wrapped in a `block`, or `None` if it has
/// no loop (or cannot be re-encoded).
pub fn wrap_loops(wasm: &[u8]) -> Option<Vec<u8>> {
    if !crate::opcodes::count_opcodes(wasm).contains_key("Loop") {
        return None;
    }
    let mut module = wasm_encoder::Module::new();
    WrapLoops.parse_core_module(&mut module, wasmparser::Parser::new(0), wasm).ok()?;
    Some(module.finish())
}

/// Appends unused locals to every function: nothing reads them, so results
/// cannot change, but every engine's frame layout shifts, so a read of a
/// wrong slot or register shows up as a changed answer.
struct SpareLocals;

impl Reencode for SpareLocals {
    type Error = std::convert::Infallible;

    fn new_function_with_parsed_locals(
        &mut self,
        func: &wasmparser::FunctionBody<'_>,
    ) -> Result<wasm_encoder::Function, reencode::Error<Self::Error>> {
        let mut locals = Vec::new();
        for pair in func.get_locals_reader()? {
            let (count, ty) = pair?;
            locals.push((count, self.val_type(ty)?));
        }
        for ty in [wasm_encoder::ValType::I64, wasm_encoder::ValType::F64, wasm_encoder::ValType::I32] {
            locals.push((3, ty));
        }
        Ok(wasm_encoder::Function::new(locals))
    }
}

/// The module with spare locals in every function (`None` if it has no code
/// or cannot be re-encoded).
pub fn spare_locals(wasm: &[u8]) -> Option<Vec<u8>> {
    if crate::opcodes::count_opcodes(wasm).is_empty() {
        return None;
    }
    let mut module = wasm_encoder::Module::new();
    SpareLocals.parse_core_module(&mut module, wasmparser::Parser::new(0), wasm).ok()?;
    Some(module.finish())
}

/// Follows every integer `local.get` with an identity operation (`or 0`), so
/// the value on the operand stack is a fresh temporary rather than the local
/// itself. Engines that track locals lazily on their operand stack take a
/// different path, which exposes their bugs in preserving such locals.
struct MaterializeLocals {
    /// Parameter and local types of each defined function, in order.
    locals: Vec<Vec<wasmparser::ValType>>,
    next: usize,
}

impl Reencode for MaterializeLocals {
    type Error = std::convert::Infallible;

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Result<(), reencode::Error<Self::Error>> {
        let mut types = self.locals.get(self.next).cloned().unwrap_or_default();
        self.next += 1;
        for pair in func.get_locals_reader()? {
            let (count, ty) = pair?;
            types.extend(std::iter::repeat_n(ty, count as usize));
        }
        let mut f = self.new_function_with_parsed_locals(&func)?;
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            let op = reader.read()?;
            let get = match op {
                wasmparser::Operator::LocalGet { local_index } => types.get(local_index as usize).copied(),
                _ => None,
            };
            f.instruction(&RoundtripReencoder.instruction(op)?);
            match get {
                Some(wasmparser::ValType::I32) => {
                    f.instruction(&Instruction::I32Const(0));
                    f.instruction(&Instruction::I32Or);
                }
                Some(wasmparser::ValType::I64) => {
                    f.instruction(&Instruction::I64Const(0));
                    f.instruction(&Instruction::I64Or);
                }
                _ => {}
            }
        }
        code.function(&f);
        Ok(())
    }
}

/// The module with integer `local.get`s materialized, or `None` if it has
/// none (or cannot be re-encoded).
pub fn materialize_locals(wasm: &[u8]) -> Option<Vec<u8>> {
    if !crate::opcodes::count_opcodes(wasm).contains_key("LocalGet") {
        return None;
    }
    let mut params = Vec::new();
    let mut defined = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.ok()? {
            wasmparser::Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types() {
                    params.push(ty.ok()?.params().to_vec());
                }
            }
            wasmparser::Payload::FunctionSection(r) => {
                for t in r {
                    defined.push(params.get(t.ok()? as usize)?.clone());
                }
            }
            _ => {}
        }
    }
    let mut module = wasm_encoder::Module::new();
    let mut rewrite = MaterializeLocals { locals: defined, next: 0 };
    rewrite.parse_core_module(&mut module, wasmparser::Parser::new(0), wasm).ok()?;
    Some(module.finish())
}

/// Every rewrite that applies to the module: (name, rewritten module).
pub fn equivalents(wasm: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    if let Some(w) = eqz_as_less_than_one(wasm) {
        out.push(("`eqz` rewritten as `lt_u 1`", w));
    }
    if let Some(w) = wrap_loops(wasm) {
        if let Some(both) = eqz_as_less_than_one(&w) {
            out.push(("loops wrapped in blocks and `eqz` rewritten as `lt_u 1`", both));
        }
        out.push(("loops wrapped in blocks", w));
    }
    if let Some(w) = spare_locals(wasm) {
        out.push(("spare locals added", w));
    }
    if let Some(w) = materialize_locals(wasm) {
        out.push(("integer `local.get`s materialized", w));
    }
    out
}

/// The module with every `eqz` rewritten, or `None` if it has none (or
/// cannot be re-encoded).
pub fn eqz_as_less_than_one(wasm: &[u8]) -> Option<Vec<u8>> {
    let has_eqz = crate::opcodes::count_opcodes(wasm).keys().any(|op| op == "I32Eqz" || op == "I64Eqz");
    if !has_eqz {
        return None;
    }
    let mut module = wasm_encoder::Module::new();
    EqzAsLessThanOne.parse_core_module(&mut module, wasmparser::Parser::new(0), wasm).ok()?;
    Some(module.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

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

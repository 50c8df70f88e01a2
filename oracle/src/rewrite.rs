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
}

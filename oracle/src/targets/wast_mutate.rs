//! `wast_mutate`: modules of the spec suite, mutated with wasm-mutate, then
//! run differentially. The spec modules reach corners a generator rarely
//! does (odd encodings, every operator at its edges); the mutations move them
//! to where no test has been.
//!
//! Input layout: 8 bytes of mutation seed, [`PLAN_BYTES`] bytes for the call
//! plan, then the module. The seed corpus (`crucible corpus`) holds every
//! import-free spec module the interpreter accepts.
//!
//! Spec modules are not built for comparison: float operations' NaN
//! results are canonicalized first (their payloads may legally differ).
//! Nor are they built to terminate or to stay small, so before running, the
//! mutant is bounded: a fuel global decremented at every
//! function entry and loop header traps (`unreachable`) when it runs out,
//! exactly as wasm-smith's `ensure_termination` does, and memories and tables
//! get a small maximum. Every executor runs the same bounded module, so the
//! bounds change nothing about the comparison.

use std::convert::Infallible;

use arbitrary::Result;
use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};
use wasm_encoder::{ConstExpr, Function, GlobalSection, GlobalType, Instruction, Module, SectionId, ValType};
use wasmparser::{Operator, Payload};

use crate::case::Case;

/// Bytes after the seed that choose the calls.
pub const PLAN_BYTES: usize = 64;
/// Function entries plus loop iterations allowed per instance.
pub const EXECUTION_FUEL: i32 = 10_000;
/// Memories larger than this at instantiation are skipped; smaller ones may
/// grow by at most [`GROWTH_PAGES`].
const MAX_INITIAL_PAGES: u64 = 160;
const GROWTH_PAGES: u64 = 16;
const MAX_INITIAL_TABLE: u64 = 10_000;
const TABLE_GROWTH: u64 = 1_000;

/// Builds an input for this target from a seed module.
pub fn input(seed: u64, plan: &[u8; PLAN_BYTES], wasm: &[u8]) -> Vec<u8> {
    let mut data = seed.to_le_bytes().to_vec();
    data.extend_from_slice(plan);
    data.extend_from_slice(wasm);
    data
}

/// The case the input describes, or `Err` when it describes none (too short,
/// not a module the interpreter accepts, no mutation found, too big).
pub fn case(data: &[u8]) -> Result<Case> {
    if data.len() < 8 + PLAN_BYTES {
        return Err(arbitrary::Error::NotEnoughData);
    }
    let (seed, rest) = data.split_at(8);
    let (plan_bytes, wasm) = rest.split_at(PLAN_BYTES);
    let seed = u64::from_le_bytes(seed.try_into().expect("8 bytes"));
    if !accepted(wasm) {
        return Err(arbitrary::Error::IncorrectFormat);
    }
    let mutant = mutate(wasm, seed).ok_or(arbitrary::Error::IncorrectFormat)?;
    let canonical = crate::rewrite::canonicalize_nans(&mutant).ok_or(arbitrary::Error::IncorrectFormat)?;
    let bounded = bound(&canonical).ok_or(arbitrary::Error::IncorrectFormat)?;
    if !accepted(&bounded) {
        return Err(arbitrary::Error::IncorrectFormat);
    }
    let plan = crate::case::plan(&bounded, plan_bytes)?;
    Ok(Case::single(bounded, plan))
}

/// Valid under the proposals the harness compares and free of imports (the
/// executors instantiate without a linker).
fn accepted(wasm: &[u8]) -> bool {
    wasmparser::Validator::new_with_features(crate::executor::compared_features()).validate_all(wasm).is_ok()
        && wasmparser::Parser::new(0)
            .parse_all(wasm)
            .all(|p| !matches!(p, Ok(Payload::ImportSection(r)) if r.count() > 0))
}

/// A mutant of `wasm` chosen by `seed` that the interpreter accepts;
/// semantics are preserved for odd seeds only, so both kinds of mutation
/// run. wasm-mutate picks one mutator per seed and gives up when it does not
/// apply (or adds a type of a proposal we do not run), so further seeds,
/// derived from this one, are tried.
fn mutate(wasm: &[u8], seed: u64) -> Option<Vec<u8>> {
    (0..16u64).find_map(|attempt| {
        let mut mutator = wasm_mutate::WasmMutate::default();
        let derived = seed ^ attempt.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        mutator.seed(derived).fuel(1_000).preserve_semantics(seed % 2 == 1);
        let mutants = mutator.run(wasm).ok()?;
        mutants.take(4).filter_map(|m| m.ok()).find(|m| m != wasm && accepted(m))
    })
}

/// The module with its execution and its memories and tables bounded, or
/// `None` when it is too big to bound or cannot be re-encoded.
pub fn bound(wasm: &[u8]) -> Option<Vec<u8>> {
    let mut globals = 0u32;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload.ok()? {
            Payload::ImportSection(r) => {
                for import in r.into_imports() {
                    if matches!(import.ok()?.ty, wasmparser::TypeRef::Global(_)) {
                        globals += 1;
                    }
                }
            }
            Payload::GlobalSection(r) => globals += r.count(),
            Payload::MemorySection(r) => {
                for m in r {
                    if m.ok()?.initial > MAX_INITIAL_PAGES {
                        return None;
                    }
                }
            }
            Payload::TableSection(r) => {
                for t in r {
                    if t.ok()?.ty.initial > MAX_INITIAL_TABLE {
                        return None;
                    }
                }
            }
            _ => {}
        }
    }
    let mut bounded = Bounded { fuel_global: globals, emitted_fuel: false };
    let mut module = Module::new();
    bounded.parse_core_module(&mut module, wasmparser::Parser::new(0), wasm).ok()?;
    Some(module.finish())
}

struct Bounded {
    fuel_global: u32,
    emitted_fuel: bool,
}

type Reencoded = std::result::Result<(), reencode::Error<Infallible>>;

impl Bounded {
    fn fuel_section(&mut self, section: &mut GlobalSection) {
        section.global(
            GlobalType { val_type: ValType::I32, mutable: true, shared: false },
            &ConstExpr::i32_const(EXECUTION_FUEL),
        );
        self.emitted_fuel = true;
    }

    /// Traps when the fuel is gone, else spends one unit.
    fn charge(&self, f: &mut Function) {
        let g = self.fuel_global;
        f.instruction(&Instruction::GlobalGet(g))
            .instruction(&Instruction::I32Eqz)
            .instruction(&Instruction::If(wasm_encoder::BlockType::Empty))
            .instruction(&Instruction::Unreachable)
            .instruction(&Instruction::End)
            .instruction(&Instruction::GlobalGet(g))
            .instruction(&Instruction::I32Const(1))
            .instruction(&Instruction::I32Sub)
            .instruction(&Instruction::GlobalSet(g));
    }
}

impl Reencode for Bounded {
    type Error = Infallible;

    fn memory_type(
        &mut self,
        ty: wasmparser::MemoryType,
    ) -> std::result::Result<wasm_encoder::MemoryType, reencode::Error<Infallible>> {
        let mut ty = reencode::utils::memory_type(self, ty);
        let cap = ty.minimum + GROWTH_PAGES;
        ty.maximum = Some(ty.maximum.map_or(cap, |m| m.min(cap)));
        Ok(ty)
    }

    fn table_type(
        &mut self,
        ty: wasmparser::TableType,
    ) -> std::result::Result<wasm_encoder::TableType, reencode::Error<Infallible>> {
        let mut ty = reencode::utils::table_type(self, ty)?;
        let cap = ty.minimum + TABLE_GROWTH;
        ty.maximum = Some(ty.maximum.map_or(cap, |m| m.min(cap)));
        Ok(ty)
    }

    fn parse_global_section(
        &mut self,
        globals: &mut GlobalSection,
        section: wasmparser::GlobalSectionReader<'_>,
    ) -> Reencoded {
        reencode::utils::parse_global_section(self, globals, section)?;
        self.fuel_section(globals);
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Reencoded {
        // A module without globals gets a global section in its place: just
        // before whichever section follows globals in the binary order.
        let after_globals = match before {
            None => true,
            Some(id) => matches!(
                id,
                SectionId::Export
                    | SectionId::Start
                    | SectionId::Element
                    | SectionId::DataCount
                    | SectionId::Code
                    | SectionId::Data
            ),
        };
        if after_globals && !self.emitted_fuel {
            let mut section = GlobalSection::new();
            self.fuel_section(&mut section);
            module.section(&section);
        }
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        func: wasmparser::FunctionBody<'_>,
    ) -> Reencoded {
        let mut locals = Vec::new();
        for pair in func.get_locals_reader()? {
            let (count, ty) = pair?;
            locals.push((count, self.val_type(ty)?));
        }
        let mut f = Function::new(locals);
        self.charge(&mut f);
        let mut reader = func.get_operators_reader()?;
        while !reader.eof() {
            let op = reader.read()?;
            let is_loop = matches!(op, Operator::Loop { .. });
            f.instruction(&RoundtripReencoder.instruction(op)?);
            if is_loop {
                self.charge(&mut f);
            }
        }
        code.function(&f);
        Ok(())
    }
}

/// Every import-free module of the core spec suite and the proposal suites
/// that the interpreter accepts: the seed corpus of this target.
pub fn spec_modules() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for suite in crate::spec::suites_for(engine::Tier::Interp) {
        for (file, text) in crate::spec::files_of(&suite.dir) {
            let Ok(buffer) = wast::parser::ParseBuffer::new(text) else { continue };
            let Ok(script) = wast::parser::parse::<wast::Wast>(&buffer) else { continue };
            for (i, directive) in script.directives.into_iter().enumerate() {
                if let wast::WastDirective::Module(mut quote) = directive
                    && let Ok(bytes) = quote.encode()
                    && accepted(&bytes)
                {
                    out.push((format!("{file}#{i}"), bytes));
                }
            }
        }
    }
    out
}

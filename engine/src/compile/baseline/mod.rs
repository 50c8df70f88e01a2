//! The baseline tier: one pass over each
//! function's operators straight to x86-64 machine code, no IR.
//!
//! Assembler: `dynasmrt`. Its `dynasm!` templates are encoded when the
//! engine is built, so emitting an instruction at run time is appending
//! pre-encoded bytes and patching immediates and displacements — the
//! cheapest emission there is, which is this tier's point. (iced-x86's
//! builder encodes every instruction at run time.)
//!
//! Calling convention: every function is called with the vmctx in rdi and
//! in rsi `values`, which points at its arguments, and receives its results,
//! one 8-byte slot each; it preserves rbx, r12, r13 and rbp, and leaves r14
//! and r15 as its instance's (see `translate.rs`), so the host enters
//! through the module's stub, which saves those two. Operand-stack slots live at the bottom of the frame
//! (`rsp`-relative, growing upwards), so a call passes the address of its
//! first argument's slot and finds the results in the same slots: a call
//! moves nothing. The same shape as the host → wasm entry, so one small
//! stub per module serves as the trampoline. Traps, builtins and code memory are
//! the Cranelift tier's (`compile::native`): the same trap sites and signal
//! handler, the same runtime functions.
//!
//! Values: operands stay in registers (general-purpose, or xmm for floats),
//! as constants or in their locals while straight-line code allows
//! (`translate/registers.rs`), and the most used locals live in registers
//! for the whole function (`translate/locals.rs`).
//!
//! Coverage: the interpreter's (every MVP operator, sign extension,
//! saturating conversions, multi-value, bulk memory, reference types, SIMD
//! and relaxed SIMD, fuel); operators needing lzcnt/tzcnt/popcnt or SSE4.1
//! rounding are refused with `Error::Unsupported` on CPUs without them, and
//! the engine refuses the SIMD proposals on a CPU without the features
//! their code needs ([`missing_cpu_features`]).

mod translate;

use dynasmrt::x64::X64Relocation;
use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler, dynasm};
use wasmparser::{FuncValidator, FunctionBody, ValidatorResources};

use crate::compile::fuel::Coverage;
use crate::compile::native::{self, LoadedCode, TrapSite};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::module::ModuleInfo;
use crate::module::types::FuncType;
use crate::proposal::Proposal;

/// The CPU features the baseline tier's code for `proposal` needs that
/// this CPU lacks.
pub(crate) fn missing_cpu_features(proposal: Proposal) -> Vec<&'static str> {
    let needed: &[(&str, bool)] = match proposal {
        Proposal::Simd => &[
            ("ssse3", std::arch::is_x86_feature_detected!("ssse3")),
            ("sse4.1", std::arch::is_x86_feature_detected!("sse4.1")),
            ("sse4.2", std::arch::is_x86_feature_detected!("sse4.2")),
        ],
        Proposal::RelaxedSimd => &[("fma", std::arch::is_x86_feature_detected!("fma"))],
        _ => &[],
    };
    needed.iter().filter(|(_, present)| !present).map(|(name, _)| *name).collect()
}

/// Where the module's shared entry stub starts.
const ENTRY_STUB: usize = 0;

pub(crate) struct ModuleCompiler {
    ops: VecAssembler<X64Relocation>,
    /// Where each defined function starts (direct calls jump there).
    function_labels: Vec<DynamicLabel>,
    offsets: Vec<usize>,
    ranges: Vec<(u32, u32)>,
    traps: Vec<(u32, TrapSite)>,
    patches: Vec<translate::Patch>,
    guard_pages: bool,
    fuel: bool,
    /// Whether the code counts its regions' entries, and each function's
    /// counters.
    coverage_on: bool,
    coverage: Vec<Coverage>,
}

impl ModuleCompiler {
    pub(crate) fn new(config: &Config) -> Result<ModuleCompiler> {
        let mut ops = VecAssembler::new(0);
        // The entry stub: (callee, vmctx, values) → callee(vmctx, values),
        // saving r14 and r15 (which wasm functions leave as the instance's).
        dynasm!(ops
            ; .arch x64
            ; push r15
            ; push r14
            ; sub rsp, 8
            ; mov rax, rdi
            ; mov rdi, rsi
            ; mov rsi, rdx
            ; call rax
            ; add rsp, 8
            ; pop r14
            ; pop r15
            ; ret
        );
        Ok(ModuleCompiler {
            ops,
            function_labels: Vec::new(),
            offsets: Vec::new(),
            ranges: Vec::new(),
            traps: Vec::new(),
            patches: Vec::new(),
            guard_pages: config.bounds_checks == crate::config::BoundsChecks::GuardPages,
            fuel: config.consume_fuel,
            coverage_on: config.coverage,
            coverage: Vec::new(),
        })
    }

    pub(crate) fn compile_function(
        &mut self,
        info: &ModuleInfo,
        validator: &mut FuncValidator<ValidatorResources>,
        body: FunctionBody<'_>,
    ) -> Result<()> {
        let index = info.num_imported_funcs + self.offsets.len() as u32;
        // Functions start 16-byte aligned.
        while !self.ops.offset().0.is_multiple_of(16) {
            dynasm!(self.ops ; .arch x64 ; nop);
        }
        if self.function_labels.is_empty() {
            self.function_labels = (0..info.num_defined_funcs()).map(|_| self.ops.new_dynamic_label()).collect();
        }
        let label = self.function_labels[self.offsets.len()];
        dynasm!(self.ops ; .arch x64 ; =>label);
        let start = self.ops.offset().0;
        let coverage = translate::translate(
            &mut self.ops,
            &self.function_labels,
            &mut self.traps,
            &mut self.patches,
            info,
            index,
            validator,
            body,
            self.guard_pages,
            self.fuel,
            self.coverage_on,
        )?;
        self.coverage.extend(coverage);
        self.offsets.push(start);
        self.ranges.push((start as u32, self.ops.offset().0 as u32));
        Ok(())
    }

    pub(crate) fn finish(self, _info: &ModuleInfo) -> Result<CompiledModule> {
        let mut code = self.ops.finalize().map_err(|e| Error::Internal(format!("baseline assembly failed: {e:?}")))?;
        for patch in self.patches {
            match patch {
                translate::Patch::Imm32(at, value) => code[at..at + 4].copy_from_slice(&value.to_le_bytes()),
                translate::Patch::Nop(at, length) => code[at..at + length].copy_from_slice(nop(length)?),
            }
        }
        let code = LoadedCode::new(&code, self.offsets, self.ranges, self.traps)?;
        Ok(CompiledModule { code, coverage: self.coverage })
    }
}

/// A single no-op instruction `length` bytes long (the multi-byte forms
/// of `nop`, 0F 1F /0, with a 0x66 prefix for the odd lengths).
fn nop(length: usize) -> Result<&'static [u8]> {
    Ok(match length {
        1 => &[0x90],
        2 => &[0x66, 0x90],
        3 => &[0x0f, 0x1f, 0x00],
        4 => &[0x0f, 0x1f, 0x40, 0x00],
        5 => &[0x0f, 0x1f, 0x44, 0x00, 0x00],
        6 => &[0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
        7 => &[0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
        8 => &[0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
        9 => &[0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
        _ => return Err(Error::Internal(format!("no {length}-byte nop"))),
    })
}

/// A module compiled by the baseline tier.
#[derive(Debug)]
pub(crate) struct CompiledModule {
    pub(crate) code: LoadedCode,
    /// Coverage counters the code increments (it holds their addresses).
    pub(crate) coverage: Vec<Coverage>,
}

impl CompiledModule {
    /// Calls `callee` (of type `ty`) with `vmctx` and `values`; the trap, if
    /// any, with its frames' program counters.
    ///
    /// # Safety
    /// As `cranelift::CompiledModule::call`.
    pub(crate) unsafe fn call(
        &self,
        callee: *const u8,
        ty: &FuncType,
        vmctx: *const u8,
        trap: *mut u32,
        values: &mut [u64],
    ) -> Result<(), (crate::error::TrapCode, Vec<usize>)> {
        // SAFETY: the entry stub passes (vmctx, values) to `callee`, a
        // function of this module compiled for `ty` with the baseline
        // convention; the rest is the caller's contract.
        unsafe { native::call(self.code.at(ENTRY_STUB), callee, ty, vmctx, trap, values) }
    }
}

//! The `.wast` script runner, generic over a [`WastBackend`].
//!
//! It runs every directive of a script, never stops at the first failure,
//! and reports each directive as passed, failed (with why) or skipped (with
//! why). A panic inside a backend is caught and reported as a failure of
//! that directive.

mod engine_backend;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

pub use engine_backend::EngineBackend;
use serde::{Deserialize, Serialize};
use wast::core::{NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

use crate::outcome::{Outcome, TrapCode, Value};

/// Why instantiation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstantiateError {
    /// An import was missing or had the wrong type.
    Link(String),
    /// A segment or the start function trapped.
    Trap(TrapCode),
    /// Anything else (limits, unsupported features).
    Other(String),
}

/// Why a backend refused to compile a module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompileError {
    /// The module is invalid or malformed under the enabled proposals.
    Invalid(String),
    /// The module needs something the backend does not implement.
    Unsupported(String),
    /// Anything else (an internal compiler error, a resource limit): the
    /// backend should have compiled it.
    Failed(String),
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::Invalid(m) | CompileError::Unsupported(m) | CompileError::Failed(m) => f.write_str(m),
        }
    }
}

/// An engine the runner can drive.
pub trait WastBackend {
    type Module;
    type Instance: Copy;

    /// Validates and compiles.
    fn compile(&mut self, wasm: &[u8]) -> Result<Self::Module, CompileError>;
    fn instantiate(&mut self, module: &Self::Module) -> Result<Self::Instance, InstantiateError>;
    /// Makes the instance's exports importable under `name`.
    fn register(&mut self, name: &str, instance: Self::Instance);
    /// Calls an export. `Err` means the call could not be made at all.
    fn invoke(&mut self, instance: Self::Instance, export: &str, args: &[Value]) -> Result<Outcome, String>;
    /// Reads an exported global.
    fn global(&mut self, instance: Self::Instance, export: &str) -> Result<Value, String>;
    /// For a module that failed to compile: the proposal it needs that this
    /// backend does not implement, if that is why it failed.
    fn unsupported_proposal(&self, _wasm: &[u8]) -> Option<String> {
        None
    }
}

/// Why a directive could not pass.
#[derive(Debug)]
enum Problem {
    /// It depends on something the backend does not implement (a module
    /// needing a missing proposal, a v128 result): skipped, with why.
    Skip(String),
    /// It failed, with why.
    Fail(String),
}

impl From<String> for Problem {
    fn from(why: String) -> Problem {
        Problem::Fail(why)
    }
}

impl From<&str> for Problem {
    fn from(why: &str) -> Problem {
        Problem::Fail(why.to_string())
    }
}

impl From<Problem> for Status {
    fn from(problem: Problem) -> Status {
        match problem {
            Problem::Skip(why) => Status::Skipped(why),
            Problem::Fail(why) => Status::Failed(why),
        }
    }
}

fn status_of(result: Result<(), Problem>) -> Status {
    result.map_or_else(Status::from, |()| Status::Passed)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum Status {
    Passed,
    Failed(String),
    Skipped(String),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DirectiveResult {
    /// 1-based line of the directive in its script.
    pub line: u32,
    pub kind: String,
    #[serde(flatten)]
    pub status: Status,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FileReport {
    pub file: String,
    pub results: Vec<DirectiveResult>,
}

impl FileReport {
    pub fn count(&self, pred: impl Fn(&Status) -> bool) -> usize {
        self.results.iter().filter(|r| pred(&r.status)).count()
    }
    pub fn passed(&self) -> usize {
        self.count(|s| matches!(s, Status::Passed))
    }
    pub fn failed(&self) -> usize {
        self.count(|s| matches!(s, Status::Failed(_)))
    }
    pub fn skipped(&self) -> usize {
        self.count(|s| matches!(s, Status::Skipped(_)))
    }
}

/// The messages the spec suites (across their versions) use for a trap.
fn trap_messages(code: TrapCode) -> &'static [&'static str] {
    match code {
        TrapCode::TableOutOfBounds => &["out of bounds table access", "undefined element"],
        TrapCode::NullReference => &["null reference", "null function reference"],
        TrapCode::StackOverflow => &["call stack exhausted", "stack overflow"],
        TrapCode::Unreachable => &["unreachable"],
        TrapCode::IntegerOverflow => &["integer overflow"],
        TrapCode::IntegerDivisionByZero => &["integer divide by zero"],
        TrapCode::BadConversionToInteger => &["invalid conversion to integer"],
        TrapCode::MemoryOutOfBounds => &["out of bounds memory access"],
        TrapCode::IndirectCallTypeMismatch => &["indirect call type mismatch"],
        TrapCode::UninitializedElement => &["uninitialized element"],
        TrapCode::OutOfFuel => &["all fuel consumed"],
        TrapCode::HostError => &["host error"],
    }
}

/// Does a trap code satisfy the spec suite's expected message? Older suites
/// abbreviate ("out of bounds", "uninitialized") and newer ones add detail
/// ("uninitialized element 2"), so either may be a prefix of the other.
pub fn trap_matches(code: TrapCode, message: &str) -> bool {
    !message.is_empty() && trap_messages(code).iter().any(|m| m.starts_with(message) || message.starts_with(m))
}

fn arg_value(arg: &WastArg<'_>) -> Result<Value, String> {
    let WastArg::Core(core) = arg else { return Err("component-model argument".into()) };
    Ok(match core {
        WastArgCore::I32(v) => Value::I32(*v),
        WastArgCore::I64(v) => Value::I64(*v),
        WastArgCore::F32(v) => Value::F32(v.bits),
        WastArgCore::F64(v) => Value::F64(v.bits),
        WastArgCore::V128(v) => Value::V128(u128::from_le_bytes(v.to_le_bytes())),
        WastArgCore::RefNull(wast::core::HeapType::Abstract { ty: wast::core::AbstractHeapType::Extern, .. }) => {
            Value::ExternRef(None)
        }
        WastArgCore::RefNull(_) => Value::FuncRef(None),
        WastArgCore::RefExtern(v) => Value::ExternRef(Some(*v)),
        other => return Err(format!("unsupported argument {other:?}")),
    })
}

fn nan_matches(pattern: &NanPattern<u64>, bits: u64, width: u32) -> bool {
    let (exp_mask, quiet) = if width == 32 { (0x7f80_0000u64, 0x0040_0000u64) } else { (0x7ff0 << 48, 1 << 51) };
    let payload_mask = quiet | (quiet - 1);
    let is_nan = bits & exp_mask == exp_mask && bits & payload_mask != 0;
    match pattern {
        NanPattern::CanonicalNan => is_nan && bits & payload_mask == quiet,
        NanPattern::ArithmeticNan => is_nan && bits & quiet != 0,
        NanPattern::Value(v) => *v == bits,
    }
}

fn f32_pattern(p: &NanPattern<wast::token::F32>) -> NanPattern<u64> {
    match p {
        NanPattern::CanonicalNan => NanPattern::CanonicalNan,
        NanPattern::ArithmeticNan => NanPattern::ArithmeticNan,
        NanPattern::Value(v) => NanPattern::Value(v.bits as u64),
    }
}

fn f64_pattern(p: &NanPattern<wast::token::F64>) -> NanPattern<u64> {
    match p {
        NanPattern::CanonicalNan => NanPattern::CanonicalNan,
        NanPattern::ArithmeticNan => NanPattern::ArithmeticNan,
        NanPattern::Value(v) => NanPattern::Value(v.bits),
    }
}

/// Whether each lane of `actual` (lane 0 in the low bits) matches the
/// pattern's: integers bit for bit, floats as `nan_matches` says.
fn v128_matches(pattern: &V128Pattern, actual: u128) -> bool {
    let lane = |width_bits: u32, i: usize| -> u64 {
        let mask = if width_bits == 64 { u64::MAX } else { (1 << width_bits) - 1 };
        (actual >> (width_bits as usize * i)) as u64 & mask
    };
    match pattern {
        V128Pattern::I8x16(e) => e.iter().enumerate().all(|(i, e)| lane(8, i) == u64::from(*e as u8)),
        V128Pattern::I16x8(e) => e.iter().enumerate().all(|(i, e)| lane(16, i) == u64::from(*e as u16)),
        V128Pattern::I32x4(e) => e.iter().enumerate().all(|(i, e)| lane(32, i) == u64::from(*e as u32)),
        V128Pattern::I64x2(e) => e.iter().enumerate().all(|(i, e)| lane(64, i) == *e as u64),
        V128Pattern::F32x4(e) => e.iter().enumerate().all(|(i, p)| nan_matches(&f32_pattern(p), lane(32, i), 32)),
        V128Pattern::F64x2(e) => e.iter().enumerate().all(|(i, p)| nan_matches(&f64_pattern(p), lane(64, i), 64)),
    }
}

fn ret_matches(expected: &WastRetCore<'_>, actual: &Value) -> Result<bool, Problem> {
    Ok(match (expected, actual) {
        (WastRetCore::I32(e), Value::I32(a)) => e == a,
        (WastRetCore::I64(e), Value::I64(a)) => e == a,
        (WastRetCore::F32(p), Value::F32(a)) => nan_matches(&f32_pattern(p), *a as u64, 32),
        (WastRetCore::F64(p), Value::F64(a)) => nan_matches(&f64_pattern(p), *a, 64),
        (WastRetCore::V128(p), Value::V128(a)) => v128_matches(p, *a),
        (WastRetCore::RefNull(_), Value::FuncRef(r)) => r.is_none(),
        (WastRetCore::RefNull(_), Value::ExternRef(r)) => r.is_none(),
        (WastRetCore::RefExtern(None), Value::ExternRef(r)) => r.is_some(),
        (WastRetCore::RefExtern(Some(e)), Value::ExternRef(r)) => *r == Some(*e),
        (WastRetCore::RefFunc(_), Value::FuncRef(r)) => r.is_some(),
        (WastRetCore::Either(options), a) => {
            for option in options {
                if ret_matches(option, a)? {
                    return Ok(true);
                }
            }
            false
        }
        _ => false,
    })
}

fn results_match(expected: &[WastRet<'_>], actual: &[Value]) -> Result<(), Problem> {
    if expected.len() != actual.len() {
        return Err(format!("expected {} results, got {}", expected.len(), actual.len()).into());
    }
    for (i, (e, a)) in expected.iter().zip(actual).enumerate() {
        let WastRet::Core(e) = e else { return Err("component-model result".into()) };
        if !ret_matches(e, a)? {
            return Err(format!("result {i}: expected {e:?}, got {a}").into());
        }
    }
    Ok(())
}

/// A module the script expects refused: only a refusal as invalid passes.
fn refusal_status(e: CompileError, expected: &str) -> Status {
    match e {
        CompileError::Invalid(_) => Status::Passed,
        CompileError::Unsupported(why) => Status::Skipped(why),
        CompileError::Failed(why) => Status::Failed(format!("expected `{expected}`, but compilation failed: {why}")),
    }
}

fn is_component(quote: &QuoteWat<'_>) -> bool {
    matches!(quote, QuoteWat::Wat(Wat::Component(_)) | QuoteWat::QuoteComponent(..))
}

struct Runner<'b, B: WastBackend> {
    backend: &'b mut B,
    current: Option<B::Instance>,
    named: HashMap<String, B::Instance>,
    definitions: HashMap<String, B::Module>,
    /// Why the current module (or a named one) was skipped.
    current_skipped: Option<String>,
    named_skipped: HashMap<String, String>,
}

/// The skip reason of a module valid only with `proposal` enabled.
fn needs_proposal(proposal: &str) -> String {
    format!("needs the {proposal} proposal")
}

/// The proposal a skip reason says its module needs, if it says so.
pub fn needed_proposal(reason: &str) -> Option<&str> {
    reason.strip_prefix("needs the ")?.strip_suffix(" proposal")
}

impl<B: WastBackend> Runner<'_, B> {
    fn instance(&self, id: Option<wast::token::Id<'_>>) -> Result<B::Instance, Problem> {
        match id {
            Some(id) => self.named.get(id.name()).copied().ok_or_else(|| match self.named_skipped.get(id.name()) {
                Some(reason) => Problem::Skip(reason.clone()),
                None => Problem::Fail(format!("unknown module ${}", id.name())),
            }),
            None => self.current.ok_or_else(|| match &self.current_skipped {
                Some(reason) => Problem::Skip(reason.clone()),
                None => Problem::Fail("no module instantiated yet".to_string()),
            }),
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Outcome, Problem> {
        let instance = self.instance(invoke.module)?;
        let args = invoke.args.iter().map(arg_value).collect::<Result<Vec<_>, _>>()?;
        Ok(self.backend.invoke(instance, invoke.name, &args)?)
    }

    fn execute(&mut self, exec: &mut WastExecute<'_>) -> Result<Outcome, Problem> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(invoke),
            WastExecute::Get { module, global, .. } => {
                let instance = self.instance(*module)?;
                Ok(Outcome::Returned(vec![self.backend.global(instance, global)?]))
            }
            WastExecute::Wat(wat) => {
                let bytes = wat.encode().map_err(|e| format!("cannot encode module: {e}"))?;
                let module = self.backend.compile(&bytes).map_err(|e| format!("module failed to compile: {e}"))?;
                match self.backend.instantiate(&module) {
                    Ok(_) => Ok(Outcome::Returned(Vec::new())),
                    Err(InstantiateError::Trap(code)) => Ok(Outcome::Trapped(code)),
                    Err(e) => Err(format!("instantiation failed: {e:?}").into()),
                }
            }
        }
    }

    fn define_module(&mut self, quote: &mut QuoteWat<'_>, instantiate: bool) -> Status {
        if is_component(quote) {
            return Status::Skipped("component model".into());
        }
        let name = quote.name().map(|id| id.name().to_string());
        let bytes = match quote.encode() {
            Ok(b) => b,
            Err(e) => return Status::Failed(format!("cannot encode module: {e}")),
        };
        let module = match self.backend.compile(&bytes) {
            Ok(m) => m,
            Err(e) => {
                // Invalid under the enabled proposals may mean valid under
                // one the backend lacks; a refusal as unsupported says so.
                let reason = match (&e, self.backend.unsupported_proposal(&bytes)) {
                    (CompileError::Invalid(_) | CompileError::Unsupported(_), Some(proposal)) => {
                        needs_proposal(&proposal)
                    }
                    (CompileError::Unsupported(why), None) => why.clone(),
                    _ => return Status::Failed(format!("module failed to compile: {e}")),
                };
                if instantiate {
                    self.current = None;
                    self.current_skipped = Some(reason.clone());
                }
                if let Some(name) = name {
                    self.named_skipped.insert(name, reason.clone());
                }
                return Status::Skipped(reason);
            }
        };
        if !instantiate {
            if let Some(name) = name {
                self.definitions.insert(name, module);
            }
            return Status::Passed;
        }
        match self.backend.instantiate(&module) {
            Ok(instance) => {
                self.current = Some(instance);
                self.current_skipped = None;
                if let Some(name) = name {
                    self.named.insert(name, instance);
                }
                Status::Passed
            }
            Err(e) => Status::Failed(format!("instantiation failed: {e:?}")),
        }
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> (&'static str, Status) {
        use WastDirective as D;
        match directive {
            D::Module(mut quote) => ("module", self.define_module(&mut quote, true)),
            D::ModuleDefinition(mut quote) => ("module_definition", self.define_module(&mut quote, false)),
            D::ModuleInstance { instance, module, .. } => {
                let status = (|| {
                    let def = module.ok_or("module instance without a definition")?;
                    let m = self
                        .definitions
                        .get(def.name())
                        .ok_or_else(|| format!("unknown definition ${}", def.name()))?;
                    let inst = self.backend.instantiate(m).map_err(|e| format!("instantiation failed: {e:?}"))?;
                    self.current = Some(inst);
                    if let Some(id) = instance {
                        self.named.insert(id.name().to_string(), inst);
                    }
                    Ok::<_, Problem>(())
                })();
                ("module_instance", status_of(status))
            }
            D::Register { name, module, .. } => {
                let status = match self.instance(module) {
                    Ok(instance) => {
                        self.backend.register(name, instance);
                        Status::Passed
                    }
                    Err(e) => e.into(),
                };
                ("register", status)
            }
            D::Invoke(invoke) => {
                let status = match self.invoke(&invoke) {
                    Ok(Outcome::Returned(_)) => Status::Passed,
                    Ok(other) => Status::Failed(format!("invoke {}: {other}", invoke.name)),
                    Err(e) => e.into(),
                };
                ("invoke", status)
            }
            D::AssertReturn { mut exec, results, .. } => {
                let status = match self.execute(&mut exec) {
                    Ok(Outcome::Returned(values)) => match results_match(&results, &values) {
                        Ok(()) => Status::Passed,
                        Err(e) => e.into(),
                    },
                    Ok(other) => Status::Failed(format!("expected a return, got {other}")),
                    Err(e) => e.into(),
                };
                ("assert_return", status)
            }
            D::AssertTrap { mut exec, message, .. } => {
                let status = match self.execute(&mut exec) {
                    Ok(Outcome::Trapped(code)) if trap_matches(code, message) => Status::Passed,
                    Ok(other) => Status::Failed(format!("expected trap `{message}`, got {other}")),
                    Err(e) => e.into(),
                };
                ("assert_trap", status)
            }
            D::AssertExhaustion { call, message, .. } => {
                let status = match self.invoke(&call) {
                    Ok(Outcome::Trapped(TrapCode::StackOverflow)) | Ok(Outcome::Exhausted(_)) => Status::Passed,
                    Ok(other) => Status::Failed(format!("expected exhaustion `{message}`, got {other}")),
                    Err(e) => e.into(),
                };
                ("assert_exhaustion", status)
            }
            D::AssertInvalid { mut module, message, .. } => {
                if is_component(&module) {
                    return ("assert_invalid", Status::Skipped("component model".into()));
                }
                let status = match module.encode() {
                    Err(e) => Status::Failed(format!("cannot encode module: {e}")),
                    Ok(bytes) => match self.backend.compile(&bytes) {
                        Ok(_) => Status::Failed(format!("invalid module (`{message}`) was accepted")),
                        Err(e) => refusal_status(e, message),
                    },
                };
                ("assert_invalid", status)
            }
            D::AssertMalformed { mut module, message, .. } => {
                if let QuoteWat::QuoteModule(..) | QuoteWat::QuoteComponent(..) = module {
                    return ("assert_malformed", Status::Skipped("text-format check".into()));
                }
                let status = match module.encode() {
                    // The encoder itself refusing counts: the bytes are malformed.
                    Err(_) => Status::Passed,
                    Ok(bytes) => match self.backend.compile(&bytes) {
                        Ok(_) => Status::Failed(format!("malformed module (`{message}`) was accepted")),
                        Err(e) => refusal_status(e, message),
                    },
                };
                ("assert_malformed", status)
            }
            D::AssertUnlinkable { mut module, message, .. } => {
                let status = (|| {
                    let bytes = module.encode().map_err(|e| format!("cannot encode module: {e}"))?;
                    let m = self.backend.compile(&bytes).map_err(|e| format!("module failed to compile: {e}"))?;
                    match self.backend.instantiate(&m) {
                        Ok(_) => Err(format!("unlinkable module (`{message}`) was instantiated")),
                        Err(InstantiateError::Link(_)) => Ok(()),
                        Err(e) => Err(format!("expected a link error, got {e:?}")),
                    }
                })();
                ("assert_unlinkable", status.map_or_else(Status::Failed, |()| Status::Passed))
            }
            D::AssertInvalidCustom { .. } | D::AssertMalformedCustom { .. } => {
                ("assert_custom", Status::Skipped("custom-section checks".into()))
            }
            D::AssertException { .. } => ("assert_exception", Status::Skipped("exceptions".into())),
            D::AssertSuspension { .. } => ("assert_suspension", Status::Skipped("stack switching".into())),
            D::Thread(_) => ("thread", Status::Skipped("threads".into())),
            D::Wait { .. } => ("wait", Status::Skipped("threads".into())),
        }
    }
}

/// Runs one script. `file` names it in the report.
pub fn run_script<B: WastBackend>(backend: &mut B, file: &str, text: &str) -> FileReport {
    let mut report = FileReport { file: file.to_string(), results: Vec::new() };
    let line_of = |span: wast::token::Span| span.linecol_in(text).0 as u32 + 1;
    let parse_failure = |e: wast::Error| DirectiveResult {
        line: line_of(e.span()),
        kind: "parse".into(),
        status: Status::Failed(format!("cannot parse script: {e}")),
    };
    // The suite deliberately uses bidi and other confusable characters in names.
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buffer = match ParseBuffer::new_with_lexer(lexer) {
        Ok(b) => b,
        Err(e) => {
            report.results.push(parse_failure(e));
            return report;
        }
    };
    let script = match parser::parse::<Wast>(&buffer) {
        Ok(s) => s,
        Err(e) => {
            report.results.push(parse_failure(e));
            return report;
        }
    };
    let mut runner = Runner {
        backend,
        current: None,
        named: HashMap::new(),
        definitions: HashMap::new(),
        current_skipped: None,
        named_skipped: HashMap::new(),
    };
    for directive in script.directives {
        let line = line_of(directive.span());
        let (kind, status) = match catch_unwind(AssertUnwindSafe(|| runner.directive(directive))) {
            Ok(r) => r,
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                ("panic", Status::Failed(format!("panicked: {msg}")))
            }
        };
        report.results.push(DirectiveResult { line, kind: kind.into(), status });
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use wast::token::{F32, F64};

    fn lanes32(lanes: [u32; 4]) -> u128 {
        lanes.iter().rev().fold(0u128, |v, l| v << 32 | u128::from(*l))
    }

    #[test]
    fn v128_results_match_lane_by_lane() {
        let value = Value::V128(lanes32([1, 0xffff_ffff, 3, 0x8000_0000]));
        let pattern = WastRetCore::V128(V128Pattern::I32x4([1, -1, 3, i32::MIN]));
        assert!(ret_matches(&pattern, &value).unwrap());
        let swapped = WastRetCore::V128(V128Pattern::I32x4([-1, 1, 3, i32::MIN]));
        assert!(!ret_matches(&swapped, &value).unwrap(), "lane 0 is the low 32 bits");
        let bytes = WastRetCore::V128(V128Pattern::I8x16([1, 0, 0, 0, -1, -1, -1, -1, 3, 0, 0, 0, 0, 0, 0, -128]));
        assert!(ret_matches(&bytes, &value).unwrap());
        let halves =
            WastRetCore::V128(V128Pattern::I64x2([0xffff_ffff_0000_0001_u64 as i64, 0x8000_0000_0000_0003_u64 as i64]));
        assert!(ret_matches(&halves, &value).unwrap());
        assert!(!ret_matches(&pattern, &Value::I32(1)).unwrap(), "a v128 pattern needs a v128");
    }

    #[test]
    fn v128_float_lanes_follow_the_nan_patterns() {
        let value = Value::V128(lanes32([0x7fc0_0000, 0xffc0_0000, 0x7fa0_0000, 1.5f32.to_bits()]));
        let canonical = NanPattern::CanonicalNan;
        let arithmetic = NanPattern::ArithmeticNan;
        let exact = NanPattern::Value(F32 { bits: 1.5f32.to_bits() });
        let lanes = |third| WastRetCore::V128(V128Pattern::F32x4([canonical, canonical, third, exact]));
        assert!(ret_matches(&lanes(NanPattern::Value(F32 { bits: 0x7fa0_0000 })), &value).unwrap());
        assert!(!ret_matches(&lanes(canonical), &value).unwrap(), "0x7fa00000 is not the canonical NaN");
        assert!(!ret_matches(&lanes(arithmetic), &value).unwrap(), "0x7fa00000 has no quiet bit");
        let wide = Value::V128(u128::from(0x7ff8_0000_0000_0001_u64) | u128::from(2.5f64.to_bits()) << 64);
        let f64s = WastRetCore::V128(V128Pattern::F64x2([
            NanPattern::ArithmeticNan,
            NanPattern::Value(F64 { bits: 2.5f64.to_bits() }),
        ]));
        assert!(ret_matches(&f64s, &wide).unwrap());
        let canonical_f64s = WastRetCore::V128(V128Pattern::F64x2([
            NanPattern::CanonicalNan,
            NanPattern::Value(F64 { bits: 2.5f64.to_bits() }),
        ]));
        assert!(!ret_matches(&canonical_f64s, &wide).unwrap(), "a payload bit below the quiet bit is not canonical");
    }
}

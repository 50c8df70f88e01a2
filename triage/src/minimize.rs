//! Shrinking a diverging case while its divergence signature (which
//! executors disagree with which, and how) stays the same: first the call
//! plan, then the module with wasm-shrink, then the plan again.
//!
//! Candidates run in this process (thousands of them; a child process each
//! would be too slow); a panic in an executor is still caught per executor
//! by the oracle, so crashes by panic minimize too. A crash by signal would
//! end the tool: reproduce those with `repro`, which isolates processes.

use std::convert::Infallible;
use std::ops::Range;

use oracle::case::Case;
use oracle::compare::{Verdict, run_case, signature};
use oracle::executor::Executor;
use oracle::outcome::Value;
use wasm_encoder::reencode::{self, Reencode, RoundtripReencoder};

/// What a case does wrong, or `None` when every executor agrees.
pub fn case_signature(case: &Case, executors: &[&dyn Executor]) -> Option<String> {
    let report = run_case(case, executors);
    match &report.verdict {
        Verdict::Crashed(why) => Some(format!("crash: {}", why.split(" panicked").next().unwrap_or(why))),
        Verdict::Diverged(_) | Verdict::ReferenceBug(_) => signature(&report.runs),
        _ => None,
    }
}

#[derive(Clone, Debug)]
pub struct Minimized {
    pub case: Case,
    pub signature: String,
    pub original_size: usize,
}

fn zero_of(v: &Value) -> Value {
    match v {
        Value::I32(_) => Value::I32(0),
        Value::I64(_) => Value::I64(0),
        Value::F32(_) => Value::F32(0),
        Value::F64(_) => Value::F64(0),
        Value::V128(_) => Value::V128(0),
        Value::FuncRef(_) => Value::FuncRef(None),
        Value::ExternRef(_) => Value::ExternRef(None),
    }
}

/// Drops calls and zeroes arguments while `keeps` holds.
fn shrink_plan(case: &mut Case, keeps: &mut impl FnMut(&Case) -> bool) {
    let mut i = case.plan.len();
    while i > 0 {
        i -= 1;
        if case.plan.len() > 1 {
            let mut candidate = case.clone();
            candidate.plan.remove(i);
            if keeps(&candidate) {
                *case = candidate;
                continue;
            }
        }
        for a in 0..case.plan[i].args.len() {
            let zero = zero_of(&case.plan[i].args[a]);
            if case.plan[i].args[a] != zero {
                let mut candidate = case.clone();
                candidate.plan[i].args[a] = zero;
                if keeps(&candidate) {
                    *case = candidate;
                }
            }
        }
    }
}

/// An edit of one function body: operators to drop (by index in body
/// order) and operators to put in place of some of them.
#[derive(Clone, Default)]
struct Edit {
    drop: Vec<Range<usize>>,
    /// Emitted where the operator of that index was (which is dropped).
    replace: Vec<(usize, wasm_encoder::Instruction<'static>)>,
    /// Keep only this many declared locals (the first ones).
    locals: Option<u32>,
}

/// Re-encodes a module with an [`Edit`] of defined function `func`
/// (counted in body order).
struct EditBody {
    func: usize,
    edit: Edit,
    next: usize,
}

impl Reencode for EditBody {
    type Error = Infallible;

    fn parse_function_body(
        &mut self,
        code: &mut wasm_encoder::CodeSection,
        body: wasmparser::FunctionBody<'_>,
    ) -> Result<(), reencode::Error<Infallible>> {
        let index = self.next;
        self.next += 1;
        if index != self.func {
            return reencode::utils::parse_function_body(self, code, body);
        }
        let mut locals = Vec::new();
        let mut room = self.edit.locals.unwrap_or(u32::MAX);
        for pair in body.get_locals_reader()? {
            let (count, ty) = pair?;
            let kept = count.min(room);
            room -= kept;
            if kept > 0 {
                locals.push((kept, self.val_type(ty)?));
            }
        }
        let mut f = wasm_encoder::Function::new(locals);
        let mut reader = body.get_operators_reader()?;
        let mut i = 0;
        while !reader.eof() {
            let op = reader.read()?;
            if let Some((_, replacement)) = self.edit.replace.iter().find(|(at, _)| *at == i) {
                f.instruction(replacement);
            } else if !self.edit.drop.iter().any(|r| r.contains(&i)) {
                f.instruction(&RoundtripReencoder.instruction(op)?);
            }
            i += 1;
        }
        code.function(&f);
        Ok(())
    }
}

/// Operators in each defined function's body.
fn operator_counts(wasm: &[u8]) -> Vec<usize> {
    let mut counts = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm).flatten() {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload {
            let n = body.get_operators_reader().map_or(0, |mut r| {
                let mut n = 0;
                while !r.eof() && r.read().is_ok() {
                    n += 1;
                }
                n
            });
            counts.push(n);
        }
    }
    counts
}

/// The module with `edit` applied to function `func`, if still valid.
fn edited(wasm: &[u8], func: usize, edit: Edit) -> Option<Vec<u8>> {
    let mut module = wasm_encoder::Module::new();
    EditBody { func, edit, next: 0 }.parse_core_module(&mut module, wasmparser::Parser::new(0), wasm).ok()?;
    let bytes = module.finish();
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all()).validate_all(&bytes).ok()?;
    Some(bytes)
}

fn without(
    wasm: &[u8],
    func: usize,
    range: Range<usize>,
    replacement: Option<wasm_encoder::Instruction<'static>>,
) -> Option<Vec<u8>> {
    let replace = replacement.map(|r| vec![(range.start, r)]).unwrap_or_default();
    edited(wasm, func, Edit { drop: vec![range], replace, locals: None })
}

/// Drops the declared locals past the last one the body uses.
fn trim_locals(case: &mut Case, keeps: &mut impl FnMut(&Case) -> bool) {
    for func in 0..operator_counts(&case.wasm).len() {
        // Fewest locals that still validate: the highest used index decides.
        let trimmed = (0..).map_while(|keep| {
            let edit = Edit { locals: Some(keep), ..Edit::default() };
            Some(edited(&case.wasm, func, edit)).filter(|_| keep <= 50_000)
        });
        if let Some(wasm) = trimmed.flatten().next().filter(|w| w.len() < case.wasm.len()) {
            let candidate = Case { wasm, ..case.clone() };
            if keeps(&candidate) {
                *case = candidate;
            }
        }
    }
}

/// A block, loop or if of a body: where it opens, its `else`, its `end`.
struct Construct {
    open: usize,
    is_if: bool,
    otherwise: Option<usize>,
    end: usize,
}

fn constructs(wasm: &[u8], func: usize) -> Vec<Construct> {
    let Some(body) = wasmparser::Parser::new(0)
        .parse_all(wasm)
        .flatten()
        .filter_map(|p| match p {
            wasmparser::Payload::CodeSectionEntry(body) => Some(body),
            _ => None,
        })
        .nth(func)
    else {
        return Vec::new();
    };
    let Ok(mut reader) = body.get_operators_reader() else { return Vec::new() };
    let (mut open, mut done) = (Vec::<Construct>::new(), Vec::new());
    let mut i = 0;
    while !reader.eof() {
        let Ok(op) = reader.read() else { break };
        match op {
            wasmparser::Operator::Block { .. } | wasmparser::Operator::Loop { .. } => {
                open.push(Construct { open: i, is_if: false, otherwise: None, end: 0 })
            }
            wasmparser::Operator::If { .. } => open.push(Construct { open: i, is_if: true, otherwise: None, end: 0 }),
            wasmparser::Operator::Else => {
                if let Some(c) = open.last_mut() {
                    c.otherwise = Some(i);
                }
            }
            wasmparser::Operator::End => {
                if let Some(mut c) = open.pop() {
                    c.end = i;
                    done.push(c);
                }
            }
            _ => {}
        }
        i += 1;
    }
    done.sort_by_key(|c| c.open);
    done
}

/// Edits that dissolve a construct but keep (one arm of) its body: a block
/// or loop loses its header and `end`; an `if` drops its condition and keeps
/// one arm.
fn unwraps(c: &Construct) -> Vec<Edit> {
    let dropping = |replace: bool, drop: &[Range<usize>]| Edit {
        replace: if replace { vec![(c.open, wasm_encoder::Instruction::Drop)] } else { vec![] },
        drop: drop.to_vec(),
        locals: None,
    };
    if !c.is_if {
        return vec![dropping(false, &[c.open..c.open + 1, c.end..c.end + 1])];
    }
    let end = c.end..c.end + 1;
    match c.otherwise {
        Some(e) => {
            let else_arm_and_end = e..c.end + 1;
            let then_arm_and_else = c.open + 1..e + 1;
            vec![dropping(true, &[else_arm_and_end]), dropping(true, &[then_arm_and_else, end])]
        }
        None => vec![dropping(true, &[end])],
    }
}

/// Dissolves constructs wherever the module stays valid and `keeps` holds.
fn unwrap_constructs(case: &mut Case, keeps: &mut impl FnMut(&Case) -> bool) {
    for func in 0..operator_counts(&case.wasm).len() {
        let mut k = 0;
        while let Some(c) = constructs(&case.wasm, func).into_iter().nth(k) {
            let done = unwraps(&c).into_iter().any(|edit| {
                let Some(wasm) = edited(&case.wasm, func, edit) else { return false };
                let candidate = Case { wasm, ..case.clone() };
                keeps(&candidate).then(|| *case = candidate).is_some()
            });
            if !done {
                k += 1;
            }
        }
    }
}

/// What a run of operators that leaves one value may become instead.
fn constants() -> [wasm_encoder::Instruction<'static>; 6] {
    use wasm_encoder::{HeapType, Instruction as I};
    [
        I::I32Const(0),
        I::I64Const(0),
        I::F32Const(0.0.into()),
        I::F64Const(0.0.into()),
        I::RefNull(HeapType::FUNC),
        I::RefNull(HeapType::EXTERN),
    ]
}

/// Delta debugging over each function's operators: removes runs of
/// operators, from half the body down to single operators, wherever the
/// module stays valid and `keeps` holds; a run that computes a value the
/// rest needs is replaced by a constant of its type instead. Finds what
/// wasm-shrink's random mutations miss, like dead `if` blocks, fuel checks
/// and values computed far from where they are used.
fn shrink_bodies(case: &mut Case, keeps: &mut impl FnMut(&Case) -> bool) {
    let mut accept = |case: &mut Case, wasm: Option<Vec<u8>>| {
        let candidate = Case { wasm: wasm?, ..case.clone() };
        keeps(&candidate).then(|| *case = candidate)
    };
    for func in 0..operator_counts(&case.wasm).len() {
        let mut chunk = operator_counts(&case.wasm)[func].div_ceil(2).max(1);
        loop {
            let mut start = 0;
            while start < operator_counts(&case.wasm)[func] {
                let range = start..start + chunk;
                let shrunk = accept(case, without(&case.wasm, func, range.clone(), None)).is_some()
                    || (chunk > 1
                        && constants()
                            .into_iter()
                            .any(|c| accept(case, without(&case.wasm, func, range.clone(), Some(c))).is_some()));
                if !shrunk {
                    // Short runs are tried at every offset: the pair that
                    // pushes and pops a value rarely starts on a boundary.
                    start += if chunk <= 8 { 1 } else { chunk };
                }
            }
            if chunk == 1 {
                break;
            }
            // Halving down to 8, then every length: balanced runs (a block
            // and its end, a push and its pop) have every small length.
            chunk = if chunk > 16 { chunk / 2 } else { chunk.min(9) - 1 };
        }
    }
}

/// Why a minimization stopped when a kept candidate no longer diverged.
pub const NOT_REPRODUCIBLE: &str = "the divergence stopped reproducing while being minimized: a candidate that diverged \
     before does not now, so an executor answers the same case differently from one run to the next in this process \
     (wasmi 2.0 has been seen to); `triage repro` runs each executor in a fresh process";

/// Shrinks `case`; `Err` when it does not diverge to begin with, or stops
/// diverging the same way on a case that did (an executor that is not
/// deterministic).
pub fn minimize(case: &Case, executors: &[&dyn Executor], attempts: u32) -> Result<Minimized, String> {
    let want = case_signature(case, executors)
        .ok_or("the executors agree on this case: nothing to minimize (run `triage repro` to see)")?;
    let mut keeps = |c: &Case| case_signature(c, executors).as_deref() == Some(want.as_str());
    let mut best = case.clone();
    shrink_plan(&mut best, &mut keeps);
    // wasm-shrink is a random search and the operator pass is greedy: they
    // take turns, wasm-shrink with a fresh seed each round, until a round
    // finds nothing smaller.
    for round in 0.. {
        let before = best.wasm.len();
        let kept = best.clone();
        let shrunk = match wasm_shrink::WasmShrink::default()
            .attempts(attempts)
            .seed(round)
            .run(best.wasm.clone(), |wasm| Ok(keeps(&Case { wasm: wasm.to_vec(), ..kept.clone() })))
        {
            Ok(shrunk) => shrunk,
            // wasm-shrink starts by checking its input, which diverged the
            // same way when it was kept.
            Err(_) if !keeps(&best) => return Err(NOT_REPRODUCIBLE.into()),
            Err(e) => return Err(format!("wasm-shrink: {e}")),
        };
        if shrunk.output.len() < best.wasm.len() {
            best.wasm = shrunk.output;
        }
        unwrap_constructs(&mut best, &mut keeps);
        shrink_bodies(&mut best, &mut keeps);
        trim_locals(&mut best, &mut keeps);
        if best.wasm.len() >= before {
            break;
        }
    }
    shrink_plan(&mut best, &mut keeps);
    Ok(Minimized { case: best, signature: want, original_size: case.wasm.len() })
}

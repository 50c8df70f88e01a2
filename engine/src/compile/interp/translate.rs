//! wasm operators → interpreter [`Instr`]s, validated in the same pass.

use wasmparser::{BlockType, FuncValidator, FunctionBody, Operator, ValidatorResources};

use super::Function;
use super::instr::{Instr, Operand, ShortSlot, Slot};
use crate::compile::fuel::{FuelPlan, Region};
use crate::error::{Error, Result, TrapCode};
use crate::module::ModuleInfo;
use crate::module::types::{ValType, words};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// The function body itself: branching to it returns.
    Func,
    Block,
    Loop,
    /// An `if` whose `else` has not been seen; holds the branch to patch.
    If(usize),
    Else,
}

#[derive(Debug)]
struct Control {
    kind: Kind,
    /// Operand height where the label's values live.
    height: u32,
    /// How many values a branch to this label carries.
    branch_arity: u32,
    loop_start: usize,
    /// The last branch to this label's end, in `Translator::pending`
    /// (`NO_PATCH` when none): patched with the earlier ones, chained
    /// through `Pending::earlier`, when the end is reached.
    last_patch: u32,
    /// Whether code for this construct is emitted at all.
    live: bool,
}

/// Allocations reused across the functions of a module.
#[derive(Default)]
pub(crate) struct TranslatorScratch {
    control: Vec<Control>,
    pending: Vec<Pending>,
    consts: Vec<u64>,
    code: Vec<Instr>,
    stack: Vec<Option<Source>>,
    value_words: Vec<u32>,
    locals: Vec<(Slot, u32)>,
    /// Whether the module's types or globals hold a v128 (computed at its
    /// first function: the sections that declare them come before code).
    v128_in_module: Option<bool>,
}

/// A branch waiting for its label's end (see `Control::last_patch`).
#[derive(Clone, Copy)]
struct Pending {
    at: usize,
    earlier: u32,
}

const NO_PATCH: u32 = u32::MAX;

struct Translator<'a> {
    info: &'a ModuleInfo,
    code: Vec<Instr>,
    /// Words of the parameters and declared locals (a v128 takes two).
    num_locals: u32,
    /// Words of the results.
    num_results: u32,
    /// Each local's first slot and words, when some local is a v128 (else
    /// local `i` is slot `i`, one word).
    locals: Vec<(Slot, u32)>,
    /// Whether the `select` being translated chooses between v128s.
    select_v128: bool,
    /// The last instruction that computed a v128 into its own slots (see
    /// `emit_v128_result`), if any, and where it is.
    v128_last: Option<(usize, Instr)>,
    control: Vec<Control>,
    /// Every label's branches waiting for its end, as chains.
    pending: Vec<Pending>,
    fuel: bool,
    /// Whether regions count their entries (`Instr::Cover`).
    coverage: bool,
    /// No instruction before this index may be rewritten: a branch lands
    /// here or later, and would skip the rewritten instruction's effect.
    barrier: usize,
    /// The last instruction, if it computed into an operand slot and can be
    /// re-emitted with another destination.
    last_op: Option<(usize, Retarget)>,
    /// The operand-stack height whose value is in the accumulator, if any.
    /// Only the last instruction writes it (its `last_op` says how to write
    /// the slot instead), and only an accumulator form of one of the
    /// operators in `forms` reads it, right after: any other operator first
    /// spills it (`spill_acc`).
    acc: Option<u32>,
    /// The values of the frame's constant slots (raw bits; see
    /// [`CONST_SLOT`]).
    consts: Vec<u64>,
    /// Per operand-stack height, where the value is when it is not (yet) in
    /// its own slot: `local.get` and constants emit nothing, and the
    /// operator that consumes them reads the local or the constant's slot.
    stack: Vec<Option<Source>>,
}

/// A value on the operand stack that lives elsewhere than its slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// The current value of a local (moved into its slot before the local
    /// is written).
    Local(Slot),
    /// A constant's raw bits.
    Const(u64),
    /// The accumulator, which the last instruction wrote (see
    /// `Translator::acc`).
    Acc,
}

/// How to re-emit a computation with a different destination slot.
#[derive(Clone, Copy)]
enum Retarget {
    Unary(fn(Slot, Slot) -> Instr, Slot),
    Binary(fn(Slot, Slot, Slot) -> Instr, Slot, Slot),
    Load(fn(Slot, Slot, u32) -> Instr, Slot, u32),
    /// `d = acc op b`.
    AccTo(fn(Slot, Slot) -> Instr, Slot),
}

mod forms;
mod memory;
mod simd;
mod verify;

use memory::memory32_offset;

use verify::place_and_verify;

/// What a conditional branch tests: a slot, or the comparison that
/// computed it, fused into the branch.
#[derive(Clone, Copy)]
enum Condition {
    Nez(Slot),
    Eqz(Slot),
    /// (lhs, rhs, the comparison's branch forms).
    Compare(Slot, Slot, &'static CompareForms),
}

/// Constructor of a compare-and-branch: (lhs, rhs, target).
type CompareBranch = fn(Slot, Slot, u32) -> Instr;

/// Constructor of a stepped compare-and-branch: (bound, counter, step,
/// target).
type SteppedBranch = fn(ShortSlot, Slot, Slot, u32) -> Instr;

/// An integer comparison's branch forms: plain, and fused with the add
/// that stepped its left operand (`BrI32StepLtS` …); each with the
/// comparison's negation, for the not-taken and `if` cases.
struct CompareForms {
    when_true: CompareBranch,
    when_false: CompareBranch,
    stepped_when_true: SteppedBranch,
    stepped_when_false: SteppedBranch,
    /// Whether the operands are i64 (the step must be an `i64.add`).
    wide: bool,
}

impl Condition {
    /// The branch to `target` taken when the condition holds, or (`negated`)
    /// when it does not.
    fn branch(self, target: u32, negated: bool) -> Instr {
        match (self, negated) {
            (Condition::Nez(c), false) | (Condition::Eqz(c), true) => Instr::BrIfNez(c, target),
            (Condition::Nez(c), true) | (Condition::Eqz(c), false) => Instr::BrIfEqz(c, target),
            (Condition::Compare(a, b, forms), false) => (forms.when_true)(a, b, target),
            (Condition::Compare(a, b, forms), true) => (forms.when_false)(a, b, target),
        }
    }
}

/// The integer comparison `instr` computes into its first slot, as a
/// fused condition (floats are not fused: their negation is not a
/// comparison, because of NaN).
fn comparison(instr: Instr) -> Option<(Slot, Condition)> {
    use Instr as I;
    macro_rules! forms {
        ($t:ident / $f:ident, $st:ident / $sf:ident, $wide:literal) => {
            &CompareForms {
                when_true: I::$t,
                when_false: I::$f,
                stepped_when_true: I::$st,
                stepped_when_false: I::$sf,
                wide: $wide,
            }
        };
    }
    let (d, a, b, forms): (Slot, Slot, Slot, &'static CompareForms) = match instr {
        I::I32Eq(d, a, b) => (d, a, b, forms!(BrI32Eq / BrI32Ne, BrI32StepEq / BrI32StepNe, false)),
        I::I32Ne(d, a, b) => (d, a, b, forms!(BrI32Ne / BrI32Eq, BrI32StepNe / BrI32StepEq, false)),
        I::I32LtS(d, a, b) => (d, a, b, forms!(BrI32LtS / BrI32GeS, BrI32StepLtS / BrI32StepGeS, false)),
        I::I32LtU(d, a, b) => (d, a, b, forms!(BrI32LtU / BrI32GeU, BrI32StepLtU / BrI32StepGeU, false)),
        I::I32GtS(d, a, b) => (d, a, b, forms!(BrI32GtS / BrI32LeS, BrI32StepGtS / BrI32StepLeS, false)),
        I::I32GtU(d, a, b) => (d, a, b, forms!(BrI32GtU / BrI32LeU, BrI32StepGtU / BrI32StepLeU, false)),
        I::I32LeS(d, a, b) => (d, a, b, forms!(BrI32LeS / BrI32GtS, BrI32StepLeS / BrI32StepGtS, false)),
        I::I32LeU(d, a, b) => (d, a, b, forms!(BrI32LeU / BrI32GtU, BrI32StepLeU / BrI32StepGtU, false)),
        I::I32GeS(d, a, b) => (d, a, b, forms!(BrI32GeS / BrI32LtS, BrI32StepGeS / BrI32StepLtS, false)),
        I::I32GeU(d, a, b) => (d, a, b, forms!(BrI32GeU / BrI32LtU, BrI32StepGeU / BrI32StepLtU, false)),
        I::I64Eq(d, a, b) => (d, a, b, forms!(BrI64Eq / BrI64Ne, BrI64StepEq / BrI64StepNe, true)),
        I::I64Ne(d, a, b) => (d, a, b, forms!(BrI64Ne / BrI64Eq, BrI64StepNe / BrI64StepEq, true)),
        I::I64LtS(d, a, b) => (d, a, b, forms!(BrI64LtS / BrI64GeS, BrI64StepLtS / BrI64StepGeS, true)),
        I::I64LtU(d, a, b) => (d, a, b, forms!(BrI64LtU / BrI64GeU, BrI64StepLtU / BrI64StepGeU, true)),
        I::I64GtS(d, a, b) => (d, a, b, forms!(BrI64GtS / BrI64LeS, BrI64StepGtS / BrI64StepLeS, true)),
        I::I64GtU(d, a, b) => (d, a, b, forms!(BrI64GtU / BrI64LeU, BrI64StepGtU / BrI64StepLeU, true)),
        I::I64LeS(d, a, b) => (d, a, b, forms!(BrI64LeS / BrI64GtS, BrI64StepLeS / BrI64StepGtS, true)),
        I::I64LeU(d, a, b) => (d, a, b, forms!(BrI64LeU / BrI64GtU, BrI64StepLeU / BrI64StepGtU, true)),
        I::I64GeS(d, a, b) => (d, a, b, forms!(BrI64GeS / BrI64LtS, BrI64StepGeS / BrI64StepLtS, true)),
        I::I64GeU(d, a, b) => (d, a, b, forms!(BrI64GeU / BrI64LtU, BrI64StepGeU / BrI64StepLtU, true)),
        I::I32Eqz(d, a) => return Some((d, Condition::Eqz(a))),
        _ => return None,
    };
    Some((d, Condition::Compare(a, b, forms)))
}

/// Placeholder branch target, always patched before the function is done.
const UNPATCHED: u32 = u32::MAX;

// Heights are counted in words, not values: a v128 takes two words, so
// the operand at word height `h` lives in slot `num_locals + h` (and a
// v128's high word in the next), and everything that moves values (copies
// for branches, materialization, calls and returns) moves words.
//
// While a function is translated, operand slots are `num_locals + height`
// and constant `k` is `CONST_SLOT + k`, because how many constants there
// are is known only at the end: `place_slots` then moves the constants
// between the locals and the operand stack and shifts the operand slots up
// by their number. (Frame sizes are below `u32::MAX / 2`, so the ranges
// cannot meet.)
const CONST_SLOT: Slot = 0x8000_0000;

/// A constant's provisional slot in a [`ShortSlot`]: `SHORT_CONST + k`
/// (locals keep their index, below it).
const SHORT_CONST: ShortSlot = 0x8000;

/// At most this many constants get a frame slot (each costs a copy on every
/// call of the function); the rest are materialised by `Const` instructions.
const MAX_FRAME_CONSTS: usize = 64;

pub(crate) fn translate(
    info: &ModuleInfo,
    validator: &mut FuncValidator<ValidatorResources>,
    body: FunctionBody<'_>,
    fuel: bool,
    coverage: bool,
    scratch: &mut TranslatorScratch,
) -> Result<Function> {
    let err = Error::from_wasmparser;
    let ty = info.func_type(validator.index());
    let ty = ty.clone();
    let mut reader = body.get_binary_reader();
    validator.read_locals(&mut reader).map_err(err)?;
    let mut ops = wasmparser::OperatorsReader::new(reader);
    let mut locals = std::mem::take(&mut scratch.locals);
    locals.clear();
    let num_values = validator.len_locals();
    let local_words = |i: u32| validator.get_local_type(i).map_or(1, words_of);
    // (The declarations, a few groups, are read again rather than asking
    // the validator about every local: a function has many more locals.)
    let declared_v128 = body
        .get_locals_reader()
        .map_err(err)?
        .into_iter()
        .any(|group| matches!(group, Ok((_, wasmparser::ValType::V128))));
    let num_locals = if declared_v128 || ty.params().contains(&ValType::V128) {
        let mut next = 0;
        for i in 0..num_values {
            locals.push((next, local_words(i)));
            next += local_words(i);
        }
        next
    } else {
        num_values
    };
    // A function starts counting heights in values (each one word) and
    // switches to words at its first v128 (see `Body::operator`); one whose
    // module's types or globals hold a v128 counts words from the start.
    let v128_in_module = *scratch.v128_in_module.get_or_insert_with(|| {
        info.types.iter().any(|t| t.params().iter().chain(t.results()).any(|v| *v == ValType::V128))
            || info.globals.iter().any(|g| g.content == ValType::V128)
    });
    let count_words = v128_in_module || !locals.is_empty();

    let mut t = Translator {
        info,
        code: std::mem::take(&mut scratch.code),
        num_locals,
        num_results: words(ty.results()) as u32,
        locals,
        select_v128: false,
        v128_last: None,
        control: std::mem::take(&mut scratch.control),
        pending: std::mem::take(&mut scratch.pending),
        fuel,
        coverage,
        barrier: 0,
        last_op: None,
        acc: None,
        consts: std::mem::take(&mut scratch.consts),
        stack: std::mem::take(&mut scratch.stack),
    };
    t.stack.clear();
    t.consts.clear();
    t.code.clear();
    t.control.clear();
    t.pending.clear();
    t.control.push(Control {
        kind: Kind::Func,
        height: 0,
        branch_arity: words(ty.results()) as u32,
        loop_start: 0,
        last_patch: NO_PATCH,
        live: true,
    });
    // Fuel regions double as coverage regions.
    let plan = if fuel || coverage { Some(FuelPlan::of(&body, coverage)?) } else { None };
    t.start_region(plan.as_ref().map_or_else(Region::default, FuelPlan::entry));

    let mut value_words = std::mem::take(&mut scratch.value_words);
    value_words.clear();
    if count_words {
        value_words.push(0);
    }
    let mut state = Body {
        height: validator.operand_stack_height(),
        t,
        plan,
        max_height: 0,
        index: 0,
        reachable: true,
        value_words,
        count_words,
        simd_seen: false,
    };
    crate::compile::visit::visit_body(&mut ops, validator, &mut state)?;
    let (t, max_height) = (state.t, state.max_height);
    scratch.value_words = state.value_words;
    let coverage = state.plan.as_mut().and_then(FuelPlan::coverage).map(Box::new);

    let num_consts = t.consts.len() as u32;
    let frame_size = num_locals
        .checked_add(num_consts)
        .and_then(|s| s.checked_add(max_height))
        .filter(|s| *s < u32::MAX / 2)
        .ok_or_else(|| Error::Limit("function frame too large".into()))?;
    let num_results = t.num_results;
    let mut code = t.code;
    place_and_verify(&mut code, num_locals, num_consts, frame_size, num_results)?;
    // One allocation of the exact size; the buffer is reused.
    let boxed_code: Box<[Instr]> = code.as_slice().into();
    scratch.code = code;
    // What a call writes above the arguments: zeroed locals, then the constants.
    let num_params = words(ty.params()) as u32;
    let frame_init: Box<[u64]> =
        std::iter::repeat_n(0, (num_locals - num_params) as usize).chain(t.consts.iter().copied()).collect();
    scratch.control = t.control;
    scratch.pending = t.pending;
    scratch.consts = t.consts;
    scratch.stack = t.stack;
    scratch.locals = t.locals;
    Ok(Function { coverage, code: boxed_code, num_params, frame_init, frame_size, num_results })
}

/// Whether `op`, which has no accumulator forms (`forms::of`), leaves a
/// value in the accumulator where it is: it emits nothing (`local.get`,
/// constants) or reads it (stores).
fn keeps_the_accumulator(op: &Operator<'_>) -> bool {
    use Operator as O;
    matches!(op, O::LocalGet { .. } | O::I32Const { .. } | O::I64Const { .. } | O::F32Const { .. } | O::F64Const { .. })
        || forms::store(op).is_some()
}

/// Words of a value of wasmparser type `ty` (a reference the engine does
/// not name is one word, like the ones it does).
fn words_of(ty: wasmparser::ValType) -> u32 {
    ValType::from_wasmparser(ty).map_or(1, |t| t.words() as u32)
}

/// Whether `instr` writes `slot`.
fn writes(mut instr: Instr, slot: Slot) -> bool {
    let mut writes = false;
    instr.visit_operands(&mut |operand| {
        writes |= match operand {
            Operand::Dest(s) => *s == slot,
            Operand::VDest(s) => *s == slot || *s + 1 == slot,
            _ => false,
        }
    });
    writes
}

/// The translation of a body, operator by operator.
struct Body<'a> {
    t: Translator<'a>,
    plan: Option<FuelPlan>,
    max_height: u32,
    /// The operator's index in the body.
    index: u32,
    /// The operand stack height before the operator, in words.
    height: u32,
    /// Whether the operator can run.
    reachable: bool,
    /// Whether heights are counted in words (`value_words`) rather than
    /// values: from the first v128 on (values and words agree before it).
    count_words: bool,
    /// The word height at each value height, while counting words.
    value_words: Vec<u32>,
    /// Whether a SIMD operator has been seen.
    simd_seen: bool,
}

impl Body<'_> {
    /// The word height after an operator that left `values` operands:
    /// the words of the operands in the innermost construct are counted
    /// again from their types (no operator reaches below it), the rest
    /// kept.
    fn word_height(&mut self, values: u32, validator: &FuncValidator<ValidatorResources>) -> u32 {
        let base = validator.get_control_frame(0).map_or(0, |frame| frame.height as u32).min(values);
        self.value_words.truncate(base as usize + 1);
        for value in base..values {
            let depth = (values - 1 - value) as usize;
            let width = validator.get_operand_type(depth).flatten().map_or(1, words_of);
            let below = self.value_words[value as usize];
            self.value_words.push(below + width);
        }
        self.value_words[values as usize]
    }
}

impl<'o> crate::compile::visit::OperatorSink<'o> for Body<'_> {
    fn simd(&mut self) {
        self.simd_seen = true;
    }

    fn before(&mut self, validator: &FuncValidator<ValidatorResources>) {
        // Code inside a construct that is itself unreachable is dead even
        // where the validator's frame says otherwise (it starts each
        // construct reachable).
        self.reachable = validator.get_control_frame(0).is_some_and(|f| !f.unreachable)
            && self.t.control.last().is_some_and(|c| c.live);
    }

    fn operator(
        &mut self,
        op: &Operator<'o>,
        offset: u64,
        validator: &FuncValidator<ValidatorResources>,
    ) -> Result<()> {
        let values = validator.operand_stack_height();
        if !self.count_words
            && (self.simd_seen
                || matches!(
                    op,
                    Operator::Block { blockty: BlockType::Type(wasmparser::ValType::V128) }
                        | Operator::Loop { blockty: BlockType::Type(wasmparser::ValType::V128) }
                        | Operator::If { blockty: BlockType::Type(wasmparser::ValType::V128) }
                ))
        {
            // Without a v128 in the module's types or globals or in a
            // local, the first v128 comes from a SIMD operator (alone, on
            // top) or at the end of a block typed v128: values and words
            // agree up to there.
            self.count_words = true;
            self.value_words.clear();
            self.value_words.extend(0..=values);
        }
        let after = if self.count_words { self.word_height(values, validator) } else { values };
        self.max_height = self.max_height.max(self.height).max(after);
        let t = &mut self.t;
        if matches!(op, Operator::Select | Operator::TypedSelect { .. }) {
            t.select_v128 = self.count_words && validator.get_operand_type(0) == Some(Some(wasmparser::ValType::V128));
        }
        t.operator(op, self.height, self.reachable, offset)?;
        // Values an operator pushed are in their slots; what it popped is gone.
        t.stack.resize(after as usize, None);
        self.height = after;
        if let Some(region) = self.plan.as_mut().and_then(|p| p.after(self.index)) {
            t.start_region(region);
        }
        self.index += 1;
        Ok(())
    }
}

impl Translator<'_> {
    fn slot(&self, height: u32) -> Slot {
        self.num_locals + height
    }

    fn emit(&mut self, instr: Instr) -> usize {
        self.code.push(instr);
        self.code.len() - 1
    }

    /// Starts a region of the fuel plan (see `compile::fuel`): counts its
    /// entry (when measuring coverage) and charges its fuel (when metering).
    fn start_region(&mut self, region: Region) {
        if self.coverage {
            self.emit(Instr::Cover(region.index));
        }
        if self.fuel {
            self.emit(Instr::Fuel(region.charge));
        }
    }

    fn patch(&mut self, at: usize, target: usize) {
        self.barrier = self.barrier.max(target);
        let mut patched = false;
        self.code[at].visit_operands(&mut |operand| {
            if let Operand::Target(t) = operand {
                *t = target as u32;
                patched = true;
            }
        });
        debug_assert!(patched, "patching a non-branch {:?}", self.code[at]);
    }

    /// A block type's parameter and result words.
    fn block_arity(&self, ty: BlockType) -> (u32, u32) {
        match ty {
            BlockType::Empty => (0, 0),
            BlockType::Type(t) => (0, words_of(t)),
            BlockType::FuncType(idx) => {
                let ty = &self.info.types[idx as usize];
                (words(ty.params()) as u32, words(ty.results()) as u32)
            }
        }
    }

    /// Local `index`'s first slot and its words.
    fn local(&self, index: u32) -> (Slot, u32) {
        if self.locals.is_empty() { (index, 1) } else { self.locals[index as usize] }
    }

    /// Words of global `index`'s value.
    fn global_words(&self, index: u32) -> u32 {
        self.info.globals[index as usize].content.words() as u32
    }

    /// Puts the `count` values from `src_height` into the slots from
    /// `dst_height` (ascending, which never overwrites a value still to be
    /// read: `dst_height <= src_height`). Leaves the translation state
    /// alone: on a conditional path it runs only when the branch is taken.
    fn copy_values(&mut self, dst_height: u32, src_height: u32, count: u32) {
        for i in 0..count {
            let d = self.slot(dst_height + i);
            self.put_value(src_height + i, d);
        }
    }

    /// Emits what writes the value at `height` into slot `d`, if it is not
    /// there already; the translation state is unchanged.
    fn put_value(&mut self, height: u32, d: Slot) {
        if self.stack[height as usize] == Some(Source::Acc) {
            self.spill_acc();
        }
        match self.stack[height as usize] {
            None if d == self.slot(height) => {}
            None => {
                let s = self.slot(height);
                self.emit(Instr::Copy(d, s));
            }
            Some(Source::Local(l)) => {
                self.emit(Instr::Copy(d, l));
            }
            Some(Source::Const(raw)) => {
                self.emit(Instr::Const64(d, raw));
            }
            Some(Source::Acc) => unreachable!("spilled above"),
        }
    }

    /// Where the value at `height` can be read without emitting anything:
    /// its own slot, its local's, or its constant's (`None` when the frame
    /// has no room for another constant).
    fn readable_slot(&mut self, height: u32) -> Option<Slot> {
        match self.stack[height as usize] {
            None => Some(self.slot(height)),
            Some(Source::Local(l)) => Some(l),
            Some(Source::Const(raw)) => self.const_slot(raw),
            Some(Source::Acc) => {
                self.spill_acc();
                Some(self.slot(height))
            }
        }
    }

    /// The slot an operator reads the value at `height` from: the
    /// `readable_slot`, or else its own slot, written first. The
    /// translation state is unchanged.
    fn operand(&mut self, height: u32) -> Slot {
        match self.readable_slot(height) {
            Some(s) => s,
            None => {
                let d = self.slot(height);
                self.put_value(height, d);
                d
            }
        }
    }

    /// The first of two adjacent slots holding the v128 whose low word is
    /// at `height`: a v128 local's, or else its own two, written first.
    fn v128_operand(&mut self, height: u32) -> Slot {
        match (self.stack[height as usize], self.stack[height as usize + 1]) {
            (None, None) => self.slot(height),
            (Some(Source::Local(low)), Some(Source::Local(high))) if high == low + 1 => low,
            _ => {
                self.materialize_range(height, height + 2);
                self.slot(height)
            }
        }
    }

    /// Moves the value at `height` into its own slot for good.
    fn materialize(&mut self, height: u32) {
        self.put_value(height, self.slot(height));
        self.stack[height as usize] = None;
    }

    /// Moves the values at heights `[from, to)` into their own slots.
    fn materialize_range(&mut self, from: u32, to: u32) {
        for height in from..to {
            self.materialize(height);
        }
    }

    /// Forgets the values at and above `height` (the operand stack was cut
    /// back there).
    fn forget_from(&mut self, height: u32) {
        for entry in self.stack.iter_mut().skip(height as usize) {
            *entry = None;
        }
    }

    /// Pushes a value that lives elsewhere.
    #[inline]
    fn push_source(&mut self, height: u32, source: Source) {
        debug_assert_eq!(self.stack.len(), height as usize, "the stack follows the validator's heights");
        self.stack.push(Some(source));
    }

    /// Returns the results, whose top is at `top`.
    fn emit_return(&mut self, top: u32) {
        let n = self.num_results;
        if n == 0 {
            self.emit(Instr::Return);
            return;
        }
        // A single result is returned from wherever it is; several from
        // their slots, which must hold them.
        let first = if n == 1 {
            self.operand(top - 1)
        } else {
            for height in top - n..top {
                self.put_value(height, self.slot(height));
            }
            self.slot(top - n)
        };
        // A result in local 0 is already at the frame base. (Operand slot 0,
        // when there are no locals, moves up if the function has constants.)
        self.emit(match first {
            0 if self.num_locals > 0 => Instr::Return,
            _ if n == 1 => Instr::ReturnOne(first),
            _ => Instr::ReturnFrom(first),
        });
    }

    /// Emits an unconditional branch to the label `depth`, whose carried
    /// values end at height `top`.
    fn emit_branch(&mut self, depth: u32, top: u32) {
        let index = self.control.len() - 1 - depth as usize;
        let (kind, height, n, loop_start) = {
            let c = &self.control[index];
            (c.kind, c.height, c.branch_arity, c.loop_start)
        };
        if kind == Kind::Func {
            self.emit_return(top);
            return;
        }
        self.copy_values(height, top - n, n);
        if kind == Kind::Loop {
            self.emit_jump(loop_start as u32);
        } else {
            let at = self.emit_jump(UNPATCHED);
            self.add_patch(index, at);
        }
    }

    /// The last instruction, when it may be rewritten (no branch lands
    /// after it).
    fn rewritable_last(&self) -> Option<usize> {
        self.code.len().checked_sub(1).filter(|&last| last >= self.barrier)
    }

    /// `slot` as a [`ShortSlot`], when it is a local or a constant's slot
    /// and every such slot of the function fits one once placed.
    fn short_slot(&self, slot: Slot) -> Option<ShortSlot> {
        if self.num_locals as usize + MAX_FRAME_CONSTS > usize::from(SHORT_CONST) {
            return None;
        }
        match slot {
            s if s >= CONST_SLOT => Some(SHORT_CONST + (s - CONST_SLOT) as ShortSlot),
            s if s < self.num_locals => Some(s as ShortSlot),
            _ => None,
        }
    }

    /// A jump to `target`, fused with a copy just before it.
    fn emit_jump(&mut self, target: u32) -> usize {
        if let Some(last) = self.rewritable_last()
            && let Instr::Copy(d, s) = self.code[last]
        {
            self.code[last] = Instr::CopyBr(d, s, target);
            self.last_op = None;
            return last;
        }
        self.emit(Instr::Br(target))
    }

    /// The branch to `target` taken when `cond` holds (or, `negated`, when
    /// it does not), fused with an add just before it that steps the slot
    /// it tests: `d = d + step` (either operand order) of the comparison's
    /// width.
    fn emit_conditional(&mut self, cond: Condition, target: u32, negated: bool) -> usize {
        let Some(last) = self.rewritable_last() else { return self.emit(cond.branch(target, negated)) };
        let step_of = |d: Slot, a: Slot, b: Slot| match (a == d, b == d) {
            (true, _) => Some(b),
            (false, true) => Some(a),
            _ => None,
        };
        let fused = match (cond, self.code[last]) {
            (Condition::Nez(c) | Condition::Eqz(c), Instr::I32Add(d, a, b)) if d == c => {
                step_of(d, a, b).map(|step| match matches!(cond, Condition::Nez(_)) != negated {
                    true => Instr::BrI32StepNez(d, step, target),
                    false => Instr::BrI32StepEqz(d, step, target),
                })
            }
            (Condition::Compare(c, bound, forms), Instr::I32Add(d, a, b) | Instr::I64Add(d, a, b))
                if d == c && forms.wide == matches!(self.code[last], Instr::I64Add(..)) =>
            {
                let make = if negated { forms.stepped_when_false } else { forms.stepped_when_true };
                step_of(d, a, b).zip(self.short_slot(bound)).map(|(step, bound)| make(bound, d, step, target))
            }
            _ => None,
        };
        if let Some(fused) = fused {
            self.code[last] = fused;
            self.last_op = None;
            return last;
        }
        self.emit(cond.branch(target, negated))
    }

    fn needs_copies(&self, depth: u32, top: u32) -> bool {
        let c = &self.control[self.control.len() - 1 - depth as usize];
        c.kind == Kind::Func || (c.branch_arity > 0 && c.height != top - c.branch_arity)
    }

    /// Records that the branch at `at` goes to the end of label `index`.
    fn add_patch(&mut self, index: usize, at: usize) {
        let earlier = self.control[index].last_patch;
        self.control[index].last_patch = self.pending.len() as u32;
        self.pending.push(Pending { at, earlier });
    }

    fn push_control(&mut self, kind: Kind, height: u32, branch_arity: u32, live: bool) {
        let loop_start = self.code.len();
        self.control.push(Control { kind, height, branch_arity, loop_start, last_patch: NO_PATCH, live });
    }

    /// The condition a branch on the i32 at `height` tests: the comparison
    /// that just computed it, fused (and removed), when nothing can run in
    /// between; else the slot itself.
    fn take_condition(&mut self, height: u32) -> Condition {
        if self.stack[height as usize].is_some() {
            return Condition::Nez(self.operand(height));
        }
        let slot = self.slot(height);
        if let Some(last) = self.rewritable_last()
            && let Some((d, cond)) = comparison(self.code[last])
            && d == slot
        {
            self.code.pop();
            self.last_op = None;
            return cond;
        }
        Condition::Nez(self.low_half_operand(height))
    }

    /// The frame slot holding constant `raw`, if it has or can get one.
    fn const_slot(&mut self, raw: u64) -> Option<Slot> {
        let k = match self.consts.iter().position(|c| *c == raw) {
            Some(k) => k,
            None if self.consts.len() < MAX_FRAME_CONSTS => {
                self.consts.push(raw);
                self.consts.len() - 1
            }
            None => return None,
        };
        Some(CONST_SLOT + k as Slot)
    }

    fn unary(&mut self, h: u32, make: fn(Slot, Slot) -> Instr) {
        let d = self.slot(h - 1);
        let a = self.operand(h - 1);
        let at = self.emit(make(d, a));
        self.stack[h as usize - 1] = None;
        self.last_op = Some((at, Retarget::Unary(make, a)));
    }

    fn binary(&mut self, h: u32, make: fn(Slot, Slot, Slot) -> Instr) {
        let d = self.slot(h - 2);
        let (a, b) = (self.operand(h - 2), self.operand(h - 1));
        let at = self.emit(make(d, a, b));
        self.stack[h as usize - 2] = None;
        self.last_op = Some((at, Retarget::Binary(make, a, b)));
    }

    /// A binary operator with accumulator forms: computes into the
    /// accumulator, reading it when it holds one of the operands.
    fn binary_acc(&mut self, h: u32, forms: &forms::AccForms) {
        let (lhs, rhs) = (h - 2, h - 1);
        let in_acc = |height: u32| self.stack[height as usize] == Some(Source::Acc);
        let other = match (in_acc(lhs), in_acc(rhs)) {
            (true, _) => Some(rhs),
            (false, true) if forms.commutative => Some(lhs),
            _ => None,
        };
        // The other operand must be readable without emitting anything:
        // the accumulator's producer must stay the last instruction.
        if let Some(b) = other.and_then(|other| self.readable_slot(other)) {
            let at = self.emit((forms.acc)(b));
            self.stack[lhs as usize] = Some(Source::Acc);
            self.stack[rhs as usize] = None;
            self.acc = Some(lhs);
            self.last_op = Some((at, Retarget::AccTo(forms.acc_to, b)));
            return;
        }
        self.spill_acc();
        let (a, b) = (self.operand(lhs), self.operand(rhs));
        let at = self.emit((forms.to_acc)(a, b));
        self.stack[lhs as usize] = Some(Source::Acc);
        self.stack[rhs as usize] = None;
        self.acc = Some(lhs);
        self.last_op = Some((at, Retarget::Binary(forms.slots, a, b)));
    }

    /// Moves the accumulator's value into its slot, by making the
    /// instruction that computed it write the slot instead.
    #[inline(always)]
    fn spill_acc(&mut self) {
        if self.acc.is_some() {
            self.spill_live_acc();
        }
    }

    fn spill_live_acc(&mut self) {
        let Some(height) = self.acc.take() else { return };
        let d = self.slot(height);
        let last = self.code.len() - 1;
        self.code[last] = match self.last_op {
            Some((at, Retarget::Binary(make, a, b))) if at == last => make(d, a, b),
            Some((at, Retarget::AccTo(make, b))) if at == last => make(d, b),
            Some((at, Retarget::Load(make, a, offset))) if at == last => make(d, a, offset),
            _ => unreachable!("the accumulator's producer is the last instruction"),
        };
        if self.stack[height as usize] == Some(Source::Acc) {
            self.stack[height as usize] = None;
        }
    }

    /// `local.set` right after a computation into `s`: compute into the
    /// local instead, saving the copy.
    fn retarget_last_into(&mut self, s: Slot, local: Slot) -> bool {
        let Some((at, op)) = self.last_op else { return false };
        if at + 1 != self.code.len() || at < self.barrier {
            return false;
        }
        let (instr, dest) = match op {
            Retarget::Unary(make, a) => (make(local, a), make(s, a)),
            Retarget::Binary(make, a, b) => (make(local, a, b), make(s, a, b)),
            Retarget::Load(make, a, offset) => (make(local, a, offset), make(s, a, offset)),
            Retarget::AccTo(make, b) => (make(local, b), make(s, b)),
        };
        if self.code[at] != dest {
            return false;
        }
        self.code[at] = instr;
        self.last_op = None;
        true
    }

    /// The slot of an i32 operand its consumer reads only as a u32 (a
    /// 32-bit memory's address, a `call_indirect` or `br_table` index, a
    /// condition): when it is an `i32.wrap_i64` computed just before (C
    /// indexing with a 64-bit index, a hash narrowed to a table index), the
    /// wrap's source, and the wrap is dropped: truncating is all the wrap
    /// does. Nothing else may read the wrap's result: only this consumer
    /// takes it, right after.
    fn low_half_operand(&mut self, height: u32) -> Slot {
        if self.stack[height as usize].is_none()
            && let Some(source) = self.rewritable_last().and_then(|last| self.wrap_at(last, self.slot(height)))
        {
            self.code.pop();
            self.last_op = None;
            return source;
        }
        self.operand(height)
    }

    /// The source of the `i32.wrap_i64` at `at` when it writes `slot` and
    /// no branch lands at or after it.
    fn wrap_at(&self, at: usize, slot: Slot) -> Option<Slot> {
        match self.code[at] {
            Instr::I32WrapI64(w, source) if w == slot && at >= self.barrier => Some(source),
            _ => None,
        }
    }

    /// An operator that reads three operands and writes none.
    fn ternary(&mut self, h: u32, make: fn(Slot, Slot, Slot) -> Instr) {
        let (a, b, c) = (self.operand(h - 3), self.operand(h - 2), self.operand(h - 1));
        self.emit(make(a, b, c));
    }

    /// `local.set` (`tee`: and keep the value) of the value on top at `top`.
    fn set_local(&mut self, top: u32, local: Slot, tee: bool) {
        // Values below that read the local keep its old value.
        for height in 0..top {
            if self.stack[height as usize] == Some(Source::Local(local)) {
                self.materialize(height);
            }
        }
        match self.stack[top as usize] {
            Some(Source::Local(l)) if l == local => {}
            Some(Source::Local(l)) => {
                self.emit(Instr::Copy(local, l));
            }
            Some(Source::Const(raw)) => {
                self.emit(Instr::Const64(local, raw));
            }
            None => {
                let s = self.slot(top);
                if !self.retarget_last_into(s, local) {
                    self.emit(Instr::Copy(local, s));
                }
            }
            Some(Source::Acc) => unreachable!("local.set spills the accumulator first"),
        }
        if tee {
            self.stack[top as usize] = Some(Source::Local(local));
        }
    }

    fn operator(&mut self, op: &Operator<'_>, h: u32, reachable: bool, offset: u64) -> Result<()> {
        match crate::compile::memarg(op) {
            Some(wasmparser::MemArg { target: wasmparser::MemArgTarget::Memory(memory), .. })
                if memory != 0 && reachable =>
            {
                self.access_of_other_memory(op, h, offset, memory)
            }
            _ => self.memory0_operator(op, h, reachable, offset),
        }
    }

    /// A load or store of memory `memory` (not 0): the access memory 0's
    /// would be, between two `SelectMemory`. Nothing in between may leave a
    /// value in the accumulator, whose producer must be the last
    /// instruction: it is spilled before and after.
    fn access_of_other_memory(&mut self, op: &Operator<'_>, h: u32, offset: u64, memory: u32) -> Result<()> {
        self.spill_acc();
        self.emit(Instr::SelectMemory(memory));
        self.last_op = None;
        self.memory0_operator(op, h, true, offset)?;
        self.spill_acc();
        self.emit(Instr::SelectMemory(0));
        self.last_op = None;
        Ok(())
    }

    fn memory0_operator(&mut self, op: &Operator<'_>, h: u32, reachable: bool, offset: u64) -> Result<()> {
        use Operator as O;
        let acc_forms = forms::of(op);
        if acc_forms.is_none() && !keeps_the_accumulator(op) {
            self.spill_acc();
        }
        // Structured control is tracked even in dead code, so ends match up.
        match *op {
            O::Block { blockty } => {
                let (p, r) = self.block_arity(blockty);
                // Values below a construct live in their slots: the
                // construct's paths must agree on where they are.
                if reachable {
                    self.materialize_range(0, h);
                }
                self.push_control(Kind::Block, h.saturating_sub(p), r, reachable);
                return Ok(());
            }
            O::Loop { blockty } => {
                let (p, _) = self.block_arity(blockty);
                if reachable {
                    self.materialize_range(0, h);
                }
                // Branches back to the loop must land on its fuel charge.
                let start = self.code.len();
                self.push_control(Kind::Loop, h.saturating_sub(p), p, reachable);
                self.control.last_mut().expect("just pushed").loop_start = start;
                self.barrier = self.barrier.max(start);
                return Ok(());
            }
            O::If { blockty } => {
                let (p, r) = self.block_arity(blockty);
                let mut at = 0;
                if reachable {
                    let cond = self.take_condition(h - 1);
                    self.materialize_range(0, h - 1);
                    at = self.emit_conditional(cond, UNPATCHED, true);
                }
                self.push_control(Kind::If(at), h.saturating_sub(1 + p), r, reachable);
                return Ok(());
            }
            O::Else => {
                let top = self.control.len() - 1;
                let c = &self.control[top];
                if c.live {
                    let Kind::If(else_branch) = c.kind else { unreachable!("validated: else follows if") };
                    let height = c.height;
                    if reachable {
                        self.materialize_range(height, h);
                        let at = self.emit_jump(UNPATCHED);
                        self.add_patch(top, at);
                    }
                    self.patch(else_branch, self.code.len());
                    self.control[top].kind = Kind::Else;
                    self.forget_from(height);
                }
                return Ok(());
            }
            O::End => {
                let c = self.control.pop().expect("validated: end matches a construct");
                if !c.live {
                    return Ok(());
                }
                if c.kind == Kind::Func {
                    if reachable {
                        self.emit_return(h);
                    }
                    return Ok(());
                }
                if reachable {
                    self.materialize_range(c.height, h);
                }
                self.forget_from(c.height);
                let end = self.code.len();
                if let Kind::If(else_branch) = c.kind {
                    self.patch(else_branch, end);
                }
                let mut next = c.last_patch;
                while next != NO_PATCH {
                    let Pending { at, earlier } = self.pending[next as usize];
                    self.patch(at, end);
                    next = earlier;
                }
                return Ok(());
            }
            _ => {}
        }
        if !reachable {
            return Ok(());
        }
        if let Some(forms) = acc_forms {
            self.binary_acc(h, forms);
            return Ok(());
        }
        if let Some((forms, offset)) = forms::load(op) {
            return self.load_fusing(h, offset, forms);
        }
        if let Some((forms, offset)) = forms::store(op) {
            return self.store_fusing(h, offset, forms);
        }
        match *op {
            O::Unreachable => {
                self.emit(Instr::Trap(TrapCode::Unreachable));
            }
            O::Nop | O::Drop => {}
            O::Br { relative_depth } => self.emit_branch(relative_depth, h),
            O::BrIf { relative_depth } => {
                let cond = self.take_condition(h - 1);
                if self.needs_copies(relative_depth, h - 1) {
                    let skip = self.emit_conditional(cond, UNPATCHED, true);
                    self.emit_branch(relative_depth, h - 1);
                    self.patch(skip, self.code.len());
                } else {
                    let index = self.control.len() - 1 - relative_depth as usize;
                    // The carried values must be in their slots, which are
                    // the label's.
                    let n = self.control[index].branch_arity;
                    self.materialize_range(h - 1 - n, h - 1);
                    if self.control[index].kind == Kind::Loop {
                        let start = self.control[index].loop_start as u32;
                        self.emit_conditional(cond, start, false);
                    } else {
                        let at = self.emit_conditional(cond, UNPATCHED, false);
                        self.add_patch(index, at);
                    }
                }
            }
            O::BrTable { ref targets } => {
                // The index is read where it is (a state variable's local,
                // say); the values below it may be carried by a branch.
                let index = self.low_half_operand(h - 1);
                self.materialize_range(0, h - 1);
                let mut depths = Vec::with_capacity(targets.len() as usize + 1);
                for depth in targets.targets() {
                    depths.push(depth.map_err(Error::from_wasmparser)?);
                }
                depths.push(targets.default());
                self.emit(Instr::BrTable(index, targets.len()));
                let table_start = self.code.len();
                for _ in &depths {
                    self.emit(Instr::Br(UNPATCHED));
                }
                for (i, depth) in depths.into_iter().enumerate() {
                    let entry = table_start + i;
                    if self.needs_copies(depth, h - 1) {
                        let stub = self.code.len();
                        self.patch(entry, stub);
                        self.emit_branch(depth, h - 1);
                    } else {
                        let c = self.control.len() - 1 - depth as usize;
                        if self.control[c].kind == Kind::Loop {
                            let start = self.control[c].loop_start;
                            self.patch(entry, start);
                        } else {
                            self.add_patch(c, entry);
                        }
                    }
                }
            }
            O::Return => self.emit_return(h),
            O::Call { function_index } => {
                let p = words(self.info.func_type(function_index).params()) as u32;
                self.materialize_range(h - p, h);
                let base = self.slot(h - p);
                let imported = self.info.num_imported_funcs;
                self.emit(if function_index >= imported {
                    Instr::CallInternal(function_index - imported, base)
                } else {
                    Instr::Call(function_index, base)
                });
            }
            O::CallIndirect { type_index, table_index } => {
                let p = words(self.info.types[type_index as usize].params()) as u32;
                // The index is read where it is; a result may take its place.
                let index = self.low_half_operand(h - 1);
                self.stack[h as usize - 1] = None;
                self.materialize_range(h - 1 - p, h - 1);
                let base = self.slot(h - 1 - p);
                self.emit(Instr::CallIndirect(base, index, type_index));
                self.emit(Instr::Aux(table_index, 0, 0));
            }
            // A v128 local's two words are two values to the translation.
            O::LocalGet { local_index } => {
                let (slot, n) = self.local(local_index);
                for word in 0..n {
                    self.push_source(h + word, Source::Local(slot + word));
                }
            }
            O::LocalSet { local_index } | O::LocalTee { local_index } => {
                let (slot, n) = self.local(local_index);
                let tee = matches!(op, O::LocalTee { .. });
                if n == 1 || !self.set_v128_local(h - 2, slot, tee) {
                    for word in 0..n {
                        self.set_local(h - n + word, slot + word, tee);
                    }
                }
            }
            O::GlobalGet { global_index } if self.global_words(global_index) == 2 => {
                let d = self.slot(h);
                self.emit(Instr::GlobalGetV128(d, global_index));
            }
            O::GlobalSet { global_index } if self.global_words(global_index) == 2 => {
                let s = self.v128_operand(h - 2);
                self.emit(Instr::GlobalSetV128(global_index, s));
            }
            O::GlobalGet { global_index } => {
                let d = self.slot(h);
                self.emit(Instr::GlobalGet(d, global_index));
            }
            O::GlobalSet { global_index } => {
                let s = self.operand(h - 1);
                self.emit(Instr::GlobalSet(global_index, s));
            }
            O::Select | O::TypedSelect { .. } if self.select_v128 => {
                let c = self.low_half_operand(h - 1);
                self.materialize_range(h - 5, h - 3);
                let b = self.v128_operand(h - 3);
                self.emit(Instr::SelectV128(self.slot(h - 5), b, c));
            }
            O::Select | O::TypedSelect { .. } => {
                // The first operand's slot is the result's.
                let c = self.low_half_operand(h - 1);
                self.materialize(h - 3);
                let b = self.operand(h - 2);
                self.emit(Instr::Select(self.slot(h - 3), b, c));
            }
            O::I32Const { value } => self.push_source(h, Source::Const(value as u32 as u64)),
            O::I64Const { value } => self.push_source(h, Source::Const(value as u64)),
            O::F32Const { value } => self.push_source(h, Source::Const(value.bits() as u64)),
            O::F64Const { value } => self.push_source(h, Source::Const(value.bits())),
            O::RefNull { .. } => {
                let d = self.slot(h);
                self.emit(Instr::Const64(d, 0));
            }
            O::RefIsNull => self.unary(h, Instr::RefIsNull),
            O::RefFunc { function_index } => {
                let d = self.slot(h);
                self.emit(Instr::RefFunc(d, function_index));
            }

            O::MemorySize { mem } => {
                let d = self.slot(h);
                self.emit(Instr::MemorySize(d, mem));
            }
            O::MemoryGrow { mem } => {
                self.materialize(h - 1);
                let d = self.slot(h - 1);
                self.emit(Instr::MemoryGrow(d, mem));
            }
            O::MemoryFill { mem } => {
                self.ternary(h, Instr::MemoryFill);
                self.emit(Instr::Aux(mem, 0, 0));
            }
            O::MemoryCopy { dst_mem, src_mem } => {
                self.ternary(h, Instr::MemoryCopy);
                self.emit(Instr::Aux(dst_mem, src_mem, 0));
            }
            O::MemoryInit { data_index, mem } => {
                self.ternary(h, Instr::MemoryInit);
                self.emit(Instr::Aux(data_index, mem, 0));
            }
            O::DataDrop { data_index } => {
                self.emit(Instr::DataDrop(data_index));
            }
            O::TableGet { table } => {
                let (d, i) = (self.slot(h - 1), self.operand(h - 1));
                self.emit(Instr::TableGet(d, i, table));
                self.stack[h as usize - 1] = None;
            }
            O::TableSet { table } => {
                let (i, v) = (self.operand(h - 2), self.operand(h - 1));
                self.emit(Instr::TableSet(i, v, table));
            }
            O::TableSize { table } => {
                let d = self.slot(h);
                self.emit(Instr::TableSize(d, table));
            }
            O::TableGrow { table } => {
                self.materialize(h - 2);
                let (init, n) = (self.slot(h - 2), self.operand(h - 1));
                self.emit(Instr::TableGrow(init, n, table));
            }
            O::TableFill { table } => {
                self.ternary(h, Instr::TableFill);
                self.emit(Instr::Aux(table, 0, 0));
            }
            O::TableCopy { dst_table, src_table } => {
                self.ternary(h, Instr::TableCopy);
                self.emit(Instr::Aux(dst_table, src_table, 0));
            }
            O::TableInit { elem_index, table } => {
                self.ternary(h, Instr::TableInit);
                self.emit(Instr::Aux(table, elem_index, 0));
            }
            O::ElemDrop { elem_index } => {
                self.emit(Instr::ElemDrop(elem_index));
            }

            O::I32Eqz => self.unary(h, Instr::I32Eqz),
            O::I64Eqz => self.unary(h, Instr::I64Eqz),
            O::I32Clz => self.unary(h, Instr::I32Clz),
            O::I32Ctz => self.unary(h, Instr::I32Ctz),
            O::I32Popcnt => self.unary(h, Instr::I32Popcnt),
            O::I64Clz => self.unary(h, Instr::I64Clz),
            O::I64Ctz => self.unary(h, Instr::I64Ctz),
            O::I64Popcnt => self.unary(h, Instr::I64Popcnt),
            O::F32Abs => self.unary(h, Instr::F32Abs),
            O::F32Neg => self.unary(h, Instr::F32Neg),
            O::F32Ceil => self.unary(h, Instr::F32Ceil),
            O::F32Floor => self.unary(h, Instr::F32Floor),
            O::F32Trunc => self.unary(h, Instr::F32Trunc),
            O::F32Nearest => self.unary(h, Instr::F32Nearest),
            O::F32Sqrt => self.unary(h, Instr::F32Sqrt),
            O::F64Abs => self.unary(h, Instr::F64Abs),
            O::F64Neg => self.unary(h, Instr::F64Neg),
            O::F64Ceil => self.unary(h, Instr::F64Ceil),
            O::F64Floor => self.unary(h, Instr::F64Floor),
            O::F64Trunc => self.unary(h, Instr::F64Trunc),
            O::F64Nearest => self.unary(h, Instr::F64Nearest),
            O::F64Sqrt => self.unary(h, Instr::F64Sqrt),
            O::I32WrapI64 => self.unary(h, Instr::I32WrapI64),
            O::I32TruncF32S => self.unary(h, Instr::I32TruncF32S),
            O::I32TruncF32U => self.unary(h, Instr::I32TruncF32U),
            O::I32TruncF64S => self.unary(h, Instr::I32TruncF64S),
            O::I32TruncF64U => self.unary(h, Instr::I32TruncF64U),
            O::I64ExtendI32S => self.unary(h, Instr::I64ExtendI32S),
            O::I64ExtendI32U => self.unary(h, Instr::I64ExtendI32U),
            O::I64TruncF32S => self.unary(h, Instr::I64TruncF32S),
            O::I64TruncF32U => self.unary(h, Instr::I64TruncF32U),
            O::I64TruncF64S => self.unary(h, Instr::I64TruncF64S),
            O::I64TruncF64U => self.unary(h, Instr::I64TruncF64U),
            O::F32ConvertI32S => self.unary(h, Instr::F32ConvertI32S),
            O::F32ConvertI32U => self.unary(h, Instr::F32ConvertI32U),
            O::F32ConvertI64S => self.unary(h, Instr::F32ConvertI64S),
            O::F32ConvertI64U => self.unary(h, Instr::F32ConvertI64U),
            O::F32DemoteF64 => self.unary(h, Instr::F32DemoteF64),
            O::F64ConvertI32S => self.unary(h, Instr::F64ConvertI32S),
            O::F64ConvertI32U => self.unary(h, Instr::F64ConvertI32U),
            O::F64ConvertI64S => self.unary(h, Instr::F64ConvertI64S),
            O::F64ConvertI64U => self.unary(h, Instr::F64ConvertI64U),
            O::F64PromoteF32 => self.unary(h, Instr::F64PromoteF32),
            // Slots hold raw bits, so reinterpretation is free.
            O::I32ReinterpretF32 | O::F32ReinterpretI32 | O::I64ReinterpretF64 | O::F64ReinterpretI64 => {}
            O::I32Extend8S => self.unary(h, Instr::I32Extend8S),
            O::I32Extend16S => self.unary(h, Instr::I32Extend16S),
            O::I64Extend8S => self.unary(h, Instr::I64Extend8S),
            O::I64Extend16S => self.unary(h, Instr::I64Extend16S),
            O::I64Extend32S => self.unary(h, Instr::I64Extend32S),
            O::I32TruncSatF32S => self.unary(h, Instr::I32TruncSatF32S),
            O::I32TruncSatF32U => self.unary(h, Instr::I32TruncSatF32U),
            O::I32TruncSatF64S => self.unary(h, Instr::I32TruncSatF64S),
            O::I32TruncSatF64U => self.unary(h, Instr::I32TruncSatF64U),
            O::I64TruncSatF32S => self.unary(h, Instr::I64TruncSatF32S),
            O::I64TruncSatF32U => self.unary(h, Instr::I64TruncSatF32U),
            O::I64TruncSatF64S => self.unary(h, Instr::I64TruncSatF64S),
            O::I64TruncSatF64U => self.unary(h, Instr::I64TruncSatF64U),

            O::I32Eq => self.binary(h, Instr::I32Eq),
            O::I32Ne => self.binary(h, Instr::I32Ne),
            O::I32LtS => self.binary(h, Instr::I32LtS),
            O::I32LtU => self.binary(h, Instr::I32LtU),
            O::I32GtS => self.binary(h, Instr::I32GtS),
            O::I32GtU => self.binary(h, Instr::I32GtU),
            O::I32LeS => self.binary(h, Instr::I32LeS),
            O::I32LeU => self.binary(h, Instr::I32LeU),
            O::I32GeS => self.binary(h, Instr::I32GeS),
            O::I32GeU => self.binary(h, Instr::I32GeU),
            O::I64Eq => self.binary(h, Instr::I64Eq),
            O::I64Ne => self.binary(h, Instr::I64Ne),
            O::I64LtS => self.binary(h, Instr::I64LtS),
            O::I64LtU => self.binary(h, Instr::I64LtU),
            O::I64GtS => self.binary(h, Instr::I64GtS),
            O::I64GtU => self.binary(h, Instr::I64GtU),
            O::I64LeS => self.binary(h, Instr::I64LeS),
            O::I64LeU => self.binary(h, Instr::I64LeU),
            O::I64GeS => self.binary(h, Instr::I64GeS),
            O::I64GeU => self.binary(h, Instr::I64GeU),
            O::F32Eq => self.binary(h, Instr::F32Eq),
            O::F32Ne => self.binary(h, Instr::F32Ne),
            O::F32Lt => self.binary(h, Instr::F32Lt),
            O::F32Gt => self.binary(h, Instr::F32Gt),
            O::F32Le => self.binary(h, Instr::F32Le),
            O::F32Ge => self.binary(h, Instr::F32Ge),
            O::F64Eq => self.binary(h, Instr::F64Eq),
            O::F64Ne => self.binary(h, Instr::F64Ne),
            O::F64Lt => self.binary(h, Instr::F64Lt),
            O::F64Gt => self.binary(h, Instr::F64Gt),
            O::F64Le => self.binary(h, Instr::F64Le),
            O::F64Ge => self.binary(h, Instr::F64Ge),
            O::I32DivS => self.binary(h, Instr::I32DivS),
            O::I32DivU => self.binary(h, Instr::I32DivU),
            O::I32RemS => self.binary(h, Instr::I32RemS),
            O::I32RemU => self.binary(h, Instr::I32RemU),
            O::I32Rotl => self.binary(h, Instr::I32Rotl),
            O::I32Rotr => self.binary(h, Instr::I32Rotr),
            O::I64DivS => self.binary(h, Instr::I64DivS),
            O::I64DivU => self.binary(h, Instr::I64DivU),
            O::I64RemS => self.binary(h, Instr::I64RemS),
            O::I64RemU => self.binary(h, Instr::I64RemU),
            O::I64Rotl => self.binary(h, Instr::I64Rotl),
            O::I64Rotr => self.binary(h, Instr::I64Rotr),
            O::F32Add => self.binary(h, Instr::F32Add),
            O::F32Sub => self.binary(h, Instr::F32Sub),
            O::F32Mul => self.binary(h, Instr::F32Mul),
            O::F32Div => self.binary(h, Instr::F32Div),
            O::F32Min => self.binary(h, Instr::F32Min),
            O::F32Max => self.binary(h, Instr::F32Max),
            O::F32Copysign => self.binary(h, Instr::F32Copysign),
            O::F64Min => self.binary(h, Instr::F64Min),
            O::F64Max => self.binary(h, Instr::F64Max),
            O::F64Copysign => self.binary(h, Instr::F64Copysign),
            ref other => {
                if !self.simd_operator(other, h)? {
                    return Err(Error::Unsupported(format!(
                        "the interpreter does not execute {other:?} (offset {offset:#x})"
                    )));
                }
            }
        }
        Ok(())
    }
}

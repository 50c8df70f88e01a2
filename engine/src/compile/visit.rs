//! A function body read, validated and handed to a tier in one pass, by
//! visiting: wasmparser's decoder calls the validator's `visit_*` method
//! for each operator directly, and the tier then gets the operator as an
//! [`Operator`]. Reading `Operator`s first (`read_with_offset`) and
//! validating them after (`FuncValidator::op`) costs the decoder's return
//! of the enum through memory and the validator's second match on it: a
//! tenth of the interpreter's translation time.

use wasmparser::{FuncValidator, Operator, OperatorsReader, ValidatorResources, VisitOperator, VisitSimdOperator};

use crate::error::{Error, Result};

/// What a tier does with each operator of a body.
pub(crate) trait OperatorSink<'a> {
    /// Before the validator sees the next operator: its state is the one
    /// the operator starts from.
    fn before(&mut self, _validator: &FuncValidator<ValidatorResources>) {}

    /// `op`, at byte `offset`, once validated.
    fn operator(&mut self, op: &Operator<'a>, offset: u64, validator: &FuncValidator<ValidatorResources>)
    -> Result<()>;

    /// Before `operator`, when the operator is a SIMD one (`0xfd` prefix).
    fn simd(&mut self) {}
}

/// A sink that needs only each operator.
pub(crate) struct EachOperator<F>(pub(crate) F);

impl<'a, F: FnMut(&Operator<'a>) -> Result<()>> OperatorSink<'a> for EachOperator<F> {
    fn operator(&mut self, op: &Operator<'a>, _: u64, _: &FuncValidator<ValidatorResources>) -> Result<()> {
        (self.0)(op)
    }
}

/// Every operator of `ops` through `validator` to `sink`, and the checks
/// at the body's end.
pub(crate) fn visit_body<'a>(
    ops: &mut OperatorsReader<'a>,
    validator: &mut FuncValidator<ValidatorResources>,
    sink: &mut impl OperatorSink<'a>,
) -> Result<()> {
    let mut visitor = Visitor { validator, sink, offset: 0 };
    while !ops.eof() {
        visitor.offset = ops.original_position();
        ops.visit_operator(&mut visitor).map_err(Error::from_wasmparser)??;
    }
    ops.finish().map_err(Error::from_wasmparser)
}

struct Visitor<'v, S> {
    validator: &'v mut FuncValidator<ValidatorResources>,
    sink: &'v mut S,
    /// Where the operator being visited starts.
    offset: u64,
}

/// One `visit_*` method per operator: the sink's `before`, the validator's
/// method of the same name (`$validator` is `visitor` or, for SIMD,
/// `simd_visitor`), then, for SIMD, the sink's `simd`, and its `operator`.
macro_rules! define_visit {
    ($validator:ident, $simd:literal; $( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        $(
            #[allow(clippy::clone_on_copy)]
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Result<()> {
                self.sink.before(self.validator);
                self.validator
                    .$validator(self.offset)
                    .$visit($($($arg.clone()),*)?)
                    .map_err(Error::from_wasmparser)?;
                if $simd {
                    self.sink.simd();
                }
                self.sink.operator(&Operator::$op $({ $($arg),* })?, self.offset, self.validator)
            }
        )*
    };
}

macro_rules! define_visit_scalar {
    ($($input:tt)*) => { define_visit!(visitor, false; $($input)*); };
}

macro_rules! define_visit_simd {
    ($($input:tt)*) => { define_visit!(simd_visitor, true; $($input)*); };
}

impl<'a, S: OperatorSink<'a>> VisitOperator<'a> for Visitor<'_, S> {
    type Output = Result<()>;

    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(define_visit_scalar);
}

impl<'a, S: OperatorSink<'a>> VisitSimdOperator<'a> for Visitor<'_, S> {
    wasmparser::for_each_visit_simd_operator!(define_visit_simd);
}

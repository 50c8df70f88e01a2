//! The engine's own type vocabulary, independent of the parser's.

use std::fmt;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
}

impl ValType {
    /// How many 64-bit words a value of this type takes wherever values
    /// cross between the runtime and compiled code (call buffers, host-call
    /// arguments and results): one for a scalar or reference (integers
    /// zero-extended, floats as bits, references as store index + 1), two
    /// for a `v128` (its low 64 bits first). Values lie one after another.
    pub const fn words(self) -> usize {
        match self {
            ValType::V128 => 2,
            _ => 1,
        }
    }

    pub fn is_ref(self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }

    pub(crate) fn from_wasmparser(ty: wasmparser::ValType) -> Option<ValType> {
        use wasmparser::ValType as W;
        Some(match ty {
            W::I32 => ValType::I32,
            W::I64 => ValType::I64,
            W::F32 => ValType::F32,
            W::F64 => ValType::F64,
            W::V128 => ValType::V128,
            W::Ref(r) => Self::from_ref_type(r)?,
        })
    }

    pub(crate) fn from_ref_type(r: wasmparser::RefType) -> Option<ValType> {
        if r == wasmparser::RefType::FUNCREF {
            Some(ValType::FuncRef)
        } else if r == wasmparser::RefType::EXTERNREF {
            Some(ValType::ExternRef)
        } else {
            None
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// Parameter and result types.
type Signature = (Box<[ValType]>, Box<[ValType]>);

/// A function signature. Cheap to clone.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    inner: Arc<Signature>,
}

impl FuncType {
    pub fn new(params: impl IntoIterator<Item = ValType>, results: impl IntoIterator<Item = ValType>) -> Self {
        FuncType { inner: Arc::new((params.into_iter().collect(), results.into_iter().collect())) }
    }

    pub fn params(&self) -> &[ValType] {
        &self.inner.0
    }

    pub fn results(&self) -> &[ValType] {
        &self.inner.1
    }

    /// Words of a call buffer for this type: it holds the arguments on the
    /// way in and the results on the way out (see [`ValType::words`]).
    pub fn call_words(&self) -> usize {
        words(self.params()).max(words(self.results()))
    }
}

/// The words `types` take one after another (see [`ValType::words`]).
pub fn words(types: &[ValType]) -> usize {
    types.iter().map(|t| t.words()).sum()
}

/// The word at which each of `types` starts in a buffer holding them one
/// after another.
pub fn word_offsets(types: &[ValType]) -> impl Iterator<Item = usize> + '_ {
    types.iter().scan(0, |next, t| {
        let at = *next;
        *next += t.words();
        Some(at)
    })
}

impl fmt::Debug for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(func")?;
        if !self.params().is_empty() {
            write!(f, " (param")?;
            for p in self.params() {
                write!(f, " {p}")?;
            }
            write!(f, ")")?;
        }
        if !self.results().is_empty() {
            write!(f, " (result")?;
            for r in self.results() {
                write!(f, " {r}")?;
            }
            write!(f, ")")?;
        }
        write!(f, ")")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    pub min: u64,
    pub max: Option<u64>,
}

impl Limits {
    /// Import subtyping: `self` (the provided object's current limits) fits
    /// the `required` limits of an import declaration.
    pub fn fits(&self, required: &Limits) -> bool {
        if self.min < required.min {
            return false;
        }
        match (required.max, self.max) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(req), Some(have)) => have <= req,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TableType {
    pub element: ValType,
    pub limits: Limits,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoryType {
    /// Limits in 64 KiB pages.
    pub limits: Limits,
    pub memory64: bool,
    pub shared: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GlobalType {
    pub content: ValType,
    pub mutable: bool,
}

/// What kind of item an import or export is, with its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExternType {
    Func(FuncType),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
}

impl ExternType {
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "function",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Global(_) => "global",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v128_takes_two_words_and_values_lie_one_after_another() {
        use ValType::*;
        let ty = FuncType::new([I32, V128, F64, V128], [V128]);
        assert_eq!(word_offsets(ty.params()).collect::<Vec<_>>(), vec![0, 1, 3, 4]);
        assert_eq!(words(ty.params()), 6);
        assert_eq!(ty.call_words(), 6);
        assert_eq!(FuncType::new([], [V128, I32]).call_words(), 3);
    }
}

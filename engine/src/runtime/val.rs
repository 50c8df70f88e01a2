//! Values crossing the host/wasm boundary.
//!
//! Inside the engine every value is a raw 64-bit slot: integers
//! zero-extended, floats as their bits, references as a store index plus one
//! (0 is null).

use std::any::Any;

use super::func::Func;
use super::store::{AsContextMut, StoreInner};
use crate::error::{Error, Result};
use crate::module::types::ValType;

/// An opaque host reference (`externref`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExternRef {
    pub(crate) store: u64,
    pub(crate) index: u32,
}

impl ExternRef {
    pub fn new(mut store: impl AsContextMut, value: impl Any + Send + Sync) -> ExternRef {
        let store = &mut store.as_context_mut().inner;
        store.externrefs.push(Box::new(value));
        ExternRef { store: store.id, index: store.externrefs.len() as u32 - 1 }
    }

    /// The host value this reference was made from.
    pub fn data<'a, T>(&self, store: &'a crate::Store<T>) -> Result<&'a (dyn Any + Send + Sync)> {
        store.inner.check(self.store)?;
        Ok(&*store.inner.externrefs[self.index as usize])
    }
}

/// A wasm value. Floats are kept as bits so NaN payloads survive.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// A 128-bit vector, lane 0 in the low bits (as `v128.const` stores it
    /// in memory, little-endian).
    V128(u128),
    FuncRef(Option<Func>),
    ExternRef(Option<ExternRef>),
}

impl Val {
    pub fn ty(&self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
            Val::V128(_) => ValType::V128,
            Val::FuncRef(_) => ValType::FuncRef,
            Val::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The zero value of a type (null for references).
    pub fn default_for(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
            ValType::V128 => Val::V128(0),
            ValType::FuncRef => Val::FuncRef(None),
            ValType::ExternRef => Val::ExternRef(None),
        }
    }

    pub fn i32(&self) -> Option<i32> {
        if let Val::I32(v) = self { Some(*v) } else { None }
    }

    pub fn i64(&self) -> Option<i64> {
        if let Val::I64(v) = self { Some(*v) } else { None }
    }

    pub fn f32(&self) -> Option<f32> {
        if let Val::F32(v) = self { Some(f32::from_bits(*v)) } else { None }
    }

    pub fn f64(&self) -> Option<f64> {
        if let Val::F64(v) = self { Some(f64::from_bits(*v)) } else { None }
    }

    pub fn v128(&self) -> Option<u128> {
        if let Val::V128(v) = self { Some(*v) } else { None }
    }

    /// The value's words (see [`ValType::words`]), appended to `out`.
    pub(crate) fn push_words(self, store: &StoreInner, out: &mut Vec<u64>) -> Result<()> {
        match self {
            Val::V128(v) => out.extend([v as u64, (v >> 64) as u64]),
            scalar => out.push(scalar.to_raw(store)?),
        }
        Ok(())
    }

    /// The value of type `ty` whose words start `words`.
    pub(crate) fn from_words(words: &[u64], ty: ValType, store: u64) -> Val {
        match ty {
            ValType::V128 => Val::V128(u128::from(words[0]) | u128::from(words[1]) << 64),
            scalar => Val::from_raw(words[0], scalar, store),
        }
    }

    /// The values of `types` laid out one after another in `words`.
    pub(crate) fn all_from_words(words: &[u64], types: &[ValType], store: u64) -> Vec<Val> {
        crate::module::types::word_offsets(types)
            .zip(types)
            .map(|(at, t)| Val::from_words(&words[at..], *t, store))
            .collect()
    }

    /// The one-word form of a scalar or reference (a table element, the
    /// low word of a global).
    pub(crate) fn to_raw(self, store: &StoreInner) -> Result<u64> {
        Ok(match self {
            Val::I32(v) => v as u32 as u64,
            Val::I64(v) => v as u64,
            Val::F32(v) => v as u64,
            Val::F64(v) => v,
            Val::V128(_) => return Err(Error::Usage("a v128 takes two words".into())),
            Val::FuncRef(None) | Val::ExternRef(None) => 0,
            Val::FuncRef(Some(f)) => {
                store.check(f.store)?;
                f.index as u64 + 1
            }
            Val::ExternRef(Some(r)) => {
                store.check(r.store)?;
                r.index as u64 + 1
            }
        })
    }

    /// A scalar or reference from its one word (a `v128` from its low word
    /// only: use [`Val::from_words`]).
    pub(crate) fn from_raw(raw: u64, ty: ValType, store: u64) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw as u32 as i32),
            ValType::I64 => Val::I64(raw as i64),
            ValType::F32 => Val::F32(raw as u32),
            ValType::F64 => Val::F64(raw),
            ValType::V128 => Val::V128(u128::from(raw)),
            ValType::FuncRef => Val::FuncRef(raw.checked_sub(1).map(|i| Func { store, index: i as u32 })),
            ValType::ExternRef => Val::ExternRef(raw.checked_sub(1).map(|i| ExternRef { store, index: i as u32 })),
        }
    }

    pub(crate) fn check_type(&self, expected: ValType) -> Result<()> {
        if self.ty() == expected {
            Ok(())
        } else {
            Err(Error::Usage(format!("type mismatch: expected {expected}, got {}", self.ty())))
        }
    }
}

impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val::I32(v)
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::I64(v)
    }
}
impl From<f32> for Val {
    fn from(v: f32) -> Val {
        Val::F32(v.to_bits())
    }
}
impl From<u128> for Val {
    fn from(v: u128) -> Val {
        Val::V128(v)
    }
}
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}

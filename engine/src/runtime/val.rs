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
            ValType::F64 | ValType::V128 => Val::F64(0),
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

    pub(crate) fn to_raw(self, store: &StoreInner) -> Result<u64> {
        Ok(match self {
            Val::I32(v) => v as u32 as u64,
            Val::I64(v) => v as u64,
            Val::F32(v) => v as u64,
            Val::F64(v) => v,
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

    pub(crate) fn from_raw(raw: u64, ty: ValType, store: u64) -> Val {
        match ty {
            ValType::I32 => Val::I32(raw as u32 as i32),
            ValType::I64 => Val::I64(raw as i64),
            ValType::F32 => Val::F32(raw as u32),
            ValType::F64 | ValType::V128 => Val::F64(raw),
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
impl From<f64> for Val {
    fn from(v: f64) -> Val {
        Val::F64(v.to_bits())
    }
}

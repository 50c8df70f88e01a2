//! Constant expressions (global initializers, segment offsets, element items).

use crate::error::{Error, Result};

/// One operator of a validated constant expression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ConstOp {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    RefNull,
    RefFunc(u32),
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// A validated constant expression, evaluated at instantiation.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstExpr {
    pub ops: Box<[ConstOp]>,
}

impl ConstExpr {
    pub fn single(op: ConstOp) -> Self {
        ConstExpr { ops: Box::new([op]) }
    }

    pub(crate) fn parse(expr: &wasmparser::ConstExpr<'_>) -> Result<Self> {
        use wasmparser::Operator as O;
        let mut ops = Vec::new();
        let mut reader = expr.get_operators_reader();
        loop {
            let (op, offset) = reader.read_with_offset().map_err(Error::from_wasmparser)?;
            ops.push(match op {
                O::End => break,
                O::I32Const { value } => ConstOp::I32(value),
                O::I64Const { value } => ConstOp::I64(value),
                O::F32Const { value } => ConstOp::F32(value.bits()),
                O::F64Const { value } => ConstOp::F64(value.bits()),
                O::V128Const { value } => ConstOp::V128(value.i128() as u128),
                O::RefNull { .. } => ConstOp::RefNull,
                O::RefFunc { function_index } => ConstOp::RefFunc(function_index),
                O::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
                O::I32Add => ConstOp::I32Add,
                O::I32Sub => ConstOp::I32Sub,
                O::I32Mul => ConstOp::I32Mul,
                O::I64Add => ConstOp::I64Add,
                O::I64Sub => ConstOp::I64Sub,
                O::I64Mul => ConstOp::I64Mul,
                other => {
                    return Err(Error::Unsupported(format!(
                        "constant expression operator {other:?} at offset {offset:#x}"
                    )));
                }
            });
        }
        Ok(ConstExpr { ops: ops.into() })
    }

    /// Evaluates to a raw value (a v128's 128 bits, any other value in the
    /// low 64). `global` reads a global's raw value and `func_ref` turns a
    /// function index into a raw funcref.
    pub(crate) fn eval(&self, global: impl Fn(u32) -> u128, func_ref: impl Fn(u32) -> u64) -> u128 {
        let mut stack: Vec<u128> = Vec::with_capacity(4);
        for op in self.ops.iter() {
            let value = match *op {
                ConstOp::I32(v) => u128::from(v as u32),
                ConstOp::I64(v) => u128::from(v as u64),
                ConstOp::F32(v) => u128::from(v),
                ConstOp::F64(v) => u128::from(v),
                ConstOp::V128(v) => v,
                ConstOp::RefNull => 0,
                ConstOp::RefFunc(f) => u128::from(func_ref(f)),
                ConstOp::GlobalGet(g) => global(g),
                binary => {
                    // Validation guarantees two operands of the right type.
                    let b = stack.pop().unwrap_or(0) as u64;
                    let a = stack.pop().unwrap_or(0) as u64;
                    let (a32, b32) = (a as u32, b as u32);
                    u128::from(match binary {
                        ConstOp::I32Add => u64::from(a32.wrapping_add(b32)),
                        ConstOp::I32Sub => u64::from(a32.wrapping_sub(b32)),
                        ConstOp::I32Mul => u64::from(a32.wrapping_mul(b32)),
                        ConstOp::I64Add => a.wrapping_add(b),
                        ConstOp::I64Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    })
                }
            };
            stack.push(value);
        }
        stack.pop().unwrap_or(0)
    }
}

//! The executor-neutral vocabulary of values and outcomes, shared by the
//! spec runner and the differential oracle.

use serde::{Deserialize, Serialize};

pub use engine::TrapCode;

/// A value as every executor reports it. Floats are bit patterns, so
/// comparisons are exact (after NaN canonicalization where required).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// A 128-bit vector, lane 0 in the low bits; serialized as `0x` and 32
    /// hex digits (JSON numbers do not reach 128 bits).
    V128(#[serde(with = "v128_hex")] u128),
    /// `None` is null; a non-null funcref's identity is executor-specific.
    FuncRef(Option<u32>),
    /// `None` is null; otherwise the host value the reference carries.
    ExternRef(Option<u32>),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::I32(v) => write!(f, "i32:{v}"),
            Value::I64(v) => write!(f, "i64:{v}"),
            Value::F32(b) => write!(f, "f32:{} ({b:#010x})", f32::from_bits(*b)),
            Value::F64(b) => write!(f, "f64:{} ({b:#018x})", f64::from_bits(*b)),
            Value::V128(v) => write!(f, "v128:{v:#034x}"),
            Value::FuncRef(None) => write!(f, "funcref:null"),
            Value::FuncRef(Some(_)) => write!(f, "funcref"),
            Value::ExternRef(None) => write!(f, "externref:null"),
            Value::ExternRef(Some(v)) => write!(f, "externref:{v}"),
        }
    }
}

/// A resource whose exhaustion makes a run "not comparable".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Resource {
    Stack,
    Memory,
    Fuel,
}

/// What one call did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Returned(Vec<Value>),
    Trapped(#[serde(with = "trap_name")] TrapCode),
    Exhausted(Resource),
    /// The executor could not make the call at all (an engine or harness
    /// error, nothing the wasm did): always a finding.
    Internal(String),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Returned(values) => {
                write!(f, "returned [")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                write!(f, "]")
            }
            Outcome::Trapped(code) => write!(f, "trapped: {}", code.message()),
            Outcome::Exhausted(r) => write!(f, "exhausted: {r:?}"),
            Outcome::Internal(why) => write!(f, "internal error: {why}"),
        }
    }
}

/// Trap codes are serialized by their stable names (`TrapCode::name`).
pub(crate) mod trap_name {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use super::TrapCode;

    pub fn serialize<S: Serializer>(code: &TrapCode, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(code.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TrapCode, D::Error> {
        let name = String::deserialize(d)?;
        TrapCode::ALL
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| D::Error::custom(format!("unknown trap code `{name}`")))
    }
}

mod v128_hex {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(v: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{v:#034x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = String::deserialize(d)?;
        text.strip_prefix("0x")
            .and_then(|hex| u128::from_str_radix(hex, 16).ok())
            .ok_or_else(|| D::Error::custom(format!("`{text}` is no v128 (0x and up to 32 hex digits)")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v128_values_survive_json_whole() {
        let values = vec![Value::V128(u128::MAX), Value::V128(1 << 100 | 5), Value::I64(-1)];
        let json = serde_json::to_value(&values).unwrap();
        assert_eq!(json[0]["V128"], "0xffffffffffffffffffffffffffffffff");
        assert_eq!(serde_json::from_value::<Vec<Value>>(json).unwrap(), values);
        assert!(serde_json::from_str::<Value>(r#"{"V128":"12"}"#).is_err());
    }
}

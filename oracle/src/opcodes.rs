//! Which proposal each operator belongs to, for per-proposal opcode coverage.

use std::collections::BTreeMap;

/// Operators added by each proposal, by wasmparser's operator names.
pub const PROPOSAL_OPCODES: &[(&str, &[&str])] = &[
    ("sign-extension-ops", &["I32Extend8S", "I32Extend16S", "I64Extend8S", "I64Extend16S", "I64Extend32S"]),
    (
        "nontrapping-float-to-int-conversions",
        &[
            "I32TruncSatF32S",
            "I32TruncSatF32U",
            "I32TruncSatF64S",
            "I32TruncSatF64U",
            "I64TruncSatF32S",
            "I64TruncSatF32U",
            "I64TruncSatF64S",
            "I64TruncSatF64U",
        ],
    ),
    ("bulk-memory", &["MemoryInit", "DataDrop", "MemoryCopy", "MemoryFill", "TableInit", "ElemDrop", "TableCopy"]),
    (
        "reference-types",
        &[
            "RefNull",
            "RefIsNull",
            "RefFunc",
            "TableGet",
            "TableSet",
            "TableSize",
            "TableGrow",
            "TableFill",
            "TypedSelect",
        ],
    ),
];

/// The 1.0 operators (`mvp`).
pub const MVP_OPCODES: &[&str] = &[
    "Unreachable",
    "Nop",
    "Block",
    "Loop",
    "If",
    "Else",
    "End",
    "Br",
    "BrIf",
    "BrTable",
    "Return",
    "Call",
    "CallIndirect",
    "Drop",
    "Select",
    "LocalGet",
    "LocalSet",
    "LocalTee",
    "GlobalGet",
    "GlobalSet",
    "I32Load",
    "I64Load",
    "F32Load",
    "F64Load",
    "I32Load8S",
    "I32Load8U",
    "I32Load16S",
    "I32Load16U",
    "I64Load8S",
    "I64Load8U",
    "I64Load16S",
    "I64Load16U",
    "I64Load32S",
    "I64Load32U",
    "I32Store",
    "I64Store",
    "F32Store",
    "F64Store",
    "I32Store8",
    "I32Store16",
    "I64Store8",
    "I64Store16",
    "I64Store32",
    "MemorySize",
    "MemoryGrow",
    "I32Const",
    "I64Const",
    "F32Const",
    "F64Const",
    "I32Eqz",
    "I32Eq",
    "I32Ne",
    "I32LtS",
    "I32LtU",
    "I32GtS",
    "I32GtU",
    "I32LeS",
    "I32LeU",
    "I32GeS",
    "I32GeU",
    "I64Eqz",
    "I64Eq",
    "I64Ne",
    "I64LtS",
    "I64LtU",
    "I64GtS",
    "I64GtU",
    "I64LeS",
    "I64LeU",
    "I64GeS",
    "I64GeU",
    "F32Eq",
    "F32Ne",
    "F32Lt",
    "F32Gt",
    "F32Le",
    "F32Ge",
    "F64Eq",
    "F64Ne",
    "F64Lt",
    "F64Gt",
    "F64Le",
    "F64Ge",
    "I32Clz",
    "I32Ctz",
    "I32Popcnt",
    "I32Add",
    "I32Sub",
    "I32Mul",
    "I32DivS",
    "I32DivU",
    "I32RemS",
    "I32RemU",
    "I32And",
    "I32Or",
    "I32Xor",
    "I32Shl",
    "I32ShrS",
    "I32ShrU",
    "I32Rotl",
    "I32Rotr",
    "I64Clz",
    "I64Ctz",
    "I64Popcnt",
    "I64Add",
    "I64Sub",
    "I64Mul",
    "I64DivS",
    "I64DivU",
    "I64RemS",
    "I64RemU",
    "I64And",
    "I64Or",
    "I64Xor",
    "I64Shl",
    "I64ShrS",
    "I64ShrU",
    "I64Rotl",
    "I64Rotr",
    "F32Abs",
    "F32Neg",
    "F32Ceil",
    "F32Floor",
    "F32Trunc",
    "F32Nearest",
    "F32Sqrt",
    "F32Add",
    "F32Sub",
    "F32Mul",
    "F32Div",
    "F32Min",
    "F32Max",
    "F32Copysign",
    "F64Abs",
    "F64Neg",
    "F64Ceil",
    "F64Floor",
    "F64Trunc",
    "F64Nearest",
    "F64Sqrt",
    "F64Add",
    "F64Sub",
    "F64Mul",
    "F64Div",
    "F64Min",
    "F64Max",
    "F64Copysign",
    "I32WrapI64",
    "I32TruncF32S",
    "I32TruncF32U",
    "I32TruncF64S",
    "I32TruncF64U",
    "I64ExtendI32S",
    "I64ExtendI32U",
    "I64TruncF32S",
    "I64TruncF32U",
    "I64TruncF64S",
    "I64TruncF64U",
    "F32ConvertI32S",
    "F32ConvertI32U",
    "F32ConvertI64S",
    "F32ConvertI64U",
    "F32DemoteF64",
    "F64ConvertI32S",
    "F64ConvertI32U",
    "F64ConvertI64S",
    "F64ConvertI64U",
    "F64PromoteF32",
    "I32ReinterpretF32",
    "I64ReinterpretF64",
    "F32ReinterpretI32",
    "F64ReinterpretI64",
];

/// Every operator the interpreter's proposals define, in one list.
pub fn all_opcodes() -> impl Iterator<Item = &'static str> {
    MVP_OPCODES.iter().copied().chain(PROPOSAL_OPCODES.iter().flat_map(|(_, ops)| ops.iter().copied()))
}

/// The proposal (or `mvp`) an operator belongs to.
pub fn proposal_of(opcode: &str) -> &'static str {
    PROPOSAL_OPCODES.iter().find(|(_, ops)| ops.contains(&opcode)).map_or("mvp", |(p, _)| p)
}

/// Every operator of a proposal (`mvp` for 1.0); empty for proposals that
/// add no operators (multi-value, extended-const, mutable-global).
pub fn opcodes_of(proposal: &str) -> &'static [&'static str] {
    if proposal == "mvp" {
        return MVP_OPCODES;
    }
    PROPOSAL_OPCODES.iter().find(|(p, _)| *p == proposal).map_or(&[], |(_, ops)| ops)
}

/// The operator's name: the `Operator` variant, without its fields.
pub fn opcode_name(op: &wasmparser::Operator<'_>) -> String {
    engine::compile::opcode_name(op)
}

/// Counts of every operator in the module's function bodies.
pub fn count_opcodes(wasm: &[u8]) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm).flatten() {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload {
            let Ok(mut reader) = body.get_operators_reader() else { continue };
            while !reader.eof() {
                let Ok(op) = reader.read() else { break };
                *counts.entry(opcode_name(&op)).or_insert(0) += 1;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_wasmparser_and_proposals_partition_them() {
        let wasm = wat::parse_str(
            "(module (memory 1) (func (result i32) (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))
              (i32.extend8_s (i32.add (i32.const 1) (i32.const 2)))))",
        )
        .unwrap();
        let counts = count_opcodes(&wasm);
        assert_eq!(counts.get("I32Const"), Some(&5));
        assert_eq!(proposal_of("MemoryFill"), "bulk-memory");
        assert_eq!(proposal_of("I32Extend8S"), "sign-extension-ops");
        assert_eq!(proposal_of("I32Add"), "mvp");
        for name in counts.keys() {
            assert!(opcodes_of(proposal_of(name)).contains(&name.as_str()), "{name} is in no list");
        }
    }
}

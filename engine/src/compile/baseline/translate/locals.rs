//! Which locals live in registers for the whole function.
//!
//! A quick scan of the body (before the one translating pass) weighs every
//! local by its uses, each counting 4x more per enclosing loop; the
//! heaviest integer locals get a callee-saved register (saved by the
//! prologue when used, so they survive calls for free) or, after those,
//! r9, and the heaviest float and v128 locals an xmm register. Caller-saved homes
//! (r9, xmm) are written to their slots around every call, so a local gets
//! one only when its uses outweigh the calls around it. A local's home never changes within the function, so
//! every label sees every local in the same place and control flow needs
//! nothing special.

use wasmparser::{FunctionBody, Operator};

use crate::module::types::ValType;

/// Where a local lives.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Home {
    /// Its slot at the bottom of the frame.
    Slot,
    /// A general-purpose register (callee-saved).
    Gpr(u8),
    /// An xmm register (spilled around calls).
    Xmm(u8),
}

/// General-purpose registers for values: the callee-saved rbx, r12, r13,
/// then the caller-saved r9, r8, rsi, rdi; locals' homes are taken in this
/// order, at most `GPR_HOMES` (the pool keeps at least three).
const GPRS: [u8; 7] = [3, 12, 13, 9, 8, 6, 7];
const CALLEE_SAVED: usize = 3;
const GPR_HOMES: usize = 4;
/// xmm registers for values (xmm0, xmm1 are scratch): homes from xmm8 up.
const XMMS: [u8; 14] = [8, 9, 10, 11, 12, 13, 14, 15, 2, 3, 4, 5, 6, 7];
const XMM_HOMES: usize = 8;
/// Functions with more locals than this keep them all in slots (the scan's
/// weights would cost more than they could save).
const MAX_SCANNED_LOCALS: usize = 4096;

pub(super) struct Assignment {
    pub(super) homes: Vec<Home>,
    /// Registers left for operand-stack values.
    pub(super) gpr_pool: Vec<u8>,
    pub(super) xmm_pool: Vec<u8>,
    /// The locals in caller-saved registers (spilled around calls).
    pub(super) caller_saved_homes: Vec<(u32, Home)>,
}

impl Assignment {
    fn all_in_slots(locals: usize) -> Assignment {
        Assignment {
            homes: vec![Home::Slot; locals],
            gpr_pool: pool(0),
            xmm_pool: XMMS.to_vec(),
            caller_saved_homes: Vec::new(),
        }
    }
}

/// The registers for values when the first `homes` of `GPRS` are homes:
/// caller-saved first, so a body that needs no more never saves rbx, r12,
/// r13.
fn pool(homes: usize) -> Vec<u8> {
    let callee_saved = &GPRS[homes.min(CALLEE_SAVED)..CALLEE_SAVED];
    GPRS[homes.max(CALLEE_SAVED)..].iter().chain(callee_saved).copied().collect()
}

fn weight(loop_depth: u32) -> u64 {
    1 << (2 * loop_depth.min(5))
}

/// Chooses the homes of the locals (of types `types`) of `body`. A body
/// that does not parse gets slots only; the translating pass reports it.
pub(super) fn assign(body: &FunctionBody<'_>, types: &[ValType]) -> Assignment {
    if types.len() > MAX_SCANNED_LOCALS {
        return Assignment::all_in_slots(types.len());
    }
    let mut uses = vec![0u64; types.len()];
    let mut calls = 0u64;
    let (mut open, mut loop_depth) = (Vec::new(), 0u32);
    let Ok(mut reader) = body.get_operators_reader() else {
        return Assignment::all_in_slots(types.len());
    };
    while !reader.eof() {
        let Ok(op) = reader.read() else { break };
        use Operator as O;
        match op {
            O::Loop { .. } => {
                open.push(true);
                loop_depth += 1;
            }
            O::Block { .. } | O::If { .. } => open.push(false),
            O::End if open.pop() == Some(true) => loop_depth -= 1,
            O::LocalGet { local_index } | O::LocalSet { local_index } | O::LocalTee { local_index } => {
                if let Some(count) = uses.get_mut(local_index as usize) {
                    *count += weight(loop_depth);
                }
            }
            // What calls out (and so spills the xmm homes).
            O::Call { .. }
            | O::CallIndirect { .. }
            | O::MemoryGrow { .. }
            | O::MemoryFill { .. }
            | O::MemoryCopy { .. }
            | O::MemoryInit { .. }
            | O::TableGrow { .. }
            | O::TableFill { .. }
            | O::TableCopy { .. }
            | O::TableInit { .. } => calls += weight(loop_depth),
            _ => {}
        }
    }
    let mut order: Vec<u32> = (0..types.len() as u32).filter(|&i| uses[i as usize] > 0).collect();
    // Heaviest first; ties to the lower index, so the choice is stable.
    order.sort_by_key(|&i| (std::cmp::Reverse(uses[i as usize]), i));
    let mut assignment = Assignment::all_in_slots(types.len());
    let (mut gprs, mut xmms) = (0, 0);
    for local in order {
        // Each call costs a store and a load per caller-saved home.
        let worth_spilling = uses[local as usize] > 2 * calls;
        let home = match types[local as usize] {
            ValType::I32 | ValType::I64 if gprs < CALLEE_SAVED || (gprs < GPR_HOMES && worth_spilling) => {
                gprs += 1;
                Home::Gpr(GPRS[gprs - 1])
            }
            ValType::F32 | ValType::F64 | ValType::V128 if xmms < XMM_HOMES && worth_spilling => {
                xmms += 1;
                Home::Xmm(XMMS[xmms - 1])
            }
            _ => continue,
        };
        assignment.homes[local as usize] = home;
        if !matches!(home, Home::Gpr(r) if GPRS[..CALLEE_SAVED].contains(&r)) {
            assignment.caller_saved_homes.push((local, home));
        }
    }
    assignment.gpr_pool = pool(gprs);
    assignment.xmm_pool = XMMS[xmms..].to_vec();
    assignment
}

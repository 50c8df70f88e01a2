//! Where the provisional slots go, and the proof the handlers rely on
//! instead of run-time checks (see [`place_and_verify`]).

use super::{CONST_SLOT, SHORT_CONST};
use crate::compile::interp::instr::{Instr, Operand, ShortSlot, Slot};
use crate::error::{Error, Result};

/// Gives the provisional slots their places (see [`CONST_SLOT`]) and
/// verifies what the handlers rely on instead of checking as they run:
/// every slot is inside the frame, every branch lands inside the code, the
/// words an instruction reads after itself are there, and execution cannot
/// run off the end. A failure is a translator bug, reported as an error.
/// Branch targets leave it relative to their instruction. (One pass: it is
/// part of every function's translation time.)
pub(super) fn place_and_verify(
    code: &mut [Instr],
    num_locals: u32,
    num_consts: u32,
    frame_size: u32,
    num_results: u32,
) -> Result<()> {
    let place = |s: Slot| match s {
        s if s >= CONST_SLOT => num_locals + (s - CONST_SLOT),
        s if s >= num_locals => s + num_consts,
        local => local,
    };
    let len = code.len();
    let bad = |code: &[Instr], at: usize, what: &str| {
        let instr = code.get(at).map(|i| format!(" ({i:?}, frame size {frame_size})")).unwrap_or_default();
        Err(Error::Internal(format!("interpreter code at {at}: {what}{instr}")))
    };
    let mut at = 0;
    while at < len {
        let (mut fault, mut target) = (None, None);
        code[at].visit_operands(&mut |operand| match operand {
            Operand::Slot(s) | Operand::Dest(s) => {
                *s = place(*s);
                if *s >= frame_size {
                    fault = Some("slot outside the frame");
                }
            }
            Operand::VSlot(s) | Operand::VDest(s) => {
                // Both words are in the same region (two locals' words, or
                // two operand slots), so they stay adjacent once placed.
                let (low, high) = (place(*s), place(*s + 1));
                *s = low;
                if high != low + 1 || high >= frame_size {
                    fault = Some("v128 slots outside the frame or apart");
                }
            }
            Operand::CallBase(s) => {
                *s = place(*s);
                if *s > frame_size {
                    fault = Some("call base outside the frame");
                }
            }
            Operand::Short(s) => {
                let placed = if *s >= SHORT_CONST { num_locals + Slot::from(*s - SHORT_CONST) } else { Slot::from(*s) };
                match ShortSlot::try_from(placed) {
                    Ok(placed) if Slot::from(placed) < frame_size => *s = placed,
                    _ => fault = Some("short slot outside the frame"),
                }
            }
            Operand::Target(t) => {
                target = Some(*t as usize);
                // The handlers branch relative to the running instruction,
                // which spares them the code's base address. (A target that
                // fails the checks below fails the translation.)
                *t = (*t as i64 - at as i64) as i32 as u32;
            }
        });
        match target {
            Some(t) if t >= len => fault = Some("branch outside the code"),
            Some(t) if matches!(code[t], Instr::Aux(..)) => fault = Some("branch to an aux word"),
            _ => {}
        }
        if let Some(what) = fault {
            return bad(code, at, what);
        }
        let instr = code[at];
        // Words that follow the instruction and are read, not executed.
        let trailing = match instr {
            Instr::CallIndirect(..)
            | Instr::MemoryFill(..)
            | Instr::MemoryCopy(..)
            | Instr::MemoryInit(..)
            | Instr::TableFill(..)
            | Instr::TableCopy(..)
            | Instr::TableInit(..) => {
                if !matches!(code.get(at + 1), Some(Instr::Aux(..))) {
                    return bad(code, at, "missing its aux word");
                }
                1
            }
            Instr::I8x16Shuffle(..) => {
                if !matches!(code.get(at + 1..at + 3), Some([Instr::Aux(..), Instr::Aux(..)])) {
                    return bad(code, at, "missing its aux words");
                }
                2
            }
            Instr::BrTable(_, n) => {
                let entries = n as usize + 1;
                if at + entries >= len || !code[at + 1..=at + entries].iter().all(|e| matches!(e, Instr::Br(_))) {
                    return bad(code, at, "br_table without its entries");
                }
                0
            }
            Instr::Aux(..) => return bad(code, at, "aux word in instruction position"),
            Instr::ReturnFrom(first) if first as u64 + num_results as u64 > frame_size as u64 => {
                return bad(code, at, "results outside the frame");
            }
            _ => 0,
        };
        at += 1 + trailing;
    }
    match code.last() {
        Some(
            Instr::Br(_)
            | Instr::CopyBr(..)
            | Instr::Return
            | Instr::ReturnFrom(_)
            | Instr::ReturnOne(_)
            | Instr::Trap(_),
        ) => Ok(()),
        _ => bad(code, len.saturating_sub(1), "execution can run off the end"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verify(code: &[Instr], frame_size: u32, num_results: u32) -> Result<()> {
        place_and_verify(&mut code.to_vec(), 0, 0, frame_size, num_results)
    }

    fn rejected(code: &[Instr], frame_size: u32) -> String {
        match verify(code, frame_size, 1) {
            Err(Error::Internal(why)) => why,
            other => panic!("{code:?} passed verification: {other:?}"),
        }
    }

    #[test]
    fn the_verifier_accepts_what_the_dispatch_loop_may_run_unchecked() {
        let code = [
            Instr::I32Add(2, 0, 1),
            Instr::BrIfNez(2, 4),
            Instr::CallIndirect(3, 2, 0),
            Instr::Aux(0, 0, 0),
            Instr::BrTable(0, 1),
            Instr::Br(0),
            Instr::Br(7),
            Instr::ReturnFrom(2),
        ];
        verify(&code, 3, 1).unwrap();
    }

    #[test]
    fn the_verifier_rejects_every_way_out_of_the_frame_or_the_code() {
        assert!(rejected(&[Instr::I32Add(3, 0, 1), Instr::Return], 3).contains("slot outside the frame"));
        assert!(rejected(&[Instr::CallInternal(0, 4), Instr::Return], 3).contains("call base outside"));
        assert!(rejected(&[Instr::BrIfNez(0, 2), Instr::Return], 3).contains("branch outside the code"));
        let to_aux = [Instr::Br(2), Instr::TableFill(0, 1, 2), Instr::Aux(0, 0, 0), Instr::Return];
        assert!(rejected(&to_aux, 3).contains("branch to an aux word"));
        assert!(rejected(&[Instr::CallIndirect(1, 0, 0), Instr::Return], 3).contains("aux word"));
        assert!(rejected(&[Instr::Aux(0, 0, 0), Instr::Return], 3).contains("aux word in instruction position"));
        assert!(rejected(&[Instr::BrTable(0, 2), Instr::Br(0), Instr::Return], 3).contains("br_table"));
        let two_results = verify(&[Instr::ReturnFrom(2)], 3, 2);
        assert!(matches!(two_results, Err(Error::Internal(why)) if why.contains("results outside the frame")));
        assert!(rejected(&[Instr::Return, Instr::Copy(0, 1)], 3).contains("run off the end"));
        assert!(rejected(&[Instr::TableFill(0, 1, 2), Instr::Aux(0, 0, 0)], 3).contains("run off the end"));
        assert!(rejected(&[], 3).contains("run off the end"));
    }

    #[test]
    fn constants_get_frame_slots_between_the_locals_and_the_operand_stack() {
        // Local 0, constants 7 and 1 (in the order the translator met them), operands from slot 3.
        let mut code = vec![Instr::I32Add(1, 0, CONST_SLOT + 1), Instr::I32Mul(1, 1, CONST_SLOT), Instr::ReturnFrom(1)];
        place_and_verify(&mut code, 1, 2, 4, 1).unwrap();
        assert_eq!(code, [Instr::I32Add(3, 0, 2), Instr::I32Mul(3, 3, 1), Instr::ReturnFrom(3)]);
    }
}

//! Memory accesses: an `i32.add` computing the address is fused into the
//! access when nothing in between needs its result (`…At`, `…AccAt`
//! forms), and the value comes from or goes to the accumulator.

use super::{Retarget, Source, Translator, forms, writes};
use crate::compile::interp::instr::{Instr, Operand, Slot};
use crate::error::{Error, Result};

/// Where a fused access finds the two addends of its address.
enum Address {
    Sum(Slot, Slot),
    /// The accumulator and a slot.
    AccPlus(Slot),
}

/// A load or store's static offset, which a 32-bit memory's validation
/// keeps below 2^32 (64-bit memories are not executed yet).
pub(super) fn memory32_offset(offset: u64) -> Result<u32> {
    u32::try_from(offset).map_err(|_| Error::Unsupported(format!("a memory offset of {offset} (64-bit memories)")))
}

impl Translator<'_> {
    /// If the address at `height` was computed by an `i32.add` a few
    /// instructions back, removes the add and returns its operands: an
    /// access at offset 0 can add them itself. Only when that moves nothing
    /// the add computed: the instructions after it, all after the last
    /// branch target, must neither branch nor call, nor read the add's
    /// result (a `local.tee` copy) nor write its operands. An add of the
    /// accumulator must be the last instruction, so that the accumulator
    /// still holds its operand.
    fn take_address_add(&mut self, height: u32, offset: u64) -> Option<Address> {
        /// How far back to look: enough for a stored value computed in
        /// between, and a bound on translation time.
        const LOOKBACK: usize = 12;
        if offset != 0 || self.stack[height as usize].is_some() {
            return None;
        }
        let address = self.slot(height);
        let last = self.rewritable_last()?;
        if let Instr::I32AddAccTo(d, b) = self.code[last]
            && d == address
        {
            self.code.pop();
            self.last_op = None;
            return Some(Address::AccPlus(b));
        }
        let start = self.barrier.max(self.code.len().saturating_sub(LOOKBACK));
        // The last instruction that wrote the address's slot computed it.
        let at = (start..self.code.len()).rev().find(|&i| writes(self.code[i], address))?;
        let Instr::I32Add(_, a, b) = self.code[at] else { return None };
        // An operand wrapped from an i64 just before the add, into the
        // add's own result slot (so nothing else reads the wrap): the sum
        // reads the i64 instead, truncating it as the wrap would.
        let wrap = at
            .checked_sub(1)
            .and_then(|before| self.wrap_at(before, address))
            .filter(|_| (a == address) != (b == address));
        let kept = wrap.unwrap_or(address);
        let moves_nothing = self.code[at + 1..].iter().all(|instr| {
            let mut instr = *instr;
            let mut leaves_alone =
                !matches!(instr, Instr::Return | Instr::ReturnFrom(_) | Instr::ReturnOne(_) | Instr::Trap(_));
            instr.visit_operands(&mut |operand| match operand {
                Operand::Slot(s) => leaves_alone &= *s != address,
                Operand::Dest(s) => leaves_alone &= *s != address && *s != a && *s != b && *s != kept,
                Operand::VSlot(s) => leaves_alone &= *s != address && *s + 1 != address,
                Operand::VDest(s) => {
                    let written = [*s, *s + 1];
                    leaves_alone &= [address, a, b, kept].iter().all(|slot| !written.contains(slot));
                }
                // A local or a constant: never the address's operand slot.
                Operand::Short(_) => {}
                Operand::CallBase(_) | Operand::Target(_) => leaves_alone = false,
            });
            leaves_alone
        });
        if !moves_nothing {
            return None;
        }
        self.code.remove(at);
        self.last_op = None;
        if let Some(source) = wrap {
            self.code.remove(at - 1);
            let unwrapped = |slot: Slot| if slot == address { source } else { slot };
            return Some(Address::Sum(unwrapped(a), unwrapped(b)));
        }
        Some(Address::Sum(a, b))
    }

    /// A load into the accumulator (the slot if the next operator cannot
    /// read it there): its `…At` form (address = a + b, wrapping) or
    /// `…AccAt` form (address = acc + b) when the address is an `i32.add`
    /// computed just before.
    pub(super) fn load_fusing(&mut self, h: u32, offset: u64, forms: &forms::LoadForms) -> Result<()> {
        let (instr, retarget) = match self.take_address_add(h - 1, offset) {
            Some(Address::Sum(a, b)) => ((forms.at_to_acc)(a, b), Retarget::Binary(forms.at, a, b)),
            Some(Address::AccPlus(b)) => ((forms.acc_at_to_acc)(b), Retarget::AccTo(forms.acc_at, b)),
            None => {
                let offset = memory32_offset(offset)?;
                let a = self.low_half_operand(h - 1);
                ((forms.plain_to_acc)(a, offset), Retarget::Load(forms.plain, a, offset))
            }
        };
        let at = self.emit(instr);
        self.stack[h as usize - 1] = Some(Source::Acc);
        self.acc = Some(h - 1);
        self.last_op = Some((at, retarget));
        Ok(())
    }

    /// A store, with its address fused as in `load_fusing`; of the
    /// accumulator when the value is there.
    pub(super) fn store_fusing(&mut self, h: u32, offset: u64, forms: &forms::StoreForms) -> Result<()> {
        if self.stack[h as usize - 1] == Some(Source::Acc) {
            // The address must be readable without emitting anything: the
            // value's producer must stay the last instruction.
            if self.readable_slot(h - 2).is_some() {
                let instr = match self.take_address_add(h - 2, offset) {
                    Some(Address::Sum(a, b)) => (forms.at_of_acc)(a, b),
                    Some(Address::AccPlus(_)) => unreachable!("the accumulator holds the value"),
                    None => {
                        let a = self.operand(h - 2);
                        (forms.of_acc)(a, memory32_offset(offset)?)
                    }
                };
                self.emit(instr);
                self.acc = None;
                self.stack[h as usize - 1] = None;
                return Ok(());
            }
        }
        self.spill_acc();
        // The value's slot is resolved first, and only where that emits
        // nothing: materialising a constant into its own slot would
        // overwrite the add's second operand, which may live there.
        let v = match self.stack[h as usize - 1] {
            None => self.slot(h - 1),
            Some(_) => match self.readable_slot(h - 1) {
                Some(v) => v,
                None => return self.store(h, offset, forms.plain),
            },
        };
        match self.take_address_add(h - 2, offset) {
            None => return self.store(h, offset, forms.plain),
            Some(Address::Sum(a, b)) => self.emit((forms.at)(a, b, v)),
            Some(Address::AccPlus(b)) => self.emit((forms.acc_at)(b, v)),
        };
        Ok(())
    }

    fn store(&mut self, h: u32, offset: u64, make: fn(Slot, Slot, u32) -> Instr) -> Result<()> {
        let offset = memory32_offset(offset)?;
        let a = self.low_half_operand(h - 2);
        let v = self.operand(h - 1);
        self.emit(make(a, v, offset));
        Ok(())
    }
}

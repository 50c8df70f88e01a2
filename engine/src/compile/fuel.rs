//! Fuel regions, computed once for every tier.
//!
//! A function's code is cut into regions at: its entry, a loop's header,
//! each arm of an `if` (after `if` and after `else`), after the `end` of a
//! construct, and after `br_if` (its fall-through). Each region charges on
//! entry one unit per reachable operator it contains; one that cannot be
//! paid empties the store's fuel and traps with `OutOfFuel` before any of
//! its operators runs. So the fuel left after a call, and where fuel runs
//! out, are the same on every tier.
//!
//! An operator is reachable unless it follows an unconditional transfer
//! (`unreachable`, `br`, `br_table`, `return`) in its construct, or lies in
//! a construct opened where code was unreachable (its whole body is dead,
//! and it starts no region). [`FuelPlan::of`] applies these rules to a body;
//! each tier emits a charge of [`FuelPlan::entry`]'s units on entry and,
//! after translating operator `i`, one of [`FuelPlan::after`]`(i)`'s units
//! when that is `Some`, and nothing else.
//!
//! The same regions measure operator coverage ([`Coverage`]): where a tier
//! charges a region's fuel it also counts the region's entry, when the
//! engine measures coverage, so every tier reports the same operators run.

use std::sync::atomic::{AtomicU64, Ordering};

use wasmparser::{FunctionBody, Operator};

use crate::error::{Error, Result};

/// Where a function's fuel regions start and what each charges.
#[derive(Debug, Default)]
pub(crate) struct FuelPlan {
    /// The reachable operators of each region, by name (entry region
    /// first), when the plan was made for coverage.
    operators: Option<Vec<Vec<&'static str>>>,
    entry: u32,
    /// (index of the operator the region starts after, charge), in order.
    regions: Vec<(u32, u32)>,
    /// The next entry of `regions` a tier will ask for.
    next: usize,
}

impl FuelPlan {
    /// The plan of `body`'s operators (which the caller validates); with
    /// `coverage`, it also lists each region's operators ([`Self::coverage`]).
    pub(crate) fn of(body: &FunctionBody<'_>, coverage: bool) -> Result<FuelPlan> {
        let mut ops = body.get_operators_reader().map_err(Error::from_wasmparser)?;
        let mut plan = FuelPlan { operators: coverage.then(|| vec![Vec::new()]), ..FuelPlan::default() };
        // Per open construct: whether it was opened in reachable code.
        let mut live: Vec<bool> = vec![true];
        let mut reachable = true;
        let mut charge = 0u32;
        let mut index = 0u32;
        // The charge accumulated so far goes to the region that started
        // last (the entry region first).
        let close = |plan: &mut FuelPlan, charge: &mut u32| {
            match plan.regions.last_mut() {
                Some((_, cost)) => *cost = *charge,
                None => plan.entry = *charge,
            }
            *charge = 0;
        };
        while !ops.eof() {
            let op = ops.read().map_err(Error::from_wasmparser)?;
            if reachable {
                charge = charge.saturating_add(1);
                if let Some(region) = plan.operators.as_mut().and_then(|o| o.last_mut()) {
                    region.push(crate::compile::opcode_name(&op));
                }
            }
            let starts_region = match op {
                Operator::Block { .. } => {
                    live.push(reachable);
                    false
                }
                Operator::Loop { .. } | Operator::If { .. } => {
                    live.push(reachable);
                    reachable
                }
                Operator::Else => {
                    reachable = *live.last().expect("validated: else closes an if");
                    reachable
                }
                Operator::End => {
                    let was_live = live.pop().expect("validated: end closes a construct");
                    // The function's own `end` starts nothing.
                    !live.is_empty() && {
                        reachable = was_live;
                        was_live
                    }
                }
                Operator::BrIf { .. } => reachable,
                Operator::Unreachable | Operator::Br { .. } | Operator::BrTable { .. } | Operator::Return => {
                    reachable = false;
                    false
                }
                _ => false,
            };
            if starts_region {
                close(&mut plan, &mut charge);
                plan.regions.push((index, 0));
                if let Some(operators) = &mut plan.operators {
                    operators.push(Vec::new());
                }
            }
            index += 1;
        }
        close(&mut plan, &mut charge);
        Ok(plan)
    }

    /// The region starting at the function's entry.
    pub(crate) fn entry(&self) -> Region {
        Region { index: 0, charge: self.entry }
    }

    /// The region starting right after operator `index`, if one does;
    /// tiers ask for every operator in order.
    pub(crate) fn after(&mut self, index: u32) -> Option<Region> {
        let &(at, charge) = self.regions.get(self.next)?;
        debug_assert!(at >= index, "operator {at}'s region was skipped");
        (at == index).then(|| {
            self.next += 1;
            Region { index: self.next as u32, charge }
        })
    }

    /// Hit counters for the plan's regions, when it was made for coverage:
    /// a tier counts a region's entry (at its [`Region::index`]) where it
    /// charges the region's fuel.
    pub(crate) fn coverage(&mut self) -> Option<Coverage> {
        self.operators.take().map(Coverage::new)
    }
}

/// A region of a plan, as a tier meets it: its number (the entry region
/// is 0, the others count up in order) and the fuel it charges.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Region {
    pub(crate) index: u32,
    pub(crate) charge: u32,
}

/// Which operators each region of a function holds, and how often each
/// region was entered: operator coverage, measured alike on every tier (an
/// operator counts as run when its region is entered).
#[derive(Debug)]
pub(crate) struct Coverage {
    regions: Vec<Vec<&'static str>>,
    hits: Box<[AtomicU64]>,
}

impl Coverage {
    fn new(regions: Vec<Vec<&'static str>>) -> Coverage {
        let hits = regions.iter().map(|_| AtomicU64::new(0)).collect();
        Coverage { regions, hits }
    }

    /// Counts an entry into `region` (the interpreter's `Cover`).
    pub(crate) fn hit(&self, region: u32) {
        if let Some(counter) = self.hits.get(region as usize) {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The address of `region`'s counter, for compiled code to increment
    /// atomically: valid while this `Coverage` lives, moved or not (the
    /// counters are a heap allocation of their own), which the compiled
    /// module holding it guarantees for its code.
    pub(crate) fn counter(&self, region: u32) -> *const AtomicU64 {
        &self.hits[region as usize]
    }

    /// Adds how often each operator ran to `counts`.
    pub(crate) fn add_to(&self, counts: &mut std::collections::BTreeMap<String, u64>) {
        for (region, hits) in self.regions.iter().zip(self.hits.iter()) {
            let hits = hits.load(Ordering::Relaxed);
            if hits == 0 {
                continue;
            }
            for op in region {
                *counts.entry(op.to_string()).or_insert(0) += hits;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(wat: &str) -> FuelPlan {
        let wasm = wat::parse_str(wat).unwrap();
        for payload in wasmparser::Parser::new(0).parse_all(&wasm) {
            if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
                return FuelPlan::of(&body, true).unwrap();
            }
        }
        panic!("no function")
    }

    #[test]
    fn regions_start_at_loops_arms_ends_and_br_if() {
        // 0 loop, 1 local.get, 2 br_if, 3 i32.const, 4 if, 5 nop, 6 else,
        // 7 nop, 8 end, 9 end, 10 end (the function's).
        let mut p =
            plan("(module (func (param i32) (loop (br_if 0 (local.get 0)) (if (i32.const 1) (then nop) (else nop)))))");
        assert_eq!(p.entry().charge, 1);
        let starts: Vec<(u32, u32)> = (0..11).filter_map(|i| p.after(i).map(|r| (i, r.charge))).collect();
        assert_eq!(starts, vec![(0, 2), (2, 2), (4, 2), (6, 2), (8, 1), (9, 1)]);
        let regions: Vec<Vec<&str>> = vec![
            vec!["Loop"],
            vec!["LocalGet", "BrIf"],
            vec!["I32Const", "If"],
            vec!["Nop", "Else"],
            vec!["Nop", "End"],
            vec!["End"],
            vec!["End"],
        ];
        assert_eq!(p.operators, Some(regions), "coverage regions hold what each charges for");
    }

    #[test]
    fn dead_code_is_not_charged_and_dead_constructs_start_no_region() {
        // 0 block, 1 br, 2 block, 3 i32.const, 4 drop, 5 end, 6 loop, 7 nop,
        // 8 end, 9 end, 10 i32.const, 11 drop, 12 end.
        let mut p =
            plan("(module (func (block (br 0) (block (drop (i32.const 1))) (loop (nop))) (drop (i32.const 2))))");
        assert_eq!(p.entry().charge, 2, "block and br");
        let regions: Vec<Vec<&str>> = vec![vec!["Block", "Br"], vec!["I32Const", "Drop", "End"]];
        assert_eq!(p.operators, Some(regions), "dead operators are in no region");
        let starts: Vec<(u32, u32)> = (0..13).filter_map(|i| p.after(i).map(|r| (i, r.charge))).collect();
        assert_eq!(starts, vec![(9, 3)], "only the outer block's end starts a region: i32.const, drop, end");
    }
}

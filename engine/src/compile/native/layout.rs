//! Where a function's machine code starts in its module's code buffer.
//!
//! Functions start 16-byte aligned. Which of the two 16-byte positions of a
//! 32-byte fetch window a function starts at decides where its loops fall,
//! and small loops are sensitive to it: x86 cores fetch and decode in
//! aligned 32-byte windows, and a loop whose first instruction sits in the
//! second half of a window spends part of every iteration's first fetch on
//! bytes before the loop. Measured on shootout-sieve (AMD EPYC, the inner
//! loop 24 bytes long): 0.20–0.24 s whole-program with the loop starting in
//! the first half of a window, 0.27–0.38 s with it in the second half.
//! Compilers align loop headers for this (padding inside the function);
//! Cranelift does not, so the tiers choose the function's start instead:
//! the one that puts more of its innermost loops' first instructions in the
//! first half of a window. Code is mapped page-aligned, so offsets in the
//! buffer are addresses modulo the window.

/// Every function starts at a multiple of this.
const FUNCTION_ALIGN: usize = 16;

/// The fetch window the placement reasons about (a power of two, twice
/// `FUNCTION_ALIGN`: a function can start in either half).
const FETCH_WINDOW: usize = 32;

/// The offset of the first instruction of each innermost loop of a function
/// laid out as `block_starts` (ascending offsets of its basic blocks) with
/// control-flow `edges` (from block start, to block start), `code_len`
/// bytes long. A loop is a backward edge (or one to the block itself): it
/// spans from its target to the end of its source block; it is innermost
/// when no other loop starts inside it.
pub(crate) fn innermost_loop_starts(block_starts: &[u32], edges: &[(u32, u32)], code_len: u32) -> Vec<u32> {
    let block_end = |start: u32| {
        let next = block_starts.partition_point(|&s| s <= start);
        block_starts.get(next).copied().unwrap_or(code_len)
    };
    // (first instruction, end): one loop per header, spanning its farthest back edge.
    let mut loops: Vec<(u32, u32)> =
        edges.iter().filter(|&&(from, to)| to <= from).map(|&(from, to)| (to, block_end(from))).collect();
    loops.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::with_capacity(loops.len());
    for (start, end) in loops {
        match merged.last_mut() {
            Some(last) if last.0 == start => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
        .iter()
        .enumerate()
        .filter(|&(i, &(_, end))| merged.get(i + 1).is_none_or(|&(next_start, _)| next_start >= end))
        .map(|(_, &(start, _))| start)
        .collect()
}

/// Where a function whose innermost loops start at `loop_starts` (offsets in
/// the function) goes in a buffer `len` bytes long: the next
/// `FUNCTION_ALIGN` boundary, or the one after it when that puts more of
/// the loops' first instructions in the first half of a fetch window.
pub(crate) fn function_start(len: usize, loop_starts: &[u32]) -> usize {
    let aligned = len.next_multiple_of(FUNCTION_ALIGN);
    let early_in_window =
        |at: usize| loop_starts.iter().filter(|&&s| (at + s as usize) % FETCH_WINDOW < FETCH_WINDOW / 2).count();
    let shifted = aligned + FUNCTION_ALIGN;
    if early_in_window(shifted) > early_in_window(aligned) { shifted } else { aligned }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn innermost_loops_are_the_back_edges_with_no_loop_inside() {
        // Blocks at 0, 10, 20, 30, 40: the outer loop 10..40 (edge 30 → 10)
        // holds the inner loop 20..30 (the self-loop 20 → 20); 40 → 40 is
        // a self-loop running to the end of the code; forward edges are
        // not loops.
        let starts = [0, 10, 20, 30, 40];
        let edges = [(0, 10), (10, 20), (20, 20), (20, 30), (30, 10), (30, 40), (40, 40)];
        assert_eq!(innermost_loop_starts(&starts, &edges, 50), vec![20, 40]);
        // Two back edges to one header make one loop, spanning the farther.
        let edges = [(10, 10), (30, 10)];
        assert_eq!(innermost_loop_starts(&starts, &edges, 50), vec![10]);
        assert!(innermost_loop_starts(&starts, &[(0, 10), (10, 20)], 50).is_empty());
    }

    #[test]
    fn a_function_moves_by_one_alignment_step_only_to_start_more_loops_early_in_a_window() {
        // A loop 18 bytes in: at 0 it starts in the second half; at 16 it
        // starts at 34 ≡ 2.
        assert_eq!(function_start(0, &[18]), 16);
        assert_eq!(function_start(0, &[2]), 0);
        assert_eq!(function_start(1, &[2]), 32);
        // No loops, or a tie: no padding.
        assert_eq!(function_start(5, &[]), 16);
        assert_eq!(function_start(0, &[2, 18]), 0);
        // Two loops late, one early at 0: shifting wins two for one.
        assert_eq!(function_start(64, &[20, 24, 4]), 80);
    }
}

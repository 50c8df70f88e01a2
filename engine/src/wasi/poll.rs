//! `poll_oneoff`: clock subscriptions sleep until the earliest deadline;
//! descriptor subscriptions (stdio and files never block here) are ready at
//! once.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::errno;
use super::guest::Guest;

const TAG_CLOCK: u8 = 0;
const ABSTIME: u16 = 1;

/// The events (32 bytes each) for the `count` subscriptions at `at`.
/// `wasi_unstable`'s clock subscriptions carry an extra 64-bit identifier
/// first (56-byte subscriptions instead of 48). A descriptor that is not
/// open (`is_open`) fails the whole call with `EBADF`, as in wasmtime.
pub(super) fn poll_oneoff(
    guest: &Guest<'_>,
    at: u32,
    count: u32,
    started: Instant,
    unstable: bool,
    is_open: impl Fn(u32) -> bool,
) -> Result<Vec<[u8; 32]>, u16> {
    let (size, clock) = if unstable { (56u32, 24usize) } else { (48, 16) };
    if count == 0 {
        return Err(errno::INVAL);
    }
    let mut clocks = Vec::new();
    let mut ready = Vec::new();
    for i in 0..count {
        let offset = i.checked_mul(size).and_then(|o| at.checked_add(o)).ok_or(errno::FAULT)?;
        let sub = guest.read(offset, size)?;
        let word = |o: usize| u64::from_le_bytes(sub[o..o + 8].try_into().expect("eight bytes"));
        let (userdata, tag) = (word(0), sub[8]);
        if tag == TAG_CLOCK {
            let id = u32::from_le_bytes(sub[clock..clock + 4].try_into().expect("four bytes"));
            let timeout = word(clock + 8);
            let flags = u16::from_le_bytes(sub[clock + 24..clock + 26].try_into().expect("two bytes"));
            let now = match id {
                0 => SystemTime::now().duration_since(UNIX_EPOCH).map_err(|_| errno::IO)?.as_nanos() as u64,
                1..=3 => started.elapsed().as_nanos() as u64,
                _ => return Err(errno::INVAL),
            };
            let wait = if flags & ABSTIME != 0 { timeout.saturating_sub(now) } else { timeout };
            clocks.push((userdata, wait));
        } else if tag <= 2 {
            if !is_open(u32::from_le_bytes(sub[16..20].try_into().expect("four bytes"))) {
                return Err(errno::BADF);
            }
            // fd_read (1) or fd_write (2): ready now, one byte available.
            let mut event = [0u8; 32];
            event[0..8].copy_from_slice(&userdata.to_le_bytes());
            event[10] = tag;
            event[16..24].copy_from_slice(&1u64.to_le_bytes());
            ready.push(event);
        } else {
            return Err(errno::INVAL);
        }
    }
    if !ready.is_empty() {
        return Ok(ready);
    }
    let shortest = clocks.iter().map(|(_, wait)| *wait).min().expect("count > 0");
    std::thread::sleep(Duration::from_nanos(shortest));
    Ok(clocks
        .into_iter()
        .filter(|(_, wait)| *wait <= shortest)
        .map(|(userdata, _)| {
            let mut event = [0u8; 32];
            event[0..8].copy_from_slice(&userdata.to_le_bytes());
            event[10] = TAG_CLOCK;
            event
        })
        .collect())
}

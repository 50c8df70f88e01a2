//! RFC 3339 UTC times (`generated_at`), through `humantime`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The last second `humantime` formats (9999-12-31T23:59:59Z).
const LAST_FORMATTABLE: u64 = 253_402_300_799;

/// Current UTC time in RFC 3339, to the second.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// A Unix time in RFC 3339 UTC (`YYYY-MM-DDTHH:MM:SSZ`); times past the
/// year 9999 are given as its last second.
pub fn rfc3339(unix_secs: u64) -> String {
    let t = UNIX_EPOCH + Duration::from_secs(unix_secs.min(LAST_FORMATTABLE));
    humantime::format_rfc3339_seconds(t).to_string()
}

/// Seconds since the Unix epoch of an RFC 3339 UTC time as the evidence
/// writers produce it (`YYYY-MM-DDTHH:MM:SSZ`, optional fraction, dropped;
/// `+00:00` for `Z` is accepted too); `None` for anything else, other
/// offsets and times before 1970 included.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let t = humantime::parse_rfc3339(s).ok()?;
    i64::try_from(t.duration_since(UNIX_EPOCH).ok()?.as_secs()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(rfc3339(u64::MAX), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn parses_what_it_formats_and_refuses_the_rest() {
        for secs in [0, 951_782_400, 951_868_800, 1_795_359_987, LAST_FORMATTABLE] {
            assert_eq!(parse_rfc3339(&rfc3339(secs)), Some(secs as i64));
        }
        assert_eq!(parse_rfc3339("2026-11-22T15:06:27.250Z"), Some(1_795_359_987));
        assert_eq!(parse_rfc3339("2026-11-22T15:06:27+00:00"), Some(1_795_359_987));
        for bad in [
            "",
            "2026-11-22",
            "2026-11-22 15:06:27",
            "2026-11-22T15:06:27",
            "2026-11-22T15:06:27+01:00",
            "2026-13-22T15:06:27Z",
            "2026-02-30T15:06:27Z",
            "2026-11-22T24:06:27Z",
            "1969-12-31T23:59:59Z",
            "2026-11-22T15:06:27Zjunk",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}

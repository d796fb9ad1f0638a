//! Wall-clock time for stored rows: China Standard Time (UTC+8), stored as
//! fixed-width text so that it sorts and compares the same on both backends.

use time::format_description::FormatItem;
use time::macros::{format_description, offset};
use time::{OffsetDateTime, PrimitiveDateTime};

pub type Timestamp = OffsetDateTime;

const STORED: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+08:00");

pub fn now() -> Timestamp {
    OffsetDateTime::now_utc().to_offset(offset!(+8))
}

pub fn to_text(t: Timestamp) -> String {
    let local = t.to_offset(offset!(+8));
    // The format has only fixed numeric fields, so formatting cannot fail for
    // years 0..=9999; fall back to RFC 3339 rather than panic.
    local
        .format(STORED)
        .unwrap_or_else(|_| local.unix_timestamp().to_string())
}

pub fn now_text() -> String {
    to_text(now())
}

pub fn from_text(s: &str) -> Option<Timestamp> {
    let head = s.strip_suffix("+08:00")?;
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]");
    PrimitiveDateTime::parse(head, fmt)
        .ok()
        .map(|p| p.assume_offset(offset!(+8)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_order() {
        let a = now();
        let b = a + time::Duration::milliseconds(5);
        assert!(to_text(a) < to_text(b));
        let back = from_text(&to_text(a)).unwrap();
        assert!((back - a).abs() < time::Duration::milliseconds(1));
    }
}

//! Every number mediascan takes from outside — the command line, the configuration file, the
//! environment, HTTP requests — and the range it must lie in. One table, so that the CLI, the
//! configuration and the API cannot disagree, and so that no number reaches a conversion that
//! panics or wraps (`Duration::from_secs_f64(1e20)`, `u64 as i64`).

use std::fmt::Display;
use std::ops::RangeInclusive;
use std::time::Duration;

/// A bounded number: its name (a configuration key or an argument) and its range.
#[derive(Debug, Clone)]
pub struct Bound<T> {
    pub name: &'static str,
    pub range: RangeInclusive<T>,
    /// What the number counts, for messages (`seconds`, `bytes`, …).
    pub unit: &'static str,
}

impl<T: PartialOrd + Display + Copy> Bound<T> {
    /// `value` when it is in range, else a one-line message naming the bound
    /// (`scanner.lease_ttl_secs must be between 3 and 3600 seconds, not 1`).
    pub fn check(&self, value: T) -> Result<T, String> {
        self.in_range(value).map_err(|e| format!("{} {e}", self.name))
    }

    /// [`Self::check`] without the name (for a command-line value, which clap names).
    pub fn in_range(&self, value: T) -> Result<T, String> {
        if self.range.contains(&value) {
            return Ok(value);
        }
        Err(format!(
            "must be between {} and {}{}, not {value}",
            self.range.start(),
            self.range.end(),
            if self.unit.is_empty() { String::new() } else { format!(" {}", self.unit) }
        ))
    }
}

impl Bound<f64> {
    /// A number of seconds as a duration; NaN and infinities are out of range.
    pub fn duration(&self, secs: f64) -> Result<Duration, String> {
        self.unnamed_duration(secs).map_err(|e| format!("{} {e}", self.name))
    }

    fn unnamed_duration(&self, secs: f64) -> Result<Duration, String> {
        if !secs.is_finite() {
            return Err(format!("must be a finite number of seconds, not {secs}"));
        }
        self.in_range(secs).map(Duration::from_secs_f64)
    }

    /// Parses a command-line value: a number of seconds.
    pub fn parse_duration(&self, text: &str) -> Result<Duration, String> {
        let secs: f64 = text.trim().parse().map_err(|_| "is not a number of seconds".to_owned())?;
        self.unnamed_duration(secs)
    }
}

impl Bound<u64> {
    pub fn duration(&self, secs: u64) -> Result<Duration, String> {
        self.check(secs).map(Duration::from_secs)
    }

    /// Parses a command-line value: a whole number.
    pub fn parse(&self, text: &str) -> Result<u64, String> {
        let value: u64 = text.trim().parse().map_err(|_| "is not a whole number".to_owned())?;
        self.in_range(value)
    }
}

const fn whole(name: &'static str, min: u64, max: u64, unit: &'static str) -> Bound<u64> {
    Bound { name, range: min..=max, unit }
}

/// Seconds one probe may take (`--probe-timeout`, `scanner.probe_timeout_secs`).
pub const PROBE_TIMEOUT: Bound<f64> =
    Bound { name: "scanner.probe_timeout_secs", range: 0.1..=86_400.0, unit: "seconds" };
/// Files probed at once (`--concurrency`, `scanner.concurrency`).
pub const CONCURRENCY: Bound<u64> = whole("scanner.concurrency", 1, 256, "");
/// Scans one node runs at once.
pub const MAX_CONCURRENT_SCANS: Bound<u64> = whole("scanner.max_concurrent_scans", 1, 64, "");
/// Bytes the native probe reads of a file.
pub const NATIVE_MAX_BYTES: Bound<u64> = whole("scanner.native_max_bytes", 4096, 1 << 30, "bytes");
/// How long finished scans stay in memory.
pub const RETENTION: Bound<u64> = whole("scanner.retention_secs", 0, 30 * 86_400, "seconds");
/// How long a scan's lease lasts unless renewed.
pub const LEASE_TTL: Bound<u64> = whole("scanner.lease_ttl_secs", 3, 3_600, "seconds");
/// How long a scan retries an unavailable database.
pub const DB_RETRY: Bound<u64> = whole("scanner.db_retry_secs", 0, 86_400, "seconds");
/// Largest share of a library one scan may mark missing.
/// Seconds between two polls of a polled library.
pub const POLL_INTERVAL: Bound<u64> = whole("poll_interval_secs", 1, 86_400, "seconds");
/// Seconds a file must stay unchanged before a watcher's scan probes it.
pub const SETTLE: Bound<u64> = whole("settle_secs", 0, 86_400, "seconds");
/// Hours between two scheduled full scans.
pub const INTERVAL_HOURS: Bound<u64> = whole("interval_hours", 1, 8_760, "hours");
pub const MAX_MISSING_SHARE: Bound<f64> = Bound { name: "max_missing_share", range: 0.0..=1.0, unit: "" };
/// How long a client may take to send a request's headers.
pub const HEADER_READ_TIMEOUT: Bound<u64> = whole("server.header_read_timeout_secs", 1, 300, "seconds");
/// How long a connection may stay open with nothing read or written.
pub const IDLE_TIMEOUT: Bound<u64> = whole("server.idle_timeout_secs", 1, 86_400, "seconds");
/// Connections served at once.
pub const MAX_CONNECTIONS: Bound<u64> = whole("server.max_connections", 1, 65_536, "");

/// A season number in a query: what the catalogs' 32-bit columns hold.
pub const SEASON: Bound<u64> = whole("season", 0, i32::MAX as u64, "");
/// An episode number set by `mediascan edit --episodes`: what the catalogs hold.
pub const EPISODE: Bound<u64> = whole("episode", 0, i32::MAX as u64, "");
/// A year set by `mediascan edit --year`.
pub const YEAR: Bound<u64> = whole("--year", 1, 9_999, "");
/// Records to skip in a query: what the catalogs' signed 64-bit integers hold.
pub const OFFSET: Bound<u64> = whole("offset", 0, i64::MAX as u64, "");
/// Files `mediascan media --limit` lists at most.
pub const MEDIA_LIMIT: Bound<u64> = whole("--limit", 1, 1_000_000_000, "");
/// Scans `mediascan scans --limit` lists at most.
pub const SCANS_LIMIT: Bound<u64> = whole("--limit", 1, 10_000, "");
/// A page of `/api/v1/media` (and `/shows`).
pub const PAGE_LIMIT: Bound<u64> = whole("limit", 1, 1_000, "");
/// A page of `/api/v1/scans`.
pub const SCAN_PAGE_LIMIT: Bound<u64> = whole("limit", 1, 500, "");

/// The shortest bearer token accepted on an address other than loopback.
pub const MIN_REMOTE_TOKEN_CHARS: usize = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_values_are_messages_never_panics() {
        for text in ["1e20", "-1", "NaN", "inf", "-inf", "0", "x", "", "86400.5"] {
            let err = PROBE_TIMEOUT.parse_duration(text).unwrap_err();
            assert!(!err.contains('\n'), "{err}");
        }
        assert_eq!(PROBE_TIMEOUT.parse_duration("2.5"), Ok(Duration::from_millis(2500)));
        for text in ["18446744073709551615", "18446744073709551616", "-1", "0", "1.5"] {
            assert!(SCANS_LIMIT.parse(text).is_err(), "{text}");
        }
        assert_eq!(SCANS_LIMIT.parse("10"), Ok(10));
        assert!(
            LEASE_TTL
                .check(1)
                .unwrap_err()
                .contains("scanner.lease_ttl_secs must be between 3 and 3600 seconds")
        );
    }
}

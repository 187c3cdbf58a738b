//! Scheduled full scans: every so often, or daily at a time, with a stable jitter so that many
//! libraries (or nodes) configured alike do not all start at the same second.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// When a library is scanned in full, changes or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Every so often (`interval_hours`).
    Every(Duration),
    /// Once a day at this many seconds after midnight UTC (`schedule = "daily 03:00"`, which the
    /// application converts from local time).
    DailyAt { utc_secs: u32 },
}

/// The longest jitter added to a run.
const MAX_JITTER: Duration = Duration::from_secs(15 * 60);

/// A share (0 to 1) derived from `name`: the same library gets the same jitter every time.
pub fn jitter_share(name: &str) -> f64 {
    let mut hash = crate::hash::SEED;
    crate::hash::fnv(&mut hash, name.as_bytes());
    (hash % 1000) as f64 / 1000.0
}

impl Schedule {
    fn period(self) -> Duration {
        match self {
            Self::Every(period) => period,
            Self::DailyAt { .. } => Duration::from_secs(86_400),
        }
    }

    /// The first run after `now`, delayed by `share` of a tenth of the period (at most 15
    /// minutes).
    pub fn next_after(self, now: DateTime<Utc>, share: f64) -> DateTime<Utc> {
        let jitter = (self.period() / 10).min(MAX_JITTER).mul_f64(share.clamp(0.0, 1.0));
        let jitter = TimeDelta::from_std(jitter).unwrap_or_default();
        match self {
            Self::Every(period) => now + TimeDelta::from_std(period).unwrap_or(TimeDelta::days(1)) + jitter,
            Self::DailyAt { utc_secs } => {
                let midnight = now.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
                let today = midnight + TimeDelta::seconds(i64::from(utc_secs % 86_400)) + jitter;
                if today > now { today } else { today + TimeDelta::days(1) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn daily_runs_come_at_the_time_with_a_stable_jitter() {
        let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 28, h, m, 0).unwrap();
        let daily = Schedule::DailyAt { utc_secs: 3 * 3600 };
        assert_eq!(daily.next_after(at(1, 0), 0.0), at(3, 0));
        assert_eq!(daily.next_after(at(4, 0), 0.0), at(3, 0) + TimeDelta::days(1));
        assert_eq!(daily.next_after(at(1, 0), 1.0), at(3, 15), "jitter at most 15 minutes");
        let hourly = Schedule::Every(Duration::from_secs(3600));
        assert_eq!(hourly.next_after(at(1, 0), 0.5), at(2, 3), "half of a tenth of an hour");
        assert_eq!(jitter_share("tv"), jitter_share("tv"));
        assert!((0.0..1.0).contains(&jitter_share("movies")));
    }
}

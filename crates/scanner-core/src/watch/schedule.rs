//! Scheduled full scans: every so often, or daily at a time, with a stable jitter so that many
//! libraries (or nodes) configured alike do not all start at the same second.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// The UTC offset (seconds east of UTC) in force at an instant where a daily schedule's local
/// time is meant: the application reads it from the system's time zone (the core reads no
/// clock or zone of its own), so a daily time follows daylight saving changes.
pub type UtcOffsetAt = fn(DateTime<Utc>) -> i32;

/// When a library is scanned in full, changes or not.
#[derive(Debug, Clone, Copy)]
pub enum Schedule {
    /// Every so often (`interval_hours`).
    Every(Duration),
    /// Once a day at this many seconds after local midnight (`schedule = "daily 03:00"`).
    DailyAt { local_secs: u32, offset_at: UtcOffsetAt },
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
            Self::DailyAt { local_secs, offset_at } => {
                let offset = |at| TimeDelta::seconds(i64::from(offset_at(at)));
                let local_today = (now + offset(now)).date_naive();
                // Today's, tomorrow's or the day after's run: the first still ahead. Each local
                // time is turned into UTC with the offset in force then (asked twice: the
                // offset at the guess may differ from now's across a change).
                (0..3)
                    .map(|day| {
                        let local = local_today.and_hms_opt(0, 0, 0).unwrap_or_default()
                            + TimeDelta::days(day)
                            + TimeDelta::seconds(i64::from(local_secs % 86_400));
                        let guess = local.and_utc() - offset(now);
                        local.and_utc() - offset(guess) + jitter
                    })
                    .find(|run| *run > now)
                    .unwrap_or(now + TimeDelta::days(1))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(_: DateTime<Utc>) -> i32 {
        0
    }

    /// London: one hour ahead of UTC until 2026-10-25 01:00 UTC, then on UTC.
    fn london(at: DateTime<Utc>) -> i32 {
        if at < Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap() { 3600 } else { 0 }
    }

    #[test]
    fn daily_runs_follow_daylight_saving_changes() {
        let daily = Schedule::DailyAt { local_secs: 3 * 3600, offset_at: london };
        let before = Utc.with_ymd_and_hms(2026, 10, 23, 12, 0, 0).unwrap();
        // 03:00 in summer time is 02:00 UTC; the first run after the change is 03:00 UTC.
        assert_eq!(daily.next_after(before, 0.0), Utc.with_ymd_and_hms(2026, 10, 24, 2, 0, 0).unwrap());
        let saturday_night = Utc.with_ymd_and_hms(2026, 10, 24, 12, 0, 0).unwrap();
        assert_eq!(
            daily.next_after(saturday_night, 0.0),
            Utc.with_ymd_and_hms(2026, 10, 25, 3, 0, 0).unwrap()
        );
        // 23:30 local while the offset is +1: 22:30 UTC the same day.
        let late = Schedule::DailyAt { local_secs: 23 * 3600 + 1800, offset_at: london };
        let noon = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(late.next_after(noon, 0.0), Utc.with_ymd_and_hms(2026, 7, 1, 22, 30, 0).unwrap());
    }

    #[test]
    fn daily_runs_come_at_the_time_with_a_stable_jitter() {
        let at = |h, m| Utc.with_ymd_and_hms(2026, 11, 28, h, m, 0).unwrap();
        let daily = Schedule::DailyAt { local_secs: 3 * 3600, offset_at: utc };
        assert_eq!(daily.next_after(at(1, 0), 0.0), at(3, 0));
        assert_eq!(daily.next_after(at(4, 0), 0.0), at(3, 0) + TimeDelta::days(1));
        assert_eq!(daily.next_after(at(1, 0), 1.0), at(3, 15), "jitter at most 15 minutes");
        let hourly = Schedule::Every(Duration::from_secs(3600));
        assert_eq!(hourly.next_after(at(1, 0), 0.5), at(2, 3), "half of a tenth of an hour");
        assert_eq!(jitter_share("tv"), jitter_share("tv"));
        assert!((0.0..1.0).contains(&jitter_share("movies")));
    }
}

//! Air dates of daily shows: numeric (`2024.01.15`, `15.01.2024`) and with the month's name
//! (`5th Mar 2025`, `March 5 2025`).

use chrono::NaiveDate;
use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::take_while_m_n;
use nom::character::complete::one_of;
use nom::combinator::{map, map_opt, opt};

use super::{Marker, kw, number, year_number};

/// English month names and their three-letter abbreviations (`Sept` too).
fn month(input: &str) -> IResult<&str, u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    for (k, name) in MONTHS.iter().enumerate() {
        // The full name, `Sept`, or the three-letter abbreviation, ending the word.
        let sept = if *name == "september" { "sept" } else { "" };
        for form in [*name, sept, &name[..3]].into_iter().filter(|f| !f.is_empty()) {
            if input.get(..form.len()).is_some_and(|p| p.eq_ignore_ascii_case(form)) {
                let rest = &input[form.len()..];
                if rest.chars().next().is_none_or(|c| !c.is_alphabetic()) {
                    return Ok((rest, k as u32 + 1));
                }
            }
        }
    }
    Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Tag)))
}

/// A day of the month, with an optional English suffix (`5th`, `31st`).
fn day(input: &str) -> IResult<&str, u32> {
    let suffix = kw(&["st", "nd", "rd", "th"]);
    map((number(1, 2), opt(suffix)), |(d, _)| d).parse(input)
}

fn space(input: &str) -> IResult<&str, char> {
    one_of(". _-")(input)
}

/// `2024.01.15`, `2024-01-15`, `2024 01 15`, the day-first or month-first forms when the
/// day is unmistakable (`15.01.2024`, `01.15.2024`), and dates with the month's name:
/// `5th Mar 2025`, `31 January 2024`, `March 5 2025`.
pub(crate) fn date(input: &str) -> IResult<&str, Marker> {
    let ymd = map_opt(
        (year_number, one_of(".-_ "), number(2, 2), one_of(".-_ "), number(2, 2)),
        |(y, _, m, _, d)| NaiveDate::from_ymd_opt(y as i32, m, d),
    );
    let dmy = map_opt(
        (number(2, 2), one_of(".-_ "), number(2, 2), one_of(".-_ "), year_number),
        |(a, _, b, _, y)| {
            let (day, month) = match (a, b) {
                (a, b) if a > 12 && b <= 12 => (a, b),
                (a, b) if b > 12 && a <= 12 => (b, a),
                (a, b) if a == b => (a, b),
                _ => return None,
            };
            NaiveDate::from_ymd_opt(y as i32, month, day)
        },
    );
    // `2012.16.02`: year, day, month, when the day is unmistakable.
    let ydm = map_opt(
        (year_number, one_of(".-_ "), number(2, 2), one_of(".-_ "), number(2, 2)),
        |(y, _, d, _, m)| (d > 12).then(|| NaiveDate::from_ymd_opt(y as i32, m, d)).flatten(),
    );
    let day_month = map_opt((day, space, month, space, year_number), |(d, _, m, _, y)| {
        NaiveDate::from_ymd_opt(y as i32, m, d)
    });
    let month_day =
        map_opt((month, space, day, opt(one_of(",")), space, year_number), |(m, _, d, _, _, y)| {
            NaiveDate::from_ymd_opt(y as i32, m, d)
        });
    // Numeric dates and `5th Mar 2025` open with a digit, `March 5 2025` with a letter.
    match input.as_bytes().first() {
        Some(b) if b.is_ascii_digit() => map(alt((ymd, dmy, ydm, day_month)), Marker::Date).parse(input),
        Some(b) if b.is_ascii_alphabetic() => map(month_day, Marker::Date).parse(input),
        _ => Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Digit))),
    }
}

/// Exactly `n` digits, whatever follows.
fn digits(n: usize) -> impl Fn(&str) -> IResult<&str, u32> {
    move |input: &str| {
        map(take_while_m_n(n, n, |c: char| c.is_ascii_digit()), |d: &str| d.parse().unwrap_or(0)).parse(input)
    }
}

/// A date written as one number: `20201013` (year, month, day) or `201013` (two-digit year),
/// and nothing more.
pub(crate) fn compact_date(input: &str) -> IResult<&str, Marker> {
    let long = map_opt((digits(4), digits(2), digits(2)), |(y, m, d)| {
        (1900..=2099).contains(&y).then(|| NaiveDate::from_ymd_opt(y as i32, m, d)).flatten()
    });
    let short = map_opt((digits(2), digits(2), digits(2)), |(y, m, d)| {
        NaiveDate::from_ymd_opt(2000 + y as i32, m, d)
    });
    let (rest, marker) = map(alt((long, short)), Marker::Date).parse(input)?;
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Digit)));
    }
    Ok((rest, marker))
}

#[cfg(test)]
mod tests {
    use super::super::run_at_boundary;
    use super::*;

    fn read(text: &str) -> Option<Marker> {
        run_at_boundary(text, date).map(|m| m.0)
    }

    fn d(y: i32, m: u32, day: u32) -> Option<Marker> {
        Some(Marker::Date(NaiveDate::from_ymd_opt(y, m, day).unwrap()))
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(read("2024.01.15"), d(2024, 1, 15));
        assert_eq!(read("2024-01-15"), d(2024, 1, 15));
        assert_eq!(read("15.01.2024"), d(2024, 1, 15));
        assert_eq!(read("01.15.2024"), d(2024, 1, 15));
        assert_eq!(read("05.06.2024"), None);
        assert_eq!(read("2024.13.45"), None);
        assert_eq!(read("2012.16.02"), d(2012, 2, 16));
        let compact = |text| run_at_boundary(text, compact_date).map(|m| m.0);
        assert_eq!(compact("20201013"), d(2020, 10, 13));
        assert_eq!(compact("140722"), d(2014, 7, 22));
        assert_eq!(compact("20201313"), None);
        assert_eq!(compact("2020101"), None);
    }

    #[test]
    fn dates_with_month_names() {
        assert_eq!(read("5th Mar 2025"), d(2025, 3, 5));
        assert_eq!(read("31st.January.2024"), d(2024, 1, 31));
        assert_eq!(read("2 Sept 2023"), d(2023, 9, 2));
        assert_eq!(read("March 5 2025"), d(2025, 3, 5));
        assert_eq!(read("Mar 5th, 2025"), d(2025, 3, 5));
        assert_eq!(read("30 Feb 2024"), None);
        assert_eq!(read("5 Marching 2024"), None);
    }
}

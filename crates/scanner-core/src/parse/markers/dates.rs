//! Air dates of daily shows: numeric (`2024.01.15`, `15.01.2024`) and with the month's name
//! (`5th Mar 2025`, `March 5 2025`).

use chrono::NaiveDate;
use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::tag_no_case;
use nom::character::complete::one_of;
use nom::combinator::{map, map_opt, opt};

use super::{Marker, number, year_number};

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
    let suffix = alt((tag_no_case("st"), tag_no_case("nd"), tag_no_case("rd"), tag_no_case("th")));
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
    let day_month = map_opt((day, space, month, space, year_number), |(d, _, m, _, y)| {
        NaiveDate::from_ymd_opt(y as i32, m, d)
    });
    let month_day =
        map_opt((month, space, day, opt(one_of(",")), space, year_number), |(m, _, d, _, _, y)| {
            NaiveDate::from_ymd_opt(y as i32, m, d)
        });
    map(alt((ymd, dmy, day_month, month_day)), Marker::Date).parse(input)
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

//! The page shell every dashboard page shares, and how numbers, sizes and times read.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};

use super::Ctx;
use super::assets;

/// The section a page belongs to, marked in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Nav {
    Libraries,
    Scans,
    Problems,
    Catalog,
    Report,
    None,
}

const SECTIONS: [(Nav, &str, &str); 5] = [
    (Nav::Libraries, "/", "Libraries"),
    (Nav::Scans, "/scans", "Scans"),
    (Nav::Problems, "/problems", "Problems"),
    (Nav::Catalog, "/catalog", "Catalog"),
    (Nav::Report, "/report", "Report"),
];

/// A whole page: head, navigation, `body` as the main content.
pub(crate) fn page(title: &str, nav: Nav, ctx: &Ctx, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                // No favicon request (a 404 in every page's console).
                link rel="icon" href="data:,";
                title { (title) " · mediascan" }
                link rel="stylesheet" href=(assets::css_url());
                script src=(assets::js_url()) defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/" { "mediascan" }
                    @if nav != Nav::None {
                        nav aria-label="Sections" {
                            ul {
                                @for (section, href, label) in SECTIONS {
                                    li {
                                        @if section == nav {
                                            a href=(href) aria-current="page" { (label) }
                                        } @else {
                                            a href=(href) { (label) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if ctx.logged_in {
                        form.logout method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(ctx.csrf);
                            button type="submit" { "Log out" }
                        }
                    }
                }
                main #main { (body) }
            }
        }
    }
}

/// The page of an error: status, reason and what went wrong.
pub(crate) fn error_page(status: u16, reason: &str, message: &str) -> Markup {
    let ctx = Ctx { csrf: String::new(), logged_in: false };
    let body = html! {
        h1 { (status) " " (reason) }
        p role="alert" { (message) }
        p { a href="/" { "Back to the libraries" } }
    };
    page(reason, Nav::None, &ctx, body)
}

/// A form that POSTs to `action` with the CSRF token and hidden `fields`, as one button.
pub(crate) fn button_form(
    ctx: &Ctx,
    action: &str,
    fields: &[(&str, &str)],
    label: &str,
    class: &str,
) -> Markup {
    html! {
        form.inline method="post" action=(action) {
            input type="hidden" name="csrf" value=(ctx.csrf);
            @for (name, value) in fields { input type="hidden" name=(name) value=(value); }
            button type="submit" class=(class) { (label) }
        }
    }
}

/// A `<select>` of `options` (value, text) with `current` chosen and "Any" first.
pub(crate) fn select(label: &str, name: &str, current: Option<&str>, options: &[(String, String)]) -> Markup {
    html! {
        label { (label)
            select name=(name) {
                option value="" { "Any" }
                @for (value, text) in options {
                    option value=(value) selected[current == Some(value.as_str())] { (text) }
                }
            }
        }
    }
}

/// Names as options, `_` read as a space.
pub(crate) fn options<const N: usize>(names: [&str; N]) -> Vec<(String, String)> {
    names.into_iter().map(|n| (n.to_owned(), n.replace('_', " "))).collect()
}

/// The choice of a configured library (or any).
pub(crate) fn library_select(state: &crate::api::AppState, current: Option<&str>) -> Markup {
    let names: Vec<(String, String)> = state.app.libraries().keys().map(|n| (n.clone(), n.clone())).collect();
    select("Library", "library", current, &names)
}

/// `1 234 567` → `1,234,567`.
pub(crate) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes in binary units, one decimal.
pub(crate) fn size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

/// Seconds as hours, one decimal.
pub(crate) fn hours(secs: f64) -> String {
    if secs.is_finite() { format!("{:.1} h", secs / 3600.0) } else { "–".to_owned() }
}

/// A length of time: `2 h 05 min`, `3 min 07 s`, `12 s`.
pub(crate) fn duration(secs: f64) -> String {
    if !secs.is_finite() || secs < 0.0 {
        return "–".to_owned();
    }
    let whole = secs.round() as u64;
    let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60);
    match (h, m) {
        (0, 0) => format!("{s} s"),
        (0, _) => format!("{m} min {s:02} s"),
        _ => format!("{h} h {m:02} min"),
    }
}

/// A moment, machine-readable in `datetime` and readable as UTC.
pub(crate) fn when(at: DateTime<Utc>) -> Markup {
    html! { time datetime=(at.to_rfc3339()) { (at.format("%Y-%m-%d %H:%M UTC")) } }
}

pub(crate) fn when_opt(at: Option<DateTime<Utc>>) -> Markup {
    match at {
        Some(at) => when(at),
        None => html! { "–" },
    }
}

/// Text or a dash.
pub(crate) fn or_dash<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| v.to_string())
}

/// `key=value` pairs as a query string, values percent-encoded, empty ones left out.
pub(crate) fn query(pairs: &[(&str, Option<&str>)]) -> String {
    let encoded: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| format!("{k}={}", encode(v))))
        .collect();
    if encoded.is_empty() { String::new() } else { format!("?{}", encoded.join("&")) }
}

/// Percent-encodes a query value or a path segment.
pub(crate) fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(100), "100");
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(duration(7.4), "7 s");
        assert_eq!(duration(187.0), "3 min 07 s");
        assert_eq!(duration(7500.0), "2 h 05 min");
        assert_eq!(duration(f64::NAN), "–");
        assert_eq!(query(&[("a", Some("x y")), ("b", None), ("c", Some(""))]), "?a=x%20y");
    }
}

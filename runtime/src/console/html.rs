//! Writing HTML by hand, safely: every value that came from a delivery, a receiver or a
//! request goes through [`escape`], and every page shares one frame.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

/// `text` with the five characters that mean something in HTML replaced.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `value` as a URL query component.
pub(super) fn query_value(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `value` as one URL path segment.
pub(super) fn path_segment(value: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(value, SEGMENT).to_string()
}

/// The console's first page, under `base` (`/outbox`; `/` at the root). Not `/outbox/`: a
/// router nested at `/outbox` does not answer that.
pub(super) fn home(base: &str) -> String {
    if base.is_empty() {
        "/".into()
    } else {
        base.to_owned()
    }
}

/// A whole page: the stylesheet, the title, the navigation, then `body`.
pub(super) fn page(base: &str, title: &str, body: &str) -> String {
    let home = escape(&home(base));
    let base = escape(base);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · outbox</title><link rel=\"stylesheet\" href=\"{base}/console.css\"></head>\
         <body><header><a class=\"brand\" href=\"{home}\">outbox</a>\
         <nav><a href=\"{home}\">At a glance</a><a href=\"{base}/deliveries\">Deliveries</a>\
         <a href=\"{base}/deliveries?state=dead\">Dead letters</a></nav></header>\
         <main><h1>{title}</h1>{body}</main></body></html>",
        title = escape(title),
    )
}

/// A hidden form field.
pub(super) fn hidden(name: &str, value: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
        escape(name),
        escape(value)
    )
}

/// A time as `2026-12-01 04:23:05 UTC`.
pub(super) fn time(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    let mut out = String::new();
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    );
    out
}

/// A time typed as `2026-12-01T04:23`, `2026-12-01 04:23:05` or `2026-12-01`, read as UTC.
pub(super) fn parse_time(text: &str) -> Option<SystemTime> {
    let text = text
        .trim()
        .trim_end_matches("UTC")
        .trim()
        .trim_end_matches('Z');
    let (date, clock) = match text.split_once(['T', ' ']) {
        Some((date, clock)) => (date, clock),
        None => (text, "00:00"),
    };
    let mut date = date.splitn(3, '-').map(str::parse::<i64>);
    let (y, m, d) = (date.next()?.ok()?, date.next()?.ok()?, date.next()?.ok()?);
    let mut clock = clock.splitn(3, ':').map(str::parse::<i64>);
    let (h, min) = (clock.next()?.ok()?, clock.next()?.ok()?);
    let s = clock.next().transpose().ok()?.unwrap_or(0);
    let valid = (1..=12).contains(&m) && (1..=31).contains(&d) && h < 24 && min < 60 && s < 61;
    let secs = days_from_civil(y, m, d) * 86_400 + h * 3600 + min * 60 + s;
    (valid && secs >= 0).then(|| UNIX_EPOCH + std::time::Duration::from_secs(secs as u64))
}

// Howard Hinnant's algorithms between a day count and the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Bytes as text for a page: UTF-8 as it is (lossily), pretty-printed when it is JSON.
pub(super) fn body_text(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(json) => serde_json::to_string_pretty(&json).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn times_read_back_as_they_are_written() {
        let t = UNIX_EPOCH + Duration::from_secs(1_764_563_000);
        assert_eq!(time(t), "2025-12-01 04:23:20 UTC");
        assert_eq!(parse_time(&time(t)), Some(t));
        assert_eq!(
            parse_time("2025-12-01T04:23"),
            Some(t - Duration::from_secs(20))
        );
        assert_eq!(
            parse_time("2024-02-29"),
            Some(UNIX_EPOCH + Duration::from_secs(1_709_164_800))
        );
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-01-01T25:00",
            "1969-12-31",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}

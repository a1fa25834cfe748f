//! Small charts drawn on the server as SVG: no script, no library, and readable as text (each
//! bar and point has a `<title>` a browser shows on hover).

use std::fmt::Write as _;

use super::html;
use crate::dispatch::Minute;

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 120.0;
/// Room on the left for the scale, and below for the time labels.
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 16.0;

fn frame(label: &str, top: &str, first: &str, last: &str, marks: &str) -> String {
    let plot = HEIGHT - BOTTOM;
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         role=\"img\" aria-label=\"{label}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <line x1=\"{LEFT}\" y1=\"{plot}\" x2=\"{WIDTH}\" y2=\"{plot}\" stroke=\"#c3cad3\"/>\
         <text x=\"{x}\" y=\"10\" font-size=\"10\" text-anchor=\"end\" fill=\"#5d6875\">{top}</text>\
         <text x=\"{x}\" y=\"{plot}\" font-size=\"10\" text-anchor=\"end\" fill=\"#5d6875\">0</text>\
         <text x=\"{LEFT}\" y=\"{HEIGHT}\" font-size=\"10\" fill=\"#5d6875\">{first}</text>\
         <text x=\"{WIDTH}\" y=\"{HEIGHT}\" font-size=\"10\" text-anchor=\"end\" fill=\"#5d6875\">{last}</text>\
         {marks}</svg>",
        x = LEFT - 4.0,
        label = html::escape(label),
    )
}

/// `HH:MM` of a minute.
fn clock(m: &Minute) -> String {
    html::time(m.start)[11..16].to_owned()
}

fn ends(minutes: &[Minute]) -> (String, String) {
    match (minutes.first(), minutes.last()) {
        (Some(a), Some(b)) => (clock(a), clock(b)),
        _ => (String::new(), String::new()),
    }
}

/// Deliveries recorded and delivered in each minute, as pairs of bars.
pub(super) fn per_minute(minutes: &[Minute]) -> String {
    let top = minutes
        .iter()
        .map(|m| m.recorded.max(m.succeeded))
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = (WIDTH - LEFT) / minutes.len().max(1) as f64;
    let bar = (slot / 2.0 - 0.5).max(0.5);
    let plot = HEIGHT - BOTTOM;
    let mut marks = String::new();
    for (i, m) in minutes.iter().enumerate() {
        let x = LEFT + i as f64 * slot;
        for (n, (value, colour, what)) in [
            (m.recorded, "#2457c5", "recorded"),
            (m.succeeded, "#1d7f4e", "delivered"),
        ]
        .into_iter()
        .enumerate()
        {
            if value == 0 {
                continue;
            }
            let h = value as f64 / top as f64 * (plot - 12.0);
            let _ = write!(
                marks,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{colour}\">\
                 <title>{} {value} {what}</title></rect>",
                x + n as f64 * bar,
                plot - h,
                clock(m),
            );
        }
    }
    let (first, last) = ends(minutes);
    frame(
        "Deliveries per minute",
        &top.to_string(),
        &first,
        &last,
        &marks,
    )
}

/// The attempts' mean and highest latency in each minute that had attempts, as two lines.
pub(super) fn latency(minutes: &[Minute]) -> String {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let top = minutes
        .iter()
        .map(|m| ms(m.latency_max))
        .fold(0.0, f64::max)
        .max(1.0);
    let slot = (WIDTH - LEFT) / minutes.len().max(1) as f64;
    let plot = HEIGHT - BOTTOM;
    let mut marks = String::new();
    for (series, colour) in [("highest", "#b3261e"), ("mean", "#2457c5")] {
        let mut points = Vec::new();
        for (i, m) in minutes.iter().enumerate().filter(|(_, m)| m.attempts > 0) {
            let value = match series {
                "highest" => ms(m.latency_max),
                _ => ms(m.latency_total) / m.attempts as f64,
            };
            let (x, y) = (
                LEFT + (i as f64 + 0.5) * slot,
                plot - value / top * (plot - 12.0),
            );
            points.push(format!("{x:.1},{y:.1}"));
            let _ = write!(
                marks,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2\" fill=\"{colour}\"><title>{} {series} {value:.1} ms \
                 over {} attempts</title></circle>",
                clock(m),
                m.attempts
            );
        }
        if points.len() > 1 {
            let _ = write!(
                marks,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\"/>",
                points.join(" ")
            );
        }
    }
    let (first, last) = ends(minutes);
    frame(
        "Attempt latency",
        &format!("{top:.0} ms"),
        &first,
        &last,
        &marks,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::Summary;
    use std::time::{Duration, SystemTime};

    #[test]
    fn bars_and_points_are_drawn_for_the_minutes_that_had_some() {
        let now = SystemTime::now();
        let mut s = Summary::new(Vec::new(), now - Duration::from_secs(3600), now);
        s.minutes[3].recorded = 7;
        s.minutes[3].succeeded = 5;
        s.minutes[3].attempts = 2;
        s.minutes[3].latency_total = Duration::from_millis(30);
        s.minutes[3].latency_max = Duration::from_millis(20);
        let bars = per_minute(&s.minutes);
        assert_eq!(bars.matches("<rect").count(), 2, "{bars}");
        assert!(bars.contains(" 7 recorded") && bars.contains(" 5 delivered"));
        let lines = latency(&s.minutes);
        assert!(lines.contains("mean 15.0 ms over 2 attempts"), "{lines}");
        assert!(lines.contains("highest 20.0 ms"));
    }
}

//! Small line charts written as SVG on the server (no JavaScript). Every chart is decorative
//! for screen readers beyond its label: the data table beside it carries the figures.

use std::fmt::Write;

/// One point: its label on the x axis (a date) and its value (`None`: not rated, left as a gap).
pub struct Point {
    pub label: String,
    pub value: Option<i32>,
}

/// Escapes text for SVG (XML) content and attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const WIDTH: i32 = 320;
const HEIGHT: i32 = 120;
const LEFT: i32 = 28;
const RIGHT: i32 = 12;
const TOP: i32 = 10;
const BOTTOM: i32 = 24;

/// A line chart of `points` on a scale from `low` to `high` (ticks at each whole step when the
/// range is small, else at the ends and middle), labelled `label` for assistive technology.
pub fn line_chart(label: &str, points: &[Point], low: i32, high: i32) -> String {
    let span = (high - low).max(1);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |i: usize| {
        if points.len() <= 1 {
            LEFT + plot_w / 2
        } else {
            LEFT + (plot_w * i as i32) / (points.len() as i32 - 1)
        }
    };
    let y = |v: i32| TOP + plot_h - (plot_h * (v - low)) / span;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{}">"#,
        escape(label)
    );
    let ticks: Vec<i32> = if span <= 10 {
        (low..=high).collect()
    } else {
        vec![low, (low + high) / 2, high]
    };
    for tick in ticks {
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y}" y2="{y}"/><text class="tick" x="{}" y="{}" text-anchor="end">{tick}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6,
            y(tick) + 4,
            y = y(tick),
        );
    }
    // Lines join consecutive rated points only; a gap stays a gap.
    let mut previous: Option<(i32, i32)> = None;
    for (i, point) in points.iter().enumerate() {
        match point.value {
            Some(v) => {
                let here = (x(i), y(v));
                if let Some((px, py)) = previous {
                    let _ = write!(
                        svg,
                        r#"<line class="series" x1="{px}" y1="{py}" x2="{}" y2="{}"/>"#,
                        here.0, here.1
                    );
                }
                let _ = write!(svg, r#"<circle class="point" cx="{}" cy="{}" r="4"/>"#, here.0, here.1);
                previous = Some(here);
            }
            None => previous = None,
        }
        let _ = write!(
            svg,
            r#"<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>"#,
            x(i),
            HEIGHT - 6,
            escape(&point.label)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_draws_rated_points_and_leaves_gaps() {
        let points = vec![
            Point {
                label: "01-2026".into(),
                value: Some(3),
            },
            Point {
                label: "03-2026".into(),
                value: None,
            },
            Point {
                label: "06-2026".into(),
                value: Some(1),
            },
            Point {
                label: "09-2026".into(),
                value: Some(0),
            },
        ];
        let svg = line_chart("b130 <energy> & drive", &points, 0, 4);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert_eq!(svg.matches(r#"class="series""#).count(), 1, "no line across the gap");
        assert!(svg.contains(r#"aria-label="b130 &lt;energy&gt; &amp; drive""#));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}

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

/// Where the `i`th of `count` points stands across a plot `plot_w` wide (one alone in the middle).
fn spread(i: usize, count: usize, plot_w: i32) -> i32 {
    if count <= 1 {
        LEFT + plot_w / 2
    } else {
        LEFT + (plot_w * i as i32) / (count as i32 - 1)
    }
}

/// Writes a horizontal grid line with its value at each of `ticks` (`y`: where a value stands).
fn grid(svg: &mut String, ticks: &[i32], y: impl Fn(i32) -> i32) {
    for &tick in ticks {
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y}" y2="{y}"/><text class="tick" x="{}" y="{}" text-anchor="end">{tick}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6,
            y(tick) + 4,
            y = y(tick),
        );
    }
}

/// A line chart of `points` on a scale from `low` to `high` (ticks at each whole step when the
/// range is small, else at the ends and middle), labelled `label` for assistive technology.
pub fn line_chart(label: &str, points: &[Point], low: i32, high: i32) -> String {
    let span = (high - low).max(1);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |i: usize| spread(i, points.len(), plot_w);
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
    grid(&mut svg, &ticks, y);
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

/// A bar chart of counts (`None`: hidden as a small cell, drawn as no bar), labelled for
/// assistive technology; the data table beside it carries the figures.
pub fn bar_chart(label: &str, bars: &[(String, Option<i64>)]) -> String {
    let high = bars.iter().filter_map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = plot_w / (bars.len().max(1) as i32);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{}">"#,
        escape(label)
    );
    for tick in [0, high] {
        let y = TOP + plot_h - (plot_h as i64 * tick / high) as i32;
        let _ = write!(
            svg,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y}" y2="{y}"/><text class="tick" x="{}" y="{}" text-anchor="end">{tick}</text>"#,
            WIDTH - RIGHT,
            LEFT - 6,
            y + 4
        );
    }
    for (i, (name, value)) in bars.iter().enumerate() {
        let x = LEFT + slot * i as i32;
        if let Some(v) = value {
            let h = (plot_h as i64 * v / high) as i32;
            let _ = write!(
                svg,
                r#"<rect class="bar" x="{}" y="{}" width="{}" height="{h}"/>"#,
                x + slot / 6,
                TOP + plot_h - h,
                (slot * 2 / 3).max(1)
            );
        }
        let _ = write!(
            svg,
            r#"<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>"#,
            x + slot / 2,
            HEIGHT - 6,
            escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Means with their confidence intervals, one row each (a forest plot), on a shared scale with a
/// line at zero; labelled for assistive technology.
pub fn interval_chart(label: &str, rows: &[(String, f64, f64, f64)]) -> String {
    let row_h = 22;
    let height = TOP + BOTTOM + row_h * rows.len().max(1) as i32;
    // Room for the longest name on the axis (about 6 px a character at the ticks' size).
    let longest = rows.iter().map(|(name, ..)| name.chars().count()).max().unwrap_or(0) as i32;
    let left = (12 + 6 * longest).clamp(90, 240);
    let width = left + 330;
    let extent = rows
        .iter()
        .flat_map(|(_, m, l, h)| [m.abs(), l.abs(), h.abs()])
        .fold(1.0_f64, f64::max)
        .ceil();
    let plot_w = width - left - RIGHT;
    let x = |v: f64| left + ((v + extent) / (2.0 * extent) * plot_w as f64).round() as i32;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{}">"#,
        escape(label)
    );
    let bottom = height - BOTTOM;
    let _ = write!(
        svg,
        r#"<line class="grid" x1="{z}" x2="{z}" y1="{TOP}" y2="{bottom}"/><text class="tick" x="{}" y="{}" text-anchor="middle">-{extent}</text><text class="tick" x="{z}" y="{}" text-anchor="middle">0</text><text class="tick" x="{}" y="{}" text-anchor="middle">+{extent}</text>"#,
        x(-extent),
        height - 6,
        height - 6,
        x(extent),
        height - 6,
        z = x(0.0),
    );
    for (i, (name, mean, low, high)) in rows.iter().enumerate() {
        let y = TOP + row_h * i as i32 + row_h / 2;
        let _ = write!(
            svg,
            r#"<text class="tick" x="{}" y="{}" text-anchor="end">{}</text><line class="series" x1="{}" x2="{}" y1="{y}" y2="{y}"/><circle class="point" cx="{}" cy="{y}" r="4"/>"#,
            left - 6,
            y + 4,
            escape(name),
            x(*low),
            x(*high),
            x(*mean)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One line of a chart with several: its name (in the legend) and a value per label.
pub struct Series {
    pub name: String,
    pub values: Vec<Option<i32>>,
}

/// How many lines look different (dashes and marker shape, never colour alone) before the looks
/// repeat.
const LOOKS: usize = 4;

/// A marker of look `look` at (x, y).
fn marker(look: usize, x: i32, y: i32) -> String {
    match look % LOOKS {
        0 => format!(r#"<circle cx="{x}" cy="{y}" r="4"/>"#),
        1 => format!(r#"<rect x="{}" y="{}" width="8" height="8"/>"#, x - 4, y - 4),
        2 => format!(
            r#"<polygon points="{x},{} {},{} {},{}"/>"#,
            y - 5,
            x + 5,
            y + 4,
            x - 5,
            y + 4
        ),
        _ => format!(
            r#"<polygon points="{x},{} {},{y} {x},{} {},{y}"/>"#,
            y - 5,
            x + 5,
            y + 5,
            x - 5
        ),
    }
}

/// A chart of several lines over the same labels (dates) on a scale from `low` to `high`, with a
/// legend under it. Its `<title>` and `<desc>` (ids starting with `id`) name it for assistive
/// technology; the data table beside it carries the figures.
pub fn lines_chart(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    series: &[Series],
    low: i32,
    high: i32,
) -> String {
    let span = (high - low).max(1);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let legend_row = 20;
    let height = HEIGHT + legend_row * series.len() as i32;
    let x = |i: usize| spread(i, labels.len(), plot_w);
    let y = |v: i32| TOP + plot_h - (plot_h * (v - low)) / span;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart lines" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape(title),
        escape(desc)
    );
    let ticks: Vec<i32> = if span <= 10 {
        (low..=high).step_by(if span > 5 { 2 } else { 1 }).collect()
    } else {
        vec![low, (low + high) / 2, high]
    };
    grid(&mut svg, &ticks, y);
    for (i, label) in labels.iter().enumerate() {
        // The first and last labels stand inside the edges, so that none is cut off.
        let anchor = match i {
            _ if labels.len() == 1 => "middle",
            0 => "start",
            _ if i == labels.len() - 1 => "end",
            _ => "middle",
        };
        let _ = write!(
            svg,
            r#"<text class="tick" x="{}" y="{}" text-anchor="{anchor}">{}</text>"#,
            x(i),
            HEIGHT - 6,
            escape(label)
        );
    }
    for (n, line) in series.iter().enumerate() {
        let look = n % LOOKS;
        let _ = write!(svg, r#"<g class="series-{look}">"#);
        // Lines join consecutive scored points only; a gap stays a gap.
        let mut previous: Option<(i32, i32)> = None;
        for (i, value) in line.values.iter().enumerate() {
            let Some(v) = value else {
                previous = None;
                continue;
            };
            let here = (x(i), y(*v));
            if let Some((px, py)) = previous {
                let _ = write!(
                    svg,
                    r#"<line class="series" x1="{px}" y1="{py}" x2="{}" y2="{}"/>"#,
                    here.0, here.1
                );
            }
            svg.push_str(&marker(look, here.0, here.1));
            previous = Some(here);
        }
        let row = HEIGHT + legend_row * n as i32 + legend_row / 2;
        let _ = write!(
            svg,
            r#"<line class="series" x1="{LEFT}" y1="{row}" x2="{}" y2="{row}"/>{}<text class="legend" x="{}" y="{}">{}</text></g>"#,
            LEFT + 24,
            marker(look, LEFT + 12, row),
            LEFT + 32,
            row + 4,
            escape(&line.name)
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

    #[test]
    fn bars_leave_hidden_cells_out_and_intervals_span_their_bounds() {
        let svg = bar_chart(
            "a & b",
            &[("Q1".into(), Some(4)), ("Q2".into(), None), ("Q3".into(), Some(0))],
        );
        assert_eq!(svg.matches("<rect").count(), 2, "a hidden cell draws no bar");
        assert!(svg.contains(r#"aria-label="a &amp; b""#));
        let svg = interval_chart("icf", &[("d240".into(), -1.0, -2.3, 0.3)]);
        assert_eq!(svg.matches("<circle").count(), 1);
        assert!(
            svg.contains("-3") && svg.contains("+3"),
            "the scale covers the interval: {svg}"
        );
    }

    #[test]
    fn several_lines_each_look_their_own_and_name_themselves() {
        let labels = vec!["01-12".to_owned(), "07-12".to_owned(), "14-12".to_owned()];
        let series = vec![
            Series {
                name: "Motivation".into(),
                values: vec![Some(4), Some(6), Some(7)],
            },
            Series {
                name: "Stress & rest".into(),
                values: vec![Some(3), None, Some(5)],
            },
        ];
        let svg = lines_chart("progress", "My progress", "Scores 0 to 10", &labels, &series, 0, 10);
        assert!(svg.contains(r#"aria-labelledby="progress-title progress-desc""#));
        assert!(svg.contains("<title id=\"progress-title\">My progress</title>"));
        assert!(svg.contains("Stress &amp; rest"), "the legend names each line");
        assert_eq!(
            svg.matches("<circle").count(),
            3 + 1,
            "the first line's points and its legend"
        );
        assert_eq!(svg.matches("<rect").count(), 2 + 1, "the second's, in another shape");
        // Two joins on the first line, none across the second's gap, one sample each in the legend.
        assert_eq!(svg.matches(r#"class="series""#).count(), 2 + 2);
    }
}

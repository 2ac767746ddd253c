//! Hand-written SVG charts: a frame with linear or logarithmic axes, round ticks, series of
//! lines, dots and intervals, reference lines and a legend. Enough for the simulator's plots
//! without a plotting dependency; every coordinate written is finite and every text escaped.

use std::fmt::Write;

/// The document's size, px.
const WIDTH: f64 = 780.0;
const HEIGHT: f64 = 460.0;
/// The plot area's margins, px: room for tick labels, axis labels, the title and the legend.
const LEFT: f64 = 72.0;
const RIGHT: f64 = 200.0;
const TOP: f64 = 64.0;
const BOTTOM: f64 = 58.0;

/// Tableau's ten colours: distinct, and readable on white.
const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// How an axis maps values and writes its ticks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scale {
    /// Equal steps for equal differences.
    Linear,
    /// Equal steps for equal ratios (values must be positive).
    Log,
    /// Linear, shares written as percentages.
    Percent,
}

/// One axis: its label, the range shown and its scale.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    label: String,
    low: f64,
    high: f64,
    scale: Scale,
}

impl Axis {
    /// An axis from `low` to `high`; a range that cannot be drawn (not finite, empty, or not
    /// positive on a log scale) becomes a default one.
    pub(crate) fn new(label: &str, low: f64, high: f64, scale: Scale) -> Axis {
        let usable =
            low.is_finite() && high.is_finite() && low < high && (scale != Scale::Log || low > 0.0);
        let (low, high) = match (usable, scale) {
            (true, _) => (low, high),
            (false, Scale::Log) => (1.0, 10.0),
            (false, _) => (0.0, 1.0),
        };
        Axis {
            label: label.to_string(),
            low,
            high,
            scale,
        }
    }

    /// Where `value` falls, from 0 (low end) to 1 (high end); NaN if it cannot be placed.
    fn fraction(&self, value: f64) -> f64 {
        match self.scale {
            Scale::Log if value > 0.0 => (value / self.low).ln() / (self.high / self.low).ln(),
            Scale::Log => f64::NAN,
            Scale::Linear | Scale::Percent => (value - self.low) / (self.high - self.low),
        }
    }

    /// Round values inside the range: 1, 2 or 5 times a power of ten apart (or such
    /// multiples of powers of ten on a log axis that spans enough of them).
    fn ticks(&self) -> Vec<f64> {
        if self.scale == Scale::Log {
            let decades = self.low.log10().floor() as i32..=self.high.log10().ceil() as i32;
            let ticks: Vec<f64> = decades
                .flat_map(|d| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(d)))
                .filter(|t| *t >= self.low * (1.0 - 1e-9) && *t <= self.high * (1.0 + 1e-9))
                .collect();
            if ticks.len() >= 3 {
                return ticks;
            }
        }
        let rough = (self.high - self.low) / 5.0;
        let power = 10f64.powf(rough.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * power)
            .find(|s| *s >= rough)
            .unwrap_or(10.0 * power);
        let first = (self.low / step).ceil() as i64;
        let last = (self.high / step + 1e-9).floor() as i64;
        (first..=last).map(|i| i as f64 * step).collect()
    }

    fn tick_label(&self, value: f64) -> String {
        let round = |v: f64| (v * 1e6).round() / 1e6;
        match self.scale {
            Scale::Percent => format!("{}%", round(value * 100.0)),
            Scale::Linear | Scale::Log => round(value).to_string(),
        }
    }
}

/// Something drawn in a series' colour, in data coordinates.
#[derive(Debug, Clone)]
pub(crate) enum Mark {
    /// A line through points; a point that cannot be placed breaks it.
    Line(Vec<(f64, f64)>),
    /// A dot.
    Dot(f64, f64),
    /// A vertical interval at `x`, from `low` to `high`.
    Vertical { x: f64, low: f64, high: f64 },
    /// A horizontal interval at `y`, from `low` to `high`.
    Horizontal { y: f64, low: f64, high: f64 },
    /// A text beside a point.
    Label { x: f64, y: f64, text: String },
}

/// A chart being drawn.
#[derive(Debug, Clone)]
pub(crate) struct Chart {
    title: String,
    note: String,
    x: Axis,
    y: Axis,
    body: String,
    /// Reference lines and their labels, drawn over the series and unclipped.
    references: String,
    legend: Vec<String>,
}

impl Chart {
    /// An empty chart with a title, a note under it, and its axes.
    pub(crate) fn new(title: &str, note: &str, x: Axis, y: Axis) -> Chart {
        Chart {
            title: title.to_string(),
            note: note.to_string(),
            x,
            y,
            body: String::new(),
            references: String::new(),
            legend: Vec::new(),
        }
    }

    fn px(&self, x: f64) -> f64 {
        LEFT + self.x.fraction(x) * (WIDTH - LEFT - RIGHT)
    }

    fn py(&self, y: f64) -> f64 {
        HEIGHT - BOTTOM - self.y.fraction(y) * (HEIGHT - TOP - BOTTOM)
    }

    /// Adds a series, the `index`th of the chart's legend: its marks in the index's colour
    /// (dashed lines after the palette's ten colours), shifted `shift` px to the right so
    /// that intervals of several series at one x stay apart.
    pub(crate) fn series(&mut self, name: &str, marks: &[Mark], shift: f64) {
        let index = self.legend.len();
        let colour = PALETTE[index % PALETTE.len()];
        let dash = if index >= PALETTE.len() {
            " stroke-dasharray=\"6 3\""
        } else {
            ""
        };
        let _ = writeln!(
            self.body,
            "<g class=\"series\" data-series=\"{}\" stroke=\"{colour}\" fill=\"{colour}\" \
             transform=\"translate({},0)\">",
            escape(name),
            number(shift)
        );
        for mark in marks {
            self.mark(mark, dash);
        }
        self.body.push_str("</g>\n");
        self.legend.push(name.to_string());
    }

    fn mark(&mut self, mark: &Mark, dash: &str) {
        let at = |x: f64, y: f64| {
            let (x, y) = (self.px(x), self.py(y));
            (x.is_finite() && y.is_finite()).then_some((x, y))
        };
        let mut out = String::new();
        match mark {
            Mark::Line(points) => {
                for run in points.split(|&(x, y)| at(x, y).is_none()) {
                    let points: Vec<String> = run
                        .iter()
                        .filter_map(|&(x, y)| at(x, y))
                        .map(|(x, y)| format!("{},{}", number(x), number(y)))
                        .collect();
                    if points.len() > 1 {
                        let _ = writeln!(
                            out,
                            "<polyline points=\"{}\" fill=\"none\" stroke-width=\"2\"{dash}/>",
                            points.join(" ")
                        );
                    }
                }
            }
            Mark::Dot(x, y) => {
                if let Some((x, y)) = at(*x, *y) {
                    let _ = writeln!(
                        out,
                        "<circle cx=\"{}\" cy=\"{}\" r=\"4\"/>",
                        number(x),
                        number(y)
                    );
                }
            }
            Mark::Vertical { x, low, high } => {
                if let (Some(a), Some(b)) = (at(*x, *low), at(*x, *high)) {
                    out.push_str(&interval(a, b, (5.0, 0.0)));
                }
            }
            Mark::Horizontal { y, low, high } => {
                if let (Some(a), Some(b)) = (at(*low, *y), at(*high, *y)) {
                    out.push_str(&interval(a, b, (0.0, 5.0)));
                }
            }
            Mark::Label { x, y, text } => {
                if let Some((x, y)) = at(*x, *y) {
                    let _ = writeln!(
                        out,
                        "<text x=\"{}\" y=\"{}\" stroke=\"none\" font-size=\"11\">{}</text>",
                        number(x + 7.0),
                        number(y - 7.0),
                        escape(text)
                    );
                }
            }
        }
        self.body.push_str(&out);
    }

    /// A dashed grey line across the plot at `x` (vertical), labelled above the plot.
    pub(crate) fn vertical_reference(&mut self, x: f64, label: &str) {
        let px = self.px(x);
        if !px.is_finite() {
            return;
        }
        let _ = writeln!(
            self.references,
            "<g class=\"reference\"><line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{bottom}\" \
             stroke=\"#555\" stroke-dasharray=\"4 4\"/><text x=\"{tx}\" y=\"{ty}\" \
             font-size=\"11\" fill=\"#555\">{label}</text></g>",
            x = number(px),
            top = number(TOP),
            bottom = number(HEIGHT - BOTTOM),
            tx = number(px + 4.0),
            ty = number(TOP - 5.0),
            label = escape(label)
        );
    }

    /// The SVG document.
    pub(crate) fn finish(&self) -> String {
        let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" font-family=\"Helvetica, Arial, sans-serif\">",
            w = number(WIDTH),
            h = number(HEIGHT)
        );
        let _ = writeln!(
            out,
            "<title>{}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
             <text x=\"{}\" y=\"26\" font-size=\"17\" font-weight=\"bold\">{}</text>\n\
             <text x=\"{}\" y=\"45\" font-size=\"12\" fill=\"#555\">{}</text>",
            escape(&self.title),
            number(LEFT),
            escape(&self.title),
            number(LEFT),
            escape(&self.note)
        );
        let _ = writeln!(
            out,
            "<defs><clipPath id=\"plot\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\
             </clipPath></defs>",
            number(LEFT - 6.0),
            number(TOP - 6.0),
            number(plot_w + 12.0),
            number(plot_h + 12.0)
        );
        out.push_str(&self.axes());
        let _ = write!(out, "<g clip-path=\"url(#plot)\">\n{}</g>\n", self.body);
        out.push_str(&self.references);
        out.push_str(&self.legend());
        out.push_str("</svg>\n");
        out
    }

    fn axes(&self) -> String {
        let (left, right, top, bottom) = (LEFT, WIDTH - RIGHT, TOP, HEIGHT - BOTTOM);
        let mut out = String::from("<g class=\"axes\" font-size=\"11\" fill=\"#333\">\n");
        for tick in self.x.ticks() {
            let x = number(self.px(tick));
            let _ = writeln!(
                out,
                "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#e5e5e5\"/>\
                 <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                number(top),
                number(bottom),
                number(bottom + 16.0),
                escape(&self.x.tick_label(tick))
            );
        }
        for tick in self.y.ticks() {
            let y = number(self.py(tick));
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#e5e5e5\"/>\
                 <text x=\"{}\" y=\"{y}\" dy=\"4\" text-anchor=\"end\">{}</text>",
                number(left),
                number(right),
                number(left - 6.0),
                escape(&self.y.tick_label(tick))
            );
        }
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>",
            number(left),
            number(top),
            number(right - left),
            number(bottom - top)
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"13\">{}</text>",
            number((left + right) / 2.0),
            number(HEIGHT - 14.0),
            escape(&self.x.label)
        );
        let (cx, cy) = (number(18.0), number((top + bottom) / 2.0));
        let _ = writeln!(
            out,
            "<text x=\"{cx}\" y=\"{cy}\" text-anchor=\"middle\" font-size=\"13\" \
             transform=\"rotate(-90 {cx} {cy})\">{}</text>",
            escape(&self.y.label)
        );
        out.push_str("</g>\n");
        out
    }

    fn legend(&self) -> String {
        let x = WIDTH - RIGHT + 16.0;
        let mut out = String::from("<g class=\"legend\" font-size=\"12\">\n");
        for (index, name) in self.legend.iter().enumerate() {
            let y = TOP + 8.0 + 20.0 * index as f64;
            let colour = PALETTE[index % PALETTE.len()];
            let dash = if index >= PALETTE.len() {
                " stroke-dasharray=\"6 3\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{colour}\" \
                 stroke-width=\"3\"{dash}/><text x=\"{}\" y=\"{y}\" dy=\"4\">{}</text>",
                number(x),
                number(x + 22.0),
                number(x + 28.0),
                escape(name),
                y = number(y)
            );
        }
        out.push_str("</g>\n");
        out
    }
}

/// An interval from `a` to `b` (px) with caps `cap` px long across it.
fn interval(a: (f64, f64), b: (f64, f64), cap: (f64, f64)) -> String {
    let line = |(x1, y1): (f64, f64), (x2, y2): (f64, f64)| {
        format!(
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke-width=\"1.5\"/>",
            number(x1),
            number(y1),
            number(x2),
            number(y2)
        )
    };
    let capped = |(x, y): (f64, f64)| line((x - cap.0, y - cap.1), (x + cap.0, y + cap.1));
    format!("{}{}{}\n", line(a, b), capped(a), capped(b))
}

/// A coordinate as SVG writes it: one decimal; never NaN or infinite.
fn number(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.1}")
    } else {
        "0".into()
    }
}

/// `text` with XML's special characters escaped, for element text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn ticks_are_round_and_inside() {
        let axis = Axis::new("x", 0.0, 0.37, Scale::Percent);
        assert_eq!(axis.ticks(), vec![0.0, 0.1, 0.2, 0.30000000000000004]);
        assert_eq!(axis.tick_label(0.30000000000000004), "30%");
        let log = Axis::new("size", 1.3, 11.5, Scale::Log);
        assert_eq!(log.ticks(), vec![2.0, 5.0, 10.0]);
    }

    #[test]
    fn unusable_ranges_and_points_draw_nothing_undefined() {
        let mut chart = Chart::new(
            "t",
            "n",
            Axis::new("x", f64::NAN, f64::NAN, Scale::Linear),
            Axis::new("y", 0.0, 0.0, Scale::Log),
        );
        chart.series(
            "s",
            &[
                Mark::Line(vec![(0.0, 1.0), (f64::NAN, 2.0), (0.5, 3.0), (1.0, -1.0)]),
                Mark::Dot(f64::NAN, 1.0),
                Mark::Vertical {
                    x: 0.5,
                    low: f64::NAN,
                    high: 2.0,
                },
            ],
            0.0,
        );
        let svg = chart.finish();
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(!svg.contains("<polyline") && !svg.contains("<circle"));
    }
}

//! Small SVG charts drawn on the server, as strings (no JavaScript, no external library).
//!
//! Every chart is accessible (`role="img"`, a `<title>` and a `<desc>` named by
//! `aria-labelledby`), scales with its `viewBox` (CSS class `chart` gives it the container's
//! width, down to 360 px phones), uses presentation attributes and CSS classes only (the
//! Content-Security-Policy forbids `style=` attributes), and escapes every text. The same
//! numbers are always shown in a table next to the chart.

use std::fmt::Write;

use crate::i18n::Lang;

/// One bar: its label, value and the text shown for the value (already formatted).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub value_text: String,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: f64, value_text: impl Into<String>) -> Bar {
        Bar {
            label: label.into(),
            value,
            value_text: value_text.into(),
        }
    }

    /// A count, formatted for `lang`.
    pub fn count(lang: Lang, label: impl Into<String>, n: u32) -> Bar {
        Bar::new(label, f64::from(n), lang.int(i64::from(n)))
    }
}

/// Escapes text for SVG/HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

pub use crate::view::format::number;

/// Cuts a label to `max` characters, with an ellipsis.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A usable value: finite and not negative.
fn clean(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 { v } else { 0.0 }
}

/// `x` with at most one decimal, for coordinates.
fn c(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn open_svg(out: &mut String, id: &str, width: f64, height: f64, title: &str, desc: &str) {
    let id = escape(id);
    let _ = write!(
        out,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" preserveAspectRatio=\"xMinYMin meet\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        c(width),
        c(height),
        escape(title),
        escape(desc)
    );
}

/// Width of the drawing (viewBox units); the chart scales to its container.
const WIDTH: f64 = 360.0;

/// A horizontal bar chart: one row per bar, label on the left, value at the end of the bar.
/// `id` must be unique on the page (it names the title and description). With no bars, a
/// chart with only the title, description and `empty_text`.
pub fn hbar_chart(id: &str, title: &str, desc: &str, bars: &[Bar], empty_text: &str) -> String {
    const ROW: f64 = 26.0;
    const BAR: f64 = 18.0;
    const LABEL_W: f64 = 120.0;
    const VALUE_W: f64 = 44.0;
    const PAD: f64 = 4.0;
    let height = if bars.is_empty() {
        ROW + 2.0 * PAD
    } else {
        bars.len() as f64 * ROW + 2.0 * PAD
    };
    let mut out = String::new();
    open_svg(&mut out, id, WIDTH, height, title, desc);
    if bars.is_empty() {
        let _ = write!(
            out,
            "<text class=\"chart-empty\" x=\"{}\" y=\"{}\">{}</text></svg>",
            c(PAD),
            c(PAD + ROW * 0.65),
            escape(empty_text)
        );
        return out;
    }
    let max = bars.iter().map(|b| clean(b.value)).fold(0.0, f64::max);
    let span = WIDTH - LABEL_W - VALUE_W - 2.0 * PAD;
    // The axis line.
    let _ = write!(
        out,
        "<line class=\"chart-axis\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"currentColor\"/>",
        c(PAD),
        c(height - PAD),
        x = c(LABEL_W)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = PAD + i as f64 * ROW;
        let w = if max > 0.0 {
            clean(b.value) / max * span
        } else {
            0.0
        };
        let label = escape(&clip(&b.label, 18));
        let _ = write!(
            out,
            "<g class=\"chart-row\"><text class=\"chart-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>\
             <rect class=\"chart-bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#0b4f71\"/>\
             <text class=\"chart-value\" x=\"{}\" y=\"{}\">{}</text></g>",
            c(LABEL_W - 6.0),
            c(y + BAR * 0.75 + 1.0),
            c(LABEL_W),
            c(y + (ROW - BAR) / 2.0),
            c(w),
            c(BAR),
            c(LABEL_W + w + 4.0),
            c(y + BAR * 0.75 + 1.0),
            escape(&b.value_text)
        );
    }
    out.push_str("</svg>");
    out
}

/// A vertical bar chart (for a trend over years): one column per bar, the label under it,
/// the value above it, and a baseline. With no bars, only the title and `empty_text`.
pub fn vbar_chart(id: &str, title: &str, desc: &str, bars: &[Bar], empty_text: &str) -> String {
    const HEIGHT: f64 = 200.0;
    const TOP: f64 = 22.0;
    const BOTTOM: f64 = 26.0;
    const PAD: f64 = 8.0;
    let mut out = String::new();
    if bars.is_empty() {
        open_svg(&mut out, id, WIDTH, 40.0, title, desc);
        let _ = write!(
            out,
            "<text class=\"chart-empty\" x=\"{}\" y=\"24\">{}</text></svg>",
            c(PAD),
            escape(empty_text)
        );
        return out;
    }
    open_svg(&mut out, id, WIDTH, HEIGHT, title, desc);
    let max = bars.iter().map(|b| clean(b.value)).fold(0.0, f64::max);
    let plot_h = HEIGHT - TOP - BOTTOM;
    let base = HEIGHT - BOTTOM;
    let slot = (WIDTH - 2.0 * PAD) / bars.len() as f64;
    let bar_w = (slot * 0.6).min(60.0);
    let _ = write!(
        out,
        "<line class=\"chart-axis\" x1=\"{}\" y1=\"{b}\" x2=\"{}\" y2=\"{b}\" stroke=\"currentColor\"/>",
        c(PAD),
        c(WIDTH - PAD),
        b = c(base)
    );
    let label_max = ((slot / 7.0) as usize).max(3);
    for (i, b) in bars.iter().enumerate() {
        let cx = PAD + slot * (i as f64 + 0.5);
        let h = if max > 0.0 {
            clean(b.value) / max * plot_h
        } else {
            0.0
        };
        let _ = write!(
            out,
            "<g class=\"chart-col\"><rect class=\"chart-bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#0b4f71\"/>\
             <text class=\"chart-value\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
             <text class=\"chart-label\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            c(cx - bar_w / 2.0),
            c(base - h),
            c(bar_w),
            c(h),
            c(base - h - 5.0),
            escape(&b.value_text),
            c(base + 17.0),
            escape(&clip(&b.label, label_max)),
            x = c(cx)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn well_formed(svg: &str) {
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.ends_with("</svg>"), "{svg}");
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("viewBox=\"0 0 360 "));
        assert!(!svg.contains("style="), "no inline style: {svg}");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        assert_eq!(svg.matches("<title").count(), 1);
        assert_eq!(svg.matches("<desc").count(), 1);
        // Every opened element is closed (crude but enough for our flat output).
        assert_eq!(svg.matches("<g ").count(), svg.matches("</g>").count());
        assert_eq!(
            svg.matches("<text ").count(),
            svg.matches("</text>").count()
        );
    }

    #[test]
    fn text_is_escaped() {
        let bars = [Bar::new("<b>&\"x'", 3.0, "3 <script>")];
        for svg in [
            hbar_chart("a\"b", "T <1>", "D & d", &bars, "-"),
            vbar_chart("a\"b", "T <1>", "D & d", &bars, "-"),
        ] {
            well_formed(&svg);
            assert!(!svg.contains("<b>"), "{svg}");
            assert!(!svg.contains("<script>"), "{svg}");
            assert!(svg.contains("&lt;b&gt;&amp;&quot;x&#39;"), "{svg}");
            assert!(svg.contains("<title id=\"a&quot;b-title\">T &lt;1&gt;</title>"));
            assert!(svg.contains("<desc id=\"a&quot;b-desc\">D &amp; d</desc>"));
            assert!(svg.contains("3 &lt;script&gt;"));
        }
    }

    fn widths(svg: &str) -> Vec<f64> {
        svg.split("<rect ")
            .skip(1)
            .map(|r| {
                let key = if svg.contains("chart-col") {
                    "height=\""
                } else {
                    "width=\""
                };
                let s = &r[r.find(key).unwrap() + key.len()..];
                s[..s.find('"').unwrap()].parse::<f64>().unwrap()
            })
            .collect()
    }

    #[test]
    fn bars_scale_to_the_largest_and_zero_is_drawn_as_nothing() {
        let bars = [
            Bar::new("19", 10.0, "10"),
            Bar::new("15–18", 5.0, "5"),
            Bar::new("0–4", 0.0, "0"),
            Bar::new("bad", f64::NAN, "?"),
            Bar::new("neg", -3.0, "-3"),
        ];
        let h = hbar_chart("h", "t", "d", &bars, "-");
        well_formed(&h);
        let w = widths(&h);
        assert_eq!(w.len(), 5);
        assert!(w[0] > 0.0 && (w[1] - w[0] / 2.0).abs() < 0.2, "{w:?}");
        assert_eq!(&w[2..], &[0.0, 0.0, 0.0]);
        assert!(w[0] <= 360.0 - 120.0);
        let v = vbar_chart("v", "t", "d", &bars, "-");
        well_formed(&v);
        let hs = widths(&v);
        assert!((hs[1] - hs[0] / 2.0).abs() < 0.2, "{hs:?}");
        assert_eq!(&hs[2..], &[0.0, 0.0, 0.0]);
    }

    #[test]
    fn all_zero_one_value_and_empty() {
        let zeros = [Bar::new("a", 0.0, "0"), Bar::new("b", 0.0, "0")];
        let h = hbar_chart("z", "t", "d", &zeros, "-");
        well_formed(&h);
        assert_eq!(widths(&h), vec![0.0, 0.0]);
        let v = vbar_chart("z", "t", "d", &zeros, "-");
        well_formed(&v);
        assert_eq!(widths(&v), vec![0.0, 0.0]);

        let one = [Bar::new("2023", 85.0, "85")];
        let h = hbar_chart("o", "t", "d", &one, "-");
        well_formed(&h);
        assert_eq!(widths(&h), vec![360.0 - 120.0 - 44.0 - 8.0]);
        let v = vbar_chart("o", "t", "d", &one, "-");
        well_formed(&v);
        assert_eq!(widths(&v), vec![200.0 - 22.0 - 26.0]);

        for svg in [
            hbar_chart("e", "t", "d", &[], "Chưa có số liệu"),
            vbar_chart("e", "t", "d", &[], "Chưa có số liệu"),
        ] {
            well_formed(&svg);
            assert!(!svg.contains("<rect"));
            assert!(svg.contains("Chưa có số liệu"));
        }
    }

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(number(Lang::Vi, 14.33, 1), "14,3");
        assert_eq!(number(Lang::En, 14.33, 1), "14.3");
        assert_eq!(number(Lang::Vi, 1234.5, 1), "1.234,5");
        assert_eq!(number(Lang::En, 1234.5, 1), "1,234.5");
        assert_eq!(number(Lang::Vi, f64::NAN, 1), "0,0");
        assert_eq!(Bar::count(Lang::Vi, "x", 1234).value_text, "1.234");
        assert_eq!(clip("Huyện Càng Long rất dài", 10), "Huyện Càn…");
    }
}

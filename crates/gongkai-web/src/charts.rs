//! Server-rendered inline SVG charts (no script, no external assets): pure
//! functions from numbers to markup. Every chart is `role="img"` with a
//! `<title>` and `<desc>` referenced by `aria-labelledby`, each bar carries
//! its own `<title>` with the full label and value, and all text is escaped.
//! Pages put a data table next to each chart for readers who cannot see it.
//! A chart whose every value is zero (or that has no bars) is an empty-state
//! paragraph instead.

use std::fmt::Write;

/// One bar: its label and value (negative values are drawn as zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: i64,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: i64) -> Bar {
        Bar {
            label: label.into(),
            value,
        }
    }
}

/// The colours of the series (dark enough for white-background contrast).
pub const SERIES_COLOURS: [&str; 6] = [
    "#1f5fa8", "#c0392b", "#2e7d32", "#8e44ad", "#b9770e", "#546e7a",
];

/// Longest label drawn in full; longer ones are cut with "…" (the full
/// label stays in the bar's `<title>`).
pub const MAX_LABEL_CHARS: usize = 12;

const WIDTH: i64 = 640;
const LABEL_WIDTH: i64 = 200;
const BAR_AREA: i64 = 360;
const ROW_HEIGHT: i64 = 26;
const BAR_HEIGHT: i64 = 18;

/// `&`, `<`, `>`, `"` and `'` escaped for text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The label as drawn: at most [`MAX_LABEL_CHARS`] characters.
pub fn short_label(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
        s.push('…');
        s
    }
}

/// The length of a bar of `value` when `max` fills `area` (integer, rounded
/// down; a positive value is at least 1 unit long so that it shows).
pub fn scaled(value: i64, max: i64, area: i64) -> i64 {
    if value <= 0 || max <= 0 {
        return 0;
    }
    let len = i128::from(value.min(max)) * i128::from(area) / i128::from(max);
    (len as i64).max(1)
}

/// The `n` largest bars (ties by label), the rest summed into one bar named
/// `others` with how many it holds — e.g. "其他（3个机关）".
pub fn top_n(mut bars: Vec<Bar>, n: usize, others: &str) -> Vec<Bar> {
    bars.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
    if bars.len() <= n {
        return bars;
    }
    let rest = bars.split_off(n);
    let total = rest
        .iter()
        .fold(0i64, |a, b| a.saturating_add(b.value.max(0)));
    bars.push(Bar::new(format!("{others}（{}个机关）", rest.len()), total));
    bars
}

fn empty_state(title: &str, message: &str) -> String {
    format!(
        "<p class=\"chart-empty\"><strong>{}</strong>：{}</p>",
        escape(title),
        escape(message)
    )
}

fn open_svg(out: &mut String, id: &str, title: &str, desc: &str, width: i64, height: i64) {
    let id = escape(id);
    let _ = write!(
        out,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
}

/// Horizontal bars, one row per bar, labels on the left and the value
/// after each bar, lengths proportional to the values (the largest fills
/// the plot). `unit` follows each value ("件").
pub fn bar_chart(
    id: &str,
    title: &str,
    desc: &str,
    bars: &[Bar],
    unit: &str,
    empty: &str,
) -> String {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    if max <= 0 {
        return empty_state(title, empty);
    }
    let height = 8 + ROW_HEIGHT * bars.len() as i64 + 8;
    let mut out = String::new();
    open_svg(&mut out, id, title, desc, WIDTH, height);
    for (i, b) in bars.iter().enumerate() {
        let y = 8 + ROW_HEIGHT * i as i64;
        let len = scaled(b.value, max, BAR_AREA);
        let colour = SERIES_COLOURS[0];
        let _ = write!(
            out,
            "<g><title>{label}：{value}{unit}</title><text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" font-size=\"13\">{short}</text><rect x=\"{bx}\" y=\"{y}\" width=\"{len}\" height=\"{BAR_HEIGHT}\" fill=\"{colour}\"></rect><text x=\"{vx}\" y=\"{ty}\" font-size=\"13\">{value}</text></g>",
            label = escape(&b.label),
            value = b.value.max(0),
            unit = escape(unit),
            lx = LABEL_WIDTH - 6,
            ty = y + 14,
            short = escape(&short_label(&b.label)),
            bx = LABEL_WIDTH,
            vx = LABEL_WIDTH + len + 6,
        );
    }
    out.push_str("</svg>");
    out
}

/// Vertical columns grouped by category (e.g. one group per year), one
/// column per series, with a legend. `groups`: (label, one value per series).
pub fn grouped_columns(
    id: &str,
    title: &str,
    desc: &str,
    series: &[&str],
    groups: &[(String, Vec<i64>)],
    unit: &str,
    empty: &str,
) -> String {
    let max = groups
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0);
    if max <= 0 || series.is_empty() {
        return empty_state(title, empty);
    }
    const COL: i64 = 28;
    const GAP: i64 = 28;
    const PLOT: i64 = 160;
    const TOP: i64 = 40;
    let n = series.len() as i64;
    let group_width = n * COL + GAP;
    let width = (GAP + groups.len() as i64 * group_width).max(320);
    let height = TOP + PLOT + 30;
    let base = TOP + PLOT;
    let mut out = String::new();
    open_svg(&mut out, id, title, desc, width, height);
    // Legend.
    let mut lx = GAP;
    for (s, name) in series.iter().enumerate() {
        let colour = SERIES_COLOURS[s % SERIES_COLOURS.len()];
        let _ = write!(
            out,
            "<rect x=\"{lx}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{colour}\"></rect><text x=\"{tx}\" y=\"19\" font-size=\"13\">{}</text>",
            escape(name),
            tx = lx + 16
        );
        lx += 16 + 14 * name.chars().count() as i64 + 20;
    }
    let _ = write!(
        out,
        "<line x1=\"0\" y1=\"{base}\" x2=\"{width}\" y2=\"{base}\" stroke=\"#555\"></line>"
    );
    for (g, (label, values)) in groups.iter().enumerate() {
        let gx = GAP + g as i64 * group_width;
        for (s, name) in series.iter().enumerate() {
            let value = values.get(s).copied().unwrap_or(0).max(0);
            let h = scaled(value, max, PLOT);
            let x = gx + s as i64 * COL;
            let colour = SERIES_COLOURS[s % SERIES_COLOURS.len()];
            let _ = write!(
                out,
                "<g><title>{glabel} {sname}：{value}{unit}</title><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{colour}\"></rect><text x=\"{cx}\" y=\"{vy}\" text-anchor=\"middle\" font-size=\"11\">{value}</text></g>",
                glabel = escape(label),
                sname = escape(name),
                unit = escape(unit),
                y = base - h,
                w = COL - 4,
                cx = x + (COL - 4) / 2,
                vy = base - h - 3,
            );
        }
        let _ = write!(
            out,
            "<text x=\"{cx}\" y=\"{ly}\" text-anchor=\"middle\" font-size=\"13\">{}</text>",
            escape(&short_label(label)),
            cx = gx + (n * COL - 4) / 2,
            ly = base + 18,
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `width` of every `<rect … fill=colour>` drawn as a bar (not the legend).
    fn bar_widths(svg: &str) -> Vec<i64> {
        svg.split("<rect ")
            .skip(1)
            .filter_map(|r| {
                let w = r.split("width=\"").nth(1)?.split('"').next()?;
                w.parse().ok()
            })
            .collect()
    }

    #[test]
    fn bars_are_proportional() {
        let bars = vec![Bar::new("甲", 10), Bar::new("乙", 5), Bar::new("丙", 1)];
        let svg = bar_chart("c", "图", "说明", &bars, "件", "暂无数据");
        assert_eq!(
            bar_widths(&svg),
            vec![BAR_AREA, BAR_AREA / 2, BAR_AREA / 10]
        );
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("aria-labelledby=\"c-title c-desc\""));
        assert!(svg.contains("<title id=\"c-title\">图</title>"));
        assert!(svg.contains("<desc id=\"c-desc\">说明</desc>"));
        assert!(svg.contains("<title>乙：5件</title>"));
        // A tiny value still shows; a zero does not.
        assert_eq!(scaled(1, 1_000_000, 360), 1);
        assert_eq!(scaled(0, 10, 360), 0);
        assert_eq!(scaled(-3, 10, 360), 0);
        assert_eq!(scaled(i64::MAX, i64::MAX, 360), 360);
    }

    #[test]
    fn zero_data_is_an_empty_state() {
        for bars in [vec![], vec![Bar::new("甲", 0), Bar::new("乙", 0)]] {
            let out = bar_chart("c", "按办理结果", "d", &bars, "件", "本年度没有申请");
            assert!(!out.contains("<svg"), "{out}");
            assert!(out.contains("本年度没有申请"));
        }
        let out = grouped_columns(
            "y",
            "逐年",
            "d",
            &["新收"],
            &[("2024".into(), vec![0])],
            "件",
            "没有数据",
        );
        assert!(!out.contains("<svg") && out.contains("没有数据"));
    }

    #[test]
    fn long_names_are_cut_with_the_full_name_in_the_title() {
        let long = "济宁市兖州区鼓楼街道办事处社会事务管理服务中心";
        let svg = bar_chart("c", "t", "d", &[Bar::new(long, 3)], "件", "e");
        assert!(svg.contains(&format!("<title>{long}：3件</title>")));
        let shown = short_label(long);
        assert_eq!(shown.chars().count(), MAX_LABEL_CHARS);
        assert!(shown.ends_with('…'));
        assert!(svg.contains(&format!(">{shown}</text>")));
        assert!(!svg.contains(&format!(">{long}</text>")));
        assert_eq!(short_label("鼓楼街道"), "鼓楼街道");
    }

    #[test]
    fn text_is_escaped() {
        let svg = bar_chart(
            "c\"x",
            "<script>",
            "a & b",
            &[Bar::new("<b>\"机关\"</b>&'", 2)],
            "件",
            "e",
        );
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"));
        assert!(svg.contains("a &amp; b"));
        assert!(svg.contains("&lt;b&gt;&quot;机关&quot;&lt;/b&gt;&amp;&#39;"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("aria-labelledby=\"c&quot;x-title"));
        let empty = bar_chart("c", "<i>", "d", &[], "件", "<无>");
        assert!(empty.contains("&lt;i&gt;") && empty.contains("&lt;无&gt;"));
    }

    #[test]
    fn top_twenty_and_others() {
        let bars: Vec<Bar> = (1..=25)
            .map(|i| Bar::new(format!("机关{i:02}"), i))
            .collect();
        let top = top_n(bars, 20, "其他");
        assert_eq!(top.len(), 21);
        assert_eq!(top[0], Bar::new("机关25", 25));
        assert_eq!(top[19].value, 6);
        assert_eq!(top[20], Bar::new("其他（5个机关）", 15));
        let few = top_n(
            vec![Bar::new("乙", 1), Bar::new("甲", 1), Bar::new("丙", 2)],
            20,
            "其他",
        );
        assert_eq!(
            few.iter().map(|b| b.label.as_str()).collect::<Vec<_>>(),
            ["丙", "乙", "甲"]
        );
    }

    #[test]
    fn grouped_columns_scale_to_the_largest_value() {
        let svg = grouped_columns(
            "y",
            "逐年",
            "d",
            &["本年新收", "上年结转"],
            &[("2023年".into(), vec![8, 2]), ("2024年".into(), vec![4, 0])],
            "件",
            "e",
        );
        // Legend squares first (12 wide), then the columns.
        let heights: Vec<i64> = svg
            .split("<rect ")
            .skip(3)
            .filter_map(|r| r.split("height=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect();
        assert_eq!(heights, vec![160, 40, 80, 0]);
        assert!(svg.contains("<title>2023年 上年结转：2件</title>"));
    }
}

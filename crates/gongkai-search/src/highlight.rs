//! Snippets: a window of text around the first match, HTML-escaped, with the
//! matched words wrapped in `<mark>`. Matching is on folded characters (full
//! width → half width, ASCII case), so it agrees with the index.

use crate::tokenizer::fold_char;

/// The longest text scanned for a match.
const SCAN_CHARS: usize = 50_000;

pub(crate) fn escape_into(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

/// Needles folded, deduplicated, longest first.
pub(crate) fn prepare(needles: &[String]) -> Vec<Vec<char>> {
    let mut v: Vec<Vec<char>> = needles
        .iter()
        .map(|n| n.chars().map(fold_char).collect::<Vec<char>>())
        .filter(|n| !n.is_empty())
        .collect();
    v.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    v.dedup();
    v
}

/// Matches as half-open char ranges, left to right, longest needle first at
/// each position, not overlapping.
fn matches(chars: &[char], needles: &[Vec<char>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let hit = needles
            .iter()
            .find(|n| chars.len() - i >= n.len() && chars[i..i + n.len()] == n[..]);
        match hit {
            Some(n) => {
                out.push((i, i + n.len()));
                i += n.len();
            }
            None => i += 1,
        }
    }
    out
}

/// Renders `orig[from..to]` escaped, marking `ranges`; whitespace runs become
/// one space.
fn render(orig: &[char], from: usize, to: usize, ranges: &[(usize, usize)]) -> String {
    let mut out = String::new();
    let mut r = ranges
        .iter()
        .filter(|(a, b)| *b > from && *a < to)
        .peekable();
    let mut open_until: Option<usize> = None;
    let mut last_space = false;
    for (i, &c) in orig.iter().enumerate().take(to).skip(from) {
        if open_until.is_none() {
            if let Some(&&(a, b)) = r.peek() {
                if a <= i {
                    out.push_str("<mark>");
                    open_until = Some(b);
                    r.next();
                }
            }
        }
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            escape_into(&mut out, c);
            last_space = false;
        }
        if open_until == Some(i + 1) {
            out.push_str("</mark>");
            open_until = None;
        }
    }
    if open_until.is_some() {
        out.push_str("</mark>");
    }
    out
}

/// A snippet of about `max_chars` characters around the first match, or
/// `None` when no needle occurs in `text`.
pub(crate) fn snippet(text: &str, needles: &[Vec<char>], max_chars: usize) -> Option<String> {
    if needles.is_empty() {
        return None;
    }
    let orig: Vec<char> = text.chars().take(SCAN_CHARS).collect();
    let folded: Vec<char> = orig.iter().map(|&c| fold_char(c)).collect();
    let all = matches(&folded, needles);
    let &(first, _) = all.first()?;
    let from = first.saturating_sub(max_chars / 4);
    let to = (from + max_chars).min(orig.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(render(&orig, from, to, &all).trim());
    if to < orig.len() || text.chars().count() > orig.len() {
        out.push('…');
    }
    Some(out)
}

/// The whole (short) text escaped, every match marked.
pub(crate) fn mark_all(text: &str, needles: &[Vec<char>]) -> String {
    let orig: Vec<char> = text.chars().collect();
    let folded: Vec<char> = orig.iter().map(|&c| fold_char(c)).collect();
    let all = matches(&folded, needles);
    render(&orig, 0, orig.len(), &all)
}

/// The beginning of `text`, escaped, for items that matched elsewhere.
pub(crate) fn excerpt(text: &str, max_chars: usize) -> String {
    let orig: Vec<char> = text.chars().take(max_chars + 1).collect();
    let to = orig.len().min(max_chars);
    let mut out = render(&orig, 0, to, &[]).trim().to_string();
    if orig.len() > max_chars {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: &[&str]) -> Vec<Vec<char>> {
        prepare(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn marks_and_escapes() {
        let s = snippet("<b>依申请公开</b> & 其他", &n(&["公开"]), 100).unwrap_or_default();
        assert_eq!(s, "&lt;b&gt;依申请<mark>公开</mark>&lt;/b&gt; &amp; 其他");
    }

    #[test]
    fn longest_needle_wins_and_case_folds() {
        let s = mark_all("政府信息公开 GDP", &n(&["公开", "信息公开", "gdp"]));
        assert_eq!(s, "政府<mark>信息公开</mark> <mark>GDP</mark>");
    }

    #[test]
    fn window_has_ellipses() {
        let text = format!("{}关键{}", "甲".repeat(100), "乙".repeat(100));
        let s = snippet(&text, &n(&["关键"]), 40).unwrap_or_default();
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>关键</mark>"));
        assert!(snippet("无关", &n(&["关键"]), 40).is_none());
    }
}

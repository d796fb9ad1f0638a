//! Splitting numbers printed without separators (`640020470`) into cells.
//!
//! Table 三 rows are split by their own sums (R3 per row, then R1/R2 across
//! rows, see `read.rs`); table 四 by R4; table 二 has no sums, so its splits
//! are ranked by plausibility and always reported as ambiguous when more than
//! one exists.

use crate::labels::{FieldKind, FieldSpec};
use crate::model::Value;
use crate::normalize::fold;

/// Longest number we accept in one cell when splitting.
const MAX_DIGITS: usize = 12;
/// Upper bound on enumerated candidates, to keep time bounded on any input.
const MAX_CANDIDATES: usize = 20_000;

/// The digits of a run, without spaces or separators. `None` if anything
/// but digits and spaces appears.
pub fn digits_of(s: &str) -> Option<String> {
    let t = fold(s);
    let mut out = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if !c.is_whitespace() {
            return None;
        }
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}

fn piece_value(p: &[u8]) -> Option<i64> {
    if p.is_empty() || p.len() > MAX_DIGITS || (p.len() > 1 && p[0] == b'0') {
        return None;
    }
    std::str::from_utf8(p).ok()?.parse().ok()
}

/// Split `digits` into rows of 7 where the last equals the sum of the first six (R3).
/// Returns up to `MAX_CANDIDATES` candidates.
pub fn split_row_r3(digits: &str) -> Vec<[i64; 7]> {
    let d = digits.as_bytes();
    let mut out = Vec::new();
    let mut cur = [0i64; 7];
    fn rec(d: &[u8], pos: usize, k: usize, sum: i64, cur: &mut [i64; 7], out: &mut Vec<[i64; 7]>) {
        if out.len() >= MAX_CANDIDATES {
            return;
        }
        if k == 6 {
            if let Some(v) = piece_value(&d[pos..]) {
                if v == sum {
                    cur[6] = v;
                    out.push(*cur);
                }
            }
            return;
        }
        let remaining_parts = 7 - k;
        for end in pos + 1..=d.len() {
            if d.len() - end < remaining_parts - 1 {
                break;
            }
            let Some(v) = piece_value(&d[pos..end]) else {
                break;
            };
            cur[k] = v;
            rec(d, end, k + 1, sum + v, cur, out);
        }
    }
    rec(d, 0, 0, 0, &mut cur, &mut out);
    out
}

/// Split `digits` into `parts` numbers without any sum constraint.
pub fn split_free(digits: &str, parts: usize) -> Vec<Vec<i64>> {
    let d = digits.as_bytes();
    let mut out = Vec::new();
    let mut cur = Vec::with_capacity(parts);
    fn rec(d: &[u8], pos: usize, parts: usize, cur: &mut Vec<i64>, out: &mut Vec<Vec<i64>>) {
        if out.len() >= MAX_CANDIDATES {
            return;
        }
        if cur.len() + 1 == parts {
            if let Some(v) = piece_value(&d[pos..]) {
                cur.push(v);
                out.push(cur.clone());
                cur.pop();
            }
            return;
        }
        for end in pos + 1..=d.len() {
            if d.len() - end < parts - cur.len() - 1 {
                break;
            }
            let Some(v) = piece_value(&d[pos..end]) else {
                break;
            };
            cur.push(v);
            rec(d, end, parts, cur, out);
            cur.pop();
        }
    }
    if parts > 0 {
        rec(d, 0, parts, &mut cur, &mut out);
    }
    out
}

/// Split table 四 (15 cells) so that every block's 总计 is the sum of its four results (R4).
pub fn split_appeals_r4(digits: &str) -> Vec<[i64; 15]> {
    let d = digits.as_bytes();
    let mut out = Vec::new();
    let mut cur = [0i64; 15];
    fn rec(
        d: &[u8],
        pos: usize,
        k: usize,
        sum: i64,
        cur: &mut [i64; 15],
        out: &mut Vec<[i64; 15]>,
    ) {
        if out.len() >= MAX_CANDIDATES {
            return;
        }
        if k == 15 {
            if pos == d.len() {
                out.push(*cur);
            }
            return;
        }
        if k % 5 == 4 {
            // The total: must be exactly the sum's digits.
            let s = sum.to_string();
            if d.len() >= pos + s.len() && &d[pos..pos + s.len()] == s.as_bytes() {
                cur[k] = sum;
                rec(d, pos + s.len(), k + 1, 0, cur, out);
            }
            return;
        }
        for end in pos + 1..=d.len() {
            let Some(v) = piece_value(&d[pos..end]) else {
                break;
            };
            cur[k] = v;
            rec(d, end, k + 1, sum + v, cur, out);
        }
    }
    rec(d, 0, 0, 0, &mut cur, &mut out);
    out
}

/// Candidate pieces of a table 二 run for the given fields.
fn proactive_candidates(s: &str, fields: &[FieldSpec]) -> Vec<Vec<String>> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    fn valid(piece: &str, kind: FieldKind, last: bool) -> bool {
        let body = if last && kind == FieldKind::Text {
            piece.trim_end_matches(|c: char| !c.is_ascii_digit())
        } else {
            piece
        };
        let (neg, digits) = match body.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, body),
        };
        if neg && kind != FieldKind::Change {
            return false;
        }
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        if int.is_empty()
            || int.len() > MAX_DIGITS
            || !int.chars().all(|c| c.is_ascii_digit())
            || (int.len() > 1 && int.starts_with('0'))
            || (neg && int == "0")
        {
            return false;
        }
        match frac {
            None => true,
            Some(f) => {
                matches!(kind, FieldKind::Money | FieldKind::Text)
                    && !f.is_empty()
                    && f.chars().all(|c| c.is_ascii_digit())
            }
        }
    }
    fn rec(
        chars: &[char],
        pos: usize,
        fields: &[FieldSpec],
        cur: &mut Vec<String>,
        out: &mut Vec<Vec<String>>,
    ) {
        if out.len() >= MAX_CANDIDATES {
            return;
        }
        let k = cur.len();
        let Some(field) = fields.get(k) else {
            return;
        };
        if k + 1 == fields.len() {
            let piece: String = chars[pos..].iter().collect();
            if valid(&piece, field.kind, true) {
                cur.push(piece);
                out.push(cur.clone());
                cur.pop();
            }
            return;
        }
        for end in pos + 1..chars.len() {
            let piece: String = chars[pos..end].iter().collect();
            if valid(&piece, field.kind, false) {
                cur.push(piece);
                rec(chars, end, fields, cur, out);
                cur.pop();
            }
        }
    }
    rec(&chars, 0, fields, &mut cur, &mut out);
    out
}

fn int_len(p: &str) -> i64 {
    p.split('.')
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_digit())
        .count() as i64
}

/// Plausibility rank of a table 二 split (lower is better). Table 二 has no
/// sums, so this encodes what such rows usually look like: 本年新制作 equal to
/// 本年新公开, a zero 本年增/减, cells of similar length, a small change.
fn rank(pieces: &[String], fields: &[FieldSpec]) -> Vec<i64> {
    let lens: Vec<i64> = pieces.iter().map(|p| int_len(p)).collect();
    let range = lens.iter().max().unwrap_or(&0) - lens.iter().min().unwrap_or(&0);
    let num = |i: usize| -> i64 {
        pieces
            .get(i)
            .and_then(|p| {
                p.trim_end_matches(|c: char| !c.is_ascii_digit())
                    .parse::<f64>()
                    .ok()
            })
            .map(|f| f.abs() as i64)
            .unwrap_or(0)
    };
    if let Some(ci) = fields.iter().position(|f| f.kind == FieldKind::Change) {
        let change_zero = pieces.get(ci).is_some_and(|p| p == "0");
        let others: Vec<i64> = lens
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != ci)
            .map(|(_, l)| *l)
            .collect();
        let other_range = others.iter().max().unwrap_or(&0) - others.iter().min().unwrap_or(&0);
        let zero_ok = change_zero && (fields.len() == 2 || other_range <= 1);
        return vec![i64::from(!zero_ok), range, num(ci)];
    }
    if fields.last().is_some_and(|f| f.kind == FieldKind::Text) {
        let total: i64 = lens.iter().sum();
        let want = ((total as f64) / 3.6).round().max(1.0) as i64;
        return vec![(lens.first().copied().unwrap_or(0) - want).abs()];
    }
    if fields.len() == 3 && fields.iter().all(|f| f.kind == FieldKind::Count) {
        let (a, b, c) = (num(0), num(1), num(2));
        return vec![i64::from(a != b), i64::from(c < b), range, b];
    }
    vec![range, num(1)]
}

/// Split a table 二 run into its fields. Returns the chosen values and the
/// number of valid splits (more than one = ambiguous).
pub fn split_proactive(text: &str, fields: &[FieldSpec]) -> Option<(Vec<Value>, usize)> {
    let s: String = fold(text)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    let cands = proactive_candidates(&s, fields);
    let n = cands.len();
    let best = cands.into_iter().min_by_key(|p| rank(p, fields))?;
    let values = best
        .iter()
        .zip(fields)
        .map(|(p, f)| match f.kind {
            FieldKind::Count | FieldKind::Change => {
                p.parse::<i64>().map(Value::Int).unwrap_or(Value::Int(0))
            }
            FieldKind::Money | FieldKind::Text => Value::Text(p.clone()),
        })
        .collect();
    Some((values, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::{PROACTIVE_2019, PROACTIVE_2021};

    fn ints(v: &[Value]) -> Vec<String> {
        v.iter().map(Value::display).collect()
    }

    #[test]
    fn r3_rows() {
        assert_eq!(split_row_r3("7000007"), vec![[7, 0, 0, 0, 0, 0, 7]]);
        assert_eq!(split_row_r3("200000121"), vec![[20, 0, 0, 0, 0, 1, 21]]);
        let many = split_row_r3("640020470");
        assert!(!many.is_empty());
        assert!(many.iter().all(|r| r[..6].iter().sum::<i64>() == r[6]));
    }

    #[test]
    fn r4_appeals() {
        let c = split_appeals_r4("000000000000000");
        assert_eq!(c.len(), 1);
        let c = split_appeals_r4("10011120000000000");
        assert!(c.iter().any(|r| r[..5] == [10, 0, 1, 1, 12]));
    }

    #[test]
    fn proactive_runs() {
        let items = PROACTIVE_2019[1].fields;
        let docs = PROACTIVE_2019[0].fields;
        let fees = PROACTIVE_2019[3].fields;
        let proc = PROACTIVE_2019[4].fields;
        let get = |t: &str, f| split_proactive(t, f).map(|(v, _)| ints(&v));
        assert_eq!(get("4520300", items).unwrap(), ["452", "0", "300"]);
        assert_eq!(get("71812", items).unwrap(), ["71", "8", "12"]);
        assert_eq!(get("5120-33420", items).unwrap(), ["5120", "-33", "420"]);
        assert_eq!(get("212121", docs).unwrap(), ["21", "21", "21"]);
        assert_eq!(get("006", docs).unwrap(), ["0", "0", "6"]);
        assert_eq!(get("480", fees).unwrap(), ["48", "0"]);
        assert_eq!(
            get("24812345678.50元", proc).unwrap(),
            ["248", "12345678.50元"]
        );
        assert_eq!(
            get("000", PROACTIVE_2021[0].fields).map(|v| v.len()),
            Some(3)
        );
        assert_eq!(split_proactive("000", docs).map(|(_, n)| n), Some(1));
    }
}

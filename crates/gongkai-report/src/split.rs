//! Splitting numbers printed without separators (`640020470`) into cells.
//!
//! Table 三 rows are split by their own sums (R3 per row, then R1/R2 across
//! rows, see `read.rs`); table 四 by R4. Table 二 has no sums in either
//! format (its only relations, R6/R7, are with last year's report): a run is
//! split into every sequence of cells valid for the block's fields (R5: counts
//! non-negative integers without leading zeros, only 本年增/减 negative, only
//! amounts with decimals) that also keeps 上一年项目数量 + 本年增/减 ≥ 0 (the
//! number of items cannot become negative). One such split is the reading;
//! several are reported AMBIGUOUS with the candidates, and the one read is
//! provisional, chosen by [`rank`]'s documented preferences.

use crate::labels::{FieldKind, FieldSpec};
use crate::model::Value;
use crate::normalize::fold;

/// Longest number we accept in one cell when splitting.
const MAX_DIGITS: usize = 12;
/// Upper bound on enumerated candidates, to keep time bounded on any input.
const MAX_CANDIDATES: usize = 20_000;
/// Upper bound on the steps of one enumeration: long runs of digits have
/// astronomically many splits into pieces of up to [`MAX_DIGITS`] (found by
/// fuzzing: a 60-digit run took seconds). Past it the enumeration stops with
/// what it found.
const MAX_STEPS: usize = 2_000_000;
/// Longest run of chars a table 二 row can be split from.
const MAX_PROACTIVE_RUN: usize = 64;

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
    if d.len() > 7 * MAX_DIGITS {
        return out;
    }
    let mut steps = 0usize;
    fn rec(
        d: &[u8],
        pos: usize,
        k: usize,
        sum: i64,
        cur: &mut [i64; 7],
        out: &mut Vec<[i64; 7]>,
        steps: &mut usize,
    ) {
        *steps += 1;
        if out.len() >= MAX_CANDIDATES || *steps > MAX_STEPS {
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
            // The rest must fit in the remaining pieces.
            if d.len() - end > (remaining_parts - 1) * MAX_DIGITS {
                continue;
            }
            let Some(v) = piece_value(&d[pos..end]) else {
                break;
            };
            cur[k] = v;
            rec(d, end, k + 1, sum + v, cur, out, steps);
        }
    }
    rec(d, 0, 0, 0, &mut cur, &mut out, &mut steps);
    out
}

/// Split `digits` into `parts` numbers without any sum constraint.
pub fn split_free(digits: &str, parts: usize) -> Vec<Vec<i64>> {
    let d = digits.as_bytes();
    let mut out = Vec::new();
    let mut cur = Vec::with_capacity(parts);
    if d.len() > parts * MAX_DIGITS {
        return out;
    }
    let mut steps = 0usize;
    fn rec(
        d: &[u8],
        pos: usize,
        parts: usize,
        cur: &mut Vec<i64>,
        out: &mut Vec<Vec<i64>>,
        steps: &mut usize,
    ) {
        *steps += 1;
        if out.len() >= MAX_CANDIDATES || *steps > MAX_STEPS {
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
            if d.len() - end > (parts - cur.len() - 1) * MAX_DIGITS {
                continue;
            }
            let Some(v) = piece_value(&d[pos..end]) else {
                break;
            };
            cur.push(v);
            rec(d, end, parts, cur, out, steps);
            cur.pop();
        }
    }
    if parts > 0 {
        rec(d, 0, parts, &mut cur, &mut out, &mut steps);
    }
    out
}

/// Split table 四 (15 cells) so that every block's 总计 is the sum of its four results (R4).
pub fn split_appeals_r4(digits: &str) -> Vec<[i64; 15]> {
    let d = digits.as_bytes();
    let mut out = Vec::new();
    let mut cur = [0i64; 15];
    if d.len() > 15 * MAX_DIGITS {
        return out;
    }
    let mut steps = 0usize;
    fn rec(
        d: &[u8],
        pos: usize,
        k: usize,
        sum: i64,
        cur: &mut [i64; 15],
        out: &mut Vec<[i64; 15]>,
        steps: &mut usize,
    ) {
        *steps += 1;
        if out.len() >= MAX_CANDIDATES || *steps > MAX_STEPS {
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
                rec(d, pos + s.len(), k + 1, 0, cur, out, steps);
            }
            return;
        }
        for end in pos + 1..=d.len() {
            let Some(v) = piece_value(&d[pos..end]) else {
                break;
            };
            cur[k] = v;
            rec(d, end, k + 1, sum + v, cur, out, steps);
        }
    }
    rec(d, 0, 0, 0, &mut cur, &mut out, &mut steps);
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

/// The number at the start of a piece (sign, digits, decimals), and the
/// factor of its unit to 元 (万元 → 10,000).
fn piece_number(p: &str) -> Option<(f64, f64)> {
    let end = p
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-')))
        .map_or(p.len(), |(i, _)| i);
    let n: f64 = p.get(..end)?.parse().ok()?;
    let unit = if p.get(end..).is_some_and(|u| u.starts_with("万")) {
        10_000.0
    } else {
        1.0
    };
    Some((n, unit))
}

/// Is a split consistent with the block's own relations? 上一年项目数量 +
/// 本年增/减 is this year's number of items, which cannot be negative.
fn consistent(pieces: &[String], fields: &[FieldSpec]) -> bool {
    for (i, f) in fields.iter().enumerate() {
        if f.kind != FieldKind::Change || i == 0 {
            continue;
        }
        let (Some(prev), Some(change)) = (pieces.get(i - 1), pieces.get(i)) else {
            continue;
        };
        if let (Ok(p), Ok(c)) = (prev.parse::<i64>(), change.parse::<i64>()) {
            if p.checked_add(c).is_none_or(|n| n < 0) {
                return false;
            }
        }
    }
    true
}

/// Preference among the valid splits of a table 二 run (lower is better).
/// Table 二 has no sums, so these are priors about what such rows usually
/// hold, by the meaning of the block's fields, not facts; a run with more
/// than one valid split is always reported AMBIGUOUS:
/// - 上一年项目数量 / 本年增/减 (/ 处理决定数量): an unchanged list of items
///   (本年增/减 = 0) when the other cells agree in length within one digit;
///   then cells of similar length; then the smaller change;
/// - 本年新制作数量 / 本年新公开数量 / 对外公开总数量: what was made was
///   published (新制作 = 新公开), the total is at least this year's; then
///   similar lengths;
/// - 本年制发件数 / 本年废止件数 / 现行有效件数: the documents in force
///   include this year's; then similar lengths; then fewer repealed;
/// - 采购项目数量 / 采购总金额: an average amount per item nearest 10^5.5 元
///   (about 316,000 元, the middle of the usual range of a government
///   procurement item), the amount's unit taken into account;
/// - otherwise: cells of similar length.
fn rank(pieces: &[String], fields: &[FieldSpec]) -> Vec<i64> {
    let lens: Vec<i64> = pieces.iter().map(|p| int_len(p)).collect();
    let spread = |skip: Option<usize>| -> i64 {
        let l: Vec<i64> = lens
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != skip)
            .map(|(_, l)| *l)
            .collect();
        l.iter().max().unwrap_or(&0) - l.iter().min().unwrap_or(&0)
    };
    let num = |i: usize| -> i64 {
        pieces
            .get(i)
            .and_then(|p| piece_number(p))
            .map(|(n, _)| n.abs() as i64)
            .unwrap_or(0)
    };
    let keys: Vec<&str> = fields.iter().map(|f| f.key).collect();
    if let Some(ci) = fields.iter().position(|f| f.kind == FieldKind::Change) {
        let change_zero = pieces.get(ci).is_some_and(|p| p == "0");
        let zero_ok = change_zero && (fields.len() == 2 || spread(Some(ci)) <= 1);
        return vec![i64::from(!zero_ok), spread(None), num(ci)];
    }
    match keys.as_slice() {
        ["newly_made", "newly_published", "total_published"] => {
            let (a, b, c) = (num(0), num(1), num(2));
            vec![i64::from(a != b), i64::from(c < b), spread(None), b]
        }
        ["issued", "repealed", "in_force"] => {
            let (a, b, c) = (num(0), num(1), num(2));
            vec![i64::from(c < a), spread(None), b]
        }
        ["items", "amount"] => {
            let items = num(0);
            let per_item = pieces
                .get(1)
                .and_then(|p| piece_number(p))
                .map(|(n, unit)| n * unit)
                .filter(|_| items > 0)
                .map(|amount| amount / items as f64);
            let distance = match per_item {
                Some(a) if a > 0.0 => ((a.log10() - 5.5).abs() * 1000.0) as i64,
                _ => i64::MAX / 2,
            };
            vec![distance, lens.first().copied().unwrap_or(0)]
        }
        _ => vec![spread(None), num(1)],
    }
}

/// How a table 二 run was split.
#[derive(Debug, Clone, PartialEq)]
pub struct ProactiveSplit {
    /// The split read (the only one, or the preferred of several).
    pub values: Vec<Value>,
    /// The valid splits, preferred first, at most [`SHOWN_CANDIDATES`].
    pub candidates: Vec<Vec<Value>>,
    /// How many valid splits there are (more than one = ambiguous).
    pub count: usize,
}

/// Candidates kept for the AMBIGUOUS message.
pub const SHOWN_CANDIDATES: usize = 6;

fn values_of(pieces: &[String], fields: &[FieldSpec]) -> Vec<Value> {
    pieces
        .iter()
        .zip(fields)
        .map(|(p, f)| match f.kind {
            FieldKind::Count | FieldKind::Change => {
                p.parse::<i64>().map(Value::Int).unwrap_or(Value::Int(0))
            }
            FieldKind::Money | FieldKind::Text => Value::Text(p.clone()),
        })
        .collect()
}

/// Split a table 二 run into its fields (see the module documentation).
pub fn split_proactive(text: &str, fields: &[FieldSpec]) -> Option<ProactiveSplit> {
    let s: String = fold(text)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    if s.chars().count() > MAX_PROACTIVE_RUN {
        return None;
    }
    let mut cands: Vec<(Vec<i64>, Vec<String>)> = proactive_candidates(&s, fields)
        .into_iter()
        .filter(|p| consistent(p, fields))
        .map(|p| (rank(&p, fields), p))
        .collect();
    // Stable: equal preferences keep the order of enumeration.
    cands.sort_by(|a, b| a.0.cmp(&b.0));
    let count = cands.len();
    let candidates: Vec<Vec<Value>> = cands
        .iter()
        .take(SHOWN_CANDIDATES)
        .map(|(_, p)| values_of(p, fields))
        .collect();
    let values = candidates.first()?.clone();
    Some(ProactiveSplit {
        values,
        candidates,
        count,
    })
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
    fn long_runs_end_quickly() {
        let run: String = "1234567890".repeat(8);
        let t = std::time::Instant::now();
        let _ = split_row_r3(&run[..60]);
        let _ = split_free(&run[..60], 7);
        let _ = split_appeals_r4(&run);
        let _ = split_proactive(&run, crate::labels::PROACTIVE_2019[4].fields);
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
        // Runs too long for the pieces have no split at all.
        assert!(split_row_r3(&"1".repeat(7 * MAX_DIGITS + 1)).is_empty());
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
        let get = |t: &str, f| split_proactive(t, f).map(|s| ints(&s.values));
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
        assert_eq!(split_proactive("000", docs).map(|s| s.count), Some(1));
    }

    #[test]
    fn proactive_relations_and_candidates() {
        let items = PROACTIVE_2019[1].fields;
        let fees = PROACTIVE_2019[3].fields;
        let procurement = PROACTIVE_2019[4].fields;
        // 上一年项目数量 + 本年增/减 cannot be negative: 5-12 is not 5 / -12.
        assert!(split_proactive("5-12", fees).is_none());
        // "3-18" has one valid split for the 2 fields... and it is negative.
        assert!(split_proactive("3-18", fees).is_none());
        let one = split_proactive("20-18", fees).map(|s| (ints(&s.values), s.count));
        assert_eq!(one, Some((vec!["20".to_string(), "-18".to_string()], 1)));
        // Every candidate is listed, preferred first, the reading among them.
        let s = split_proactive("3960181", items).expect("valid splits");
        assert!(s.count > 1);
        assert_eq!(ints(&s.values), ["396", "0", "181"]);
        assert_eq!(s.candidates.first(), Some(&s.values));
        assert!(s.candidates.len() <= SHOWN_CANDIDATES);
        assert!(s.candidates.iter().any(|c| ints(c) == ["39", "60", "181"]));
        // The average per item is compared in 元, the amount's unit counts.
        let wan = split_proactive("127950.5万元", procurement).map(|s| ints(&s.values));
        assert_eq!(wan, Some(vec!["127".to_string(), "950.5万元".to_string()]));
        let yuan = split_proactive("127950.5元", procurement).map(|s| ints(&s.values));
        assert_eq!(yuan, Some(vec!["1".to_string(), "27950.5元".to_string()]));
    }
}

//! Sensitive-data scanner (敏感信息检查): finds personal data in text before
//! it is published, and masks it in place (去标识化).
//!
//! What it finds:
//! - 居民身份证号: 18 characters with a valid GB 11643 check character, a known
//!   province code and a plausible birth date (1900 … today); legacy 15-digit
//!   numbers when province code and birth date (19YYMMDD) are plausible.
//! - 统一社会信用代码: 18 characters of the GB 32100 alphabet with a valid
//!   MOD 31 check character.
//! - Mobile numbers: `1[3-9]` + 9 digits (also behind `86`).
//! - Bank-card numbers: 16–19 digits passing the Luhn check.
//!
//! Rules that keep false alarms down:
//! - A number counts only as a whole digit run: digits directly before or
//!   after it (half- or full-width) make it part of a longer number, which is
//!   not flagged as the shorter kind.
//! - An 18-digit run that looks like an ID number (province code and birth
//!   date plausible) but whose check character is wrong is flagged as nothing
//!   (a typo or an unrelated number), not as a credit code or a bank card.
//! - Digits written in the usual groups, separated by one space or hyphen
//!   (`138 1234 5678`, `6222 0212 3456 7890`, `370802 19900101 123X`), are read
//!   as one number when the whole group chain fits.
//!
//! Full-width digits and letters are read like half-width ones. Every finding
//! carries character and byte ranges into the original text. The scan is one
//! pass over the text (linear time) and never panics on any input.

use std::ops::Range;

use serde::Serialize;
use time::Date;

use crate::applicant::{
    id_check_char, is_mobile, is_province_code, is_valid_credit_code, is_valid_id_number,
    is_valid_legacy_id_number, mask_credit_code, mask_id_number, mask_keep, mask_mobile,
    plausible_birth_date, to_half_width,
};

/// What kind of personal data a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    /// 居民身份证号 (18 characters, or a legacy 15-digit number).
    IdNumber,
    /// 统一社会信用代码.
    CreditCode,
    /// 手机号码.
    Mobile,
    /// 银行卡号.
    BankCard,
}

impl PiiKind {
    pub fn name(self) -> &'static str {
        match self {
            PiiKind::IdNumber => "id_number",
            PiiKind::CreditCode => "credit_code",
            PiiKind::Mobile => "mobile",
            PiiKind::BankCard => "bank_card",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PiiKind::IdNumber => "居民身份证号",
            PiiKind::CreditCode => "统一社会信用代码",
            PiiKind::Mobile => "手机号码",
            PiiKind::BankCard => "银行卡号",
        }
    }

    /// How many leading and trailing characters a mask keeps.
    fn kept(self) -> (usize, usize) {
        match self {
            PiiKind::Mobile => (3, 4),
            PiiKind::IdNumber | PiiKind::CreditCode | PiiKind::BankCard => (4, 4),
        }
    }
}

/// One piece of personal data found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PiiFinding {
    pub kind: PiiKind,
    /// Character positions (Unicode scalar values) in the scanned text.
    pub chars: Range<usize>,
    /// Byte positions in the scanned text (UTF-8).
    pub bytes: Range<usize>,
    /// The value normalised and masked, e.g. `3708**********1234`.
    pub preview: String,
}

/// A maximal run of digits (half- or full-width), with an optional trailing
/// `X`/`x` that is not followed by another letter or digit.
#[derive(Debug, Clone)]
struct Run {
    chars: Range<usize>,
    bytes: Range<usize>,
    /// Half-width digits (plus `X` when `x_len > 0`).
    digits: String,
    /// Byte length of a trailing `X` (1, or 3 when full-width); 0 without one.
    x_len: usize,
    /// The one character after the run, if it is a group separator.
    sep_after: bool,
}

/// A maximal run of ASCII letters and digits (half- or full-width), for credit codes.
#[derive(Debug, Clone)]
struct Token {
    chars: Range<usize>,
    bytes: Range<usize>,
    text: String,
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '\u{a0}')
}

/// Scans `text` for personal data; birth dates after `today` are implausible.
/// Findings are ordered by position and never overlap.
pub fn scan(text: &str, today: Date) -> Vec<PiiFinding> {
    let (runs, tokens) = tokenize(text);
    let mut found: Vec<PiiFinding> = Vec::new();

    // Credit codes containing letters (all-digit ones come with the digit runs).
    for t in &tokens {
        if t.text.len() == 18
            && t.text.bytes().any(|b| b.is_ascii_alphabetic())
            && !looks_like_id(t.text.as_bytes(), today)
            && is_valid_credit_code(t.text.as_bytes())
        {
            found.push(PiiFinding {
                kind: PiiKind::CreditCode,
                chars: t.chars.clone(),
                bytes: t.bytes.clone(),
                preview: mask_credit_code(&t.text),
            });
        }
    }

    // Digit runs, single or in group chains.
    let mut i = 0;
    while i < runs.len() {
        // The maximal chain of runs joined by single separators.
        let mut j = i;
        while j + 1 < runs.len()
            && runs[j].sep_after
            && runs[j].x_len == 0
            && runs[j].chars.end + 1 == runs[j + 1].chars.start
        {
            j += 1;
        }
        let chain = &runs[i..=j];
        let grouped = if chain.len() > 1 {
            classify_chain(chain, today)
        } else {
            None
        };
        match grouped {
            Some((kind, value)) => {
                if let (Some(first), Some(last)) = (chain.first(), chain.last()) {
                    found.push(PiiFinding {
                        kind,
                        chars: first.chars.start..last.chars.end,
                        bytes: first.bytes.start..last.bytes.end,
                        preview: preview(kind, &value),
                    });
                }
            }
            None => {
                for run in chain {
                    if let Some(kind) = classify(&run.digits, today) {
                        found.push(PiiFinding {
                            kind,
                            chars: run.chars.clone(),
                            bytes: run.bytes.clone(),
                            preview: preview(kind, &run.digits),
                        });
                    }
                }
            }
        }
        i = j + 1;
    }

    found.sort_by_key(|f| (f.chars.start, std::cmp::Reverse(f.chars.end)));
    let mut out: Vec<PiiFinding> = Vec::with_capacity(found.len());
    for f in found {
        if out
            .last()
            .is_some_and(|prev| f.chars.start < prev.chars.end)
        {
            continue;
        }
        out.push(f);
    }
    out
}

/// One pass over the text: digit runs and alphanumeric tokens.
fn tokenize(text: &str) -> (Vec<Run>, Vec<Token>) {
    let mut runs: Vec<Run> = Vec::new();
    let mut tokens: Vec<Token> = Vec::new();
    let mut run: Option<Run> = None;
    let mut token: Option<Token> = None;
    for (ci, (bi, raw)) in text.char_indices().enumerate() {
        let c = to_half_width(raw);
        let end_b = bi + raw.len_utf8();
        let alnum = c.is_ascii_alphanumeric();

        // Tokens (letters and digits).
        if alnum {
            let t = token.get_or_insert_with(|| Token {
                chars: ci..ci,
                bytes: bi..bi,
                text: String::new(),
            });
            t.chars.end = ci + 1;
            t.bytes.end = end_b;
            // Keep tokens short: only 18-character ones matter.
            if t.text.len() <= 18 {
                t.text.push(c.to_ascii_uppercase());
            }
        } else if let Some(t) = token.take() {
            tokens.push(t);
        }

        // Digit runs.
        if c.is_ascii_digit() {
            match run.as_mut() {
                Some(r) if r.x_len == 0 => {
                    r.chars.end = ci + 1;
                    r.bytes.end = end_b;
                    if r.digits.len() <= 20 {
                        r.digits.push(c);
                    }
                }
                Some(_) => {
                    // A digit after `X`: the X belonged to a longer token.
                    if let Some(mut r) = run.take() {
                        drop_x(&mut r);
                        runs.push(r);
                    }
                    run = Some(new_run(ci, bi, end_b, c));
                }
                None => run = Some(new_run(ci, bi, end_b, c)),
            }
            continue;
        }
        let Some(mut r) = run.take() else { continue };
        // A check character X ends an 18-character ID number, or its last
        // group when written `370802 19900101 123X`.
        if (c == 'X' || c == 'x') && r.x_len == 0 && matches!(r.digits.len(), 3 | 17) {
            r.x_len = raw.len_utf8();
            r.chars.end = ci + 1;
            r.bytes.end = end_b;
            r.digits.push('X');
            run = Some(r);
            continue;
        }
        if alnum {
            drop_x(&mut r);
        }
        r.sep_after = is_separator(c);
        runs.push(r);
    }
    if let Some(t) = token.take() {
        tokens.push(t);
    }
    if let Some(r) = run.take() {
        runs.push(r);
    }
    (runs, tokens)
}

fn new_run(ci: usize, bi: usize, end_b: usize, c: char) -> Run {
    Run {
        chars: ci..ci + 1,
        bytes: bi..end_b,
        digits: c.to_string(),
        x_len: 0,
        sep_after: false,
    }
}

/// The `X` was followed by a letter or digit: it is not a check character.
fn drop_x(r: &mut Run) {
    if r.x_len > 0 {
        r.digits.pop();
        r.chars.end -= 1;
        r.bytes.end -= r.x_len;
        r.x_len = 0;
    }
}

/// Province code and plausible birth date at the ID positions.
fn looks_like_id(bytes: &[u8], today: Date) -> bool {
    bytes.len() == 18
        && bytes[..17].iter().all(u8::is_ascii_digit)
        && is_province_code(&bytes[0..2])
        && plausible_birth_date(&bytes[6..14], today).is_some()
}

/// The kind of a whole digit run (half-width digits, maybe a trailing X).
fn classify(digits: &str, today: Date) -> Option<PiiKind> {
    let b = digits.as_bytes();
    match b.len() {
        18 => {
            if looks_like_id(b, today) {
                return is_valid_id_number(b, today).then_some(PiiKind::IdNumber);
            }
            if b.iter().all(u8::is_ascii_digit) {
                if is_valid_credit_code(b) {
                    return Some(PiiKind::CreditCode);
                }
                if luhn(b) {
                    return Some(PiiKind::BankCard);
                }
            }
            None
        }
        15 if is_valid_legacy_id_number(b, today) => Some(PiiKind::IdNumber),
        11 if is_mobile(b) => Some(PiiKind::Mobile),
        13 if b.starts_with(b"86") && b.get(2..).is_some_and(is_mobile) => Some(PiiKind::Mobile),
        16 | 17 | 19 if luhn(b) => Some(PiiKind::BankCard),
        _ => None,
    }
}

/// A group chain read as one number when its group sizes are the usual ones.
fn classify_chain(chain: &[Run], today: Date) -> Option<(PiiKind, String)> {
    let sizes: Vec<usize> = chain.iter().map(|r| r.digits.len()).collect();
    let value: String = chain.iter().map(|r| r.digits.as_str()).collect();
    let kind = match sizes.as_slice() {
        [3, 4, 4] => PiiKind::Mobile,
        [6, 8, 4] => PiiKind::IdNumber,
        [4, 4, 4, 4] | [4, 4, 4, 4, 1..=4] | [6, 10..=13] => PiiKind::BankCard,
        _ => return None,
    };
    let ok = match kind {
        PiiKind::Mobile => is_mobile(value.as_bytes()),
        PiiKind::IdNumber => is_valid_id_number(value.as_bytes(), today),
        PiiKind::BankCard => {
            (16..=19).contains(&value.len())
                && !looks_like_id(value.as_bytes(), today)
                && luhn(value.as_bytes())
        }
        PiiKind::CreditCode => false,
    };
    ok.then_some((kind, value))
}

/// The Luhn check of ASCII digits; all-zero numbers fail.
pub fn luhn(digits: &[u8]) -> bool {
    if digits.is_empty()
        || !digits.iter().all(u8::is_ascii_digit)
        || digits.iter().all(|d| *d == b'0')
    {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(d - b'0');
            if i % 2 == 1 {
                let dv = v * 2;
                if dv > 9 {
                    dv - 9
                } else {
                    dv
                }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn preview(kind: PiiKind, value: &str) -> String {
    match kind {
        PiiKind::IdNumber => mask_id_number(value),
        PiiKind::CreditCode => mask_credit_code(value),
        PiiKind::Mobile => mask_mobile(value),
        PiiKind::BankCard => mask_keep(value, 4, 4),
    }
}

/// `text` with every finding masked in place: the first and last characters
/// of the value stay (4 and 4; 3 and 4 for a mobile), every other letter or
/// digit becomes `*`, separators stay. Findings that do not fit `text` (out of
/// range, not on character boundaries, overlapping an earlier one) are skipped.
pub fn mask_in_place(text: &str, findings: &[PiiFinding]) -> String {
    let mut sorted: Vec<&PiiFinding> = findings.iter().collect();
    sorted.sort_by_key(|f| (f.bytes.start, f.bytes.end));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for f in sorted {
        let (start, end) = (f.bytes.start, f.bytes.end);
        if start < pos || start >= end {
            continue;
        }
        let (Some(before), Some(span)) = (text.get(pos..start), text.get(start..end)) else {
            continue;
        };
        out.push_str(before);
        let (head, tail) = f.kind.kept();
        let value_chars = span
            .chars()
            .filter(|c| to_half_width(*c).is_ascii_alphanumeric())
            .count();
        let mut seen = 0;
        for c in span.chars() {
            if to_half_width(c).is_ascii_alphanumeric() {
                let keep = seen < head || seen + tail >= value_chars;
                out.push(if keep && value_chars > head + tail {
                    c
                } else {
                    '*'
                });
                seen += 1;
            } else {
                out.push(c);
            }
        }
        pos = end;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    out
}

/// Whether the text holds any personal data.
pub fn contains_pii(text: &str, today: Date) -> bool {
    !scan(text, today).is_empty()
}

/// The check character an 18-character ID number should end with, for
/// generators and tests: `None` unless `first17` is 17 ASCII digits.
pub fn expected_id_check(first17: &str) -> Option<char> {
    id_check_char(first17.as_bytes())
}

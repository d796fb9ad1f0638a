//! Text normalisation: full/half width, punctuation variants, traditional
//! characters, label keys, number parsing and fuzzy label similarity.

/// Traditional → simplified pairs for the characters of the report's labels
/// and the words around them.
const TRADITIONAL: &str = "資资訊讯開开請请數数結结轉转與与處处決决許许罰罚強强規规範范費费額额單单萬万項项條条內内廢废現现發发總总計计維维糾纠審审復复議议訴诉訟讼經经後后業业機机構构會会織织務务組组國国穩稳護护權权類类過过執执詢询關关沒没補补確确訪访舉举報报複复當当認认獲获繳缴納纳況况區区別别這这種种門门際际採采購购團团對对無无減减製制統统係系為为於于屬属問问題题進进級级態态辦办遞递護护據据證证違违責责準准則则應应質质實实據据徵征詢询決决見见產产權权覺觉導导場场環环衛卫標标註注號号獻献歷历區区劃划鎮镇街街鄉乡縣县廳厅辦办處处員员務务齊齐濟济蘭兰貴贵遼辽黑黑龍龙閩闽蘇苏華华東东廣广灣湾愛爱雲云";

/// Number of chars in [`TRADITIONAL`].
const TRADITIONAL_CHARS: usize = count_chars(TRADITIONAL.as_bytes());

const fn count_chars(b: &[u8]) -> usize {
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        if b[i] & 0xC0 != 0x80 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The chars of a UTF-8 string, decoded at compile time.
const fn decode<const N: usize>(b: &[u8]) -> [u32; N] {
    let mut out = [0u32; N];
    let mut i = 0;
    let mut k = 0;
    while i < b.len() && k < N {
        let c = b[i] as u32;
        let (len, init) = if c < 0x80 {
            (1, c)
        } else if c < 0xE0 {
            (2, c & 0x1F)
        } else if c < 0xF0 {
            (3, c & 0x0F)
        } else {
            (4, c & 0x07)
        };
        let mut v = init;
        let mut j = 1;
        while j < len {
            v = (v << 6) | (b[i + j] as u32 & 0x3F);
            j += 1;
        }
        out[k] = v;
        k += 1;
        i += len;
    }
    out
}

static TRADITIONAL_DECODED: [u32; TRADITIONAL_CHARS] = decode(TRADITIONAL.as_bytes());

/// A bitset of the BMP marking the traditional characters of
/// [`TRADITIONAL`] (most CJK text never reaches the table), built at
/// compile time.
static TRADITIONAL_PRESENT: [u64; 1024] = {
    let mut bits = [0u64; 1024];
    let mut k = 0;
    while k + 1 < TRADITIONAL_CHARS {
        let c = TRADITIONAL_DECODED[k] as usize;
        if c < 0x10000 {
            bits[c / 64] |= 1 << (c % 64);
        }
        k += 2;
    }
    bits
};

fn traditional_to_simplified(c: char) -> char {
    let i = c as usize;
    if i >= 0x10000 || TRADITIONAL_PRESENT[i / 64] & (1 << (i % 64)) == 0 {
        return c;
    }
    // The first pair of a repeated traditional character wins.
    let mut k = 0;
    while k + 1 < TRADITIONAL_CHARS {
        if TRADITIONAL_DECODED[k] == c as u32 {
            return char::from_u32(TRADITIONAL_DECODED[k + 1]).unwrap_or(c);
        }
        k += 2;
    }
    c
}

/// Every char that [`fold_char`] maps to another char is in here (a test
/// checks the whole BMP; above it only traditional chars could fold): the
/// chars below U+3400, U+FE00–U+FFFF and the traditional chars.
pub(crate) fn fold_changes() -> impl Iterator<Item = char> {
    (0..0x3400u32)
        .chain(0xFE00..0x10000)
        .filter_map(char::from_u32)
        .chain(
            TRADITIONAL_DECODED
                .iter()
                .step_by(2)
                .filter_map(|&c| char::from_u32(c)),
        )
}

/// The chars of `s` sorted, `None` when it has more than 64 (see
/// [`common_chars`]).
pub fn sorted_chars(s: &str) -> Option<Vec<char>> {
    if s.chars().nth(64).is_some() {
        return None;
    }
    let mut v: Vec<char> = s.chars().collect();
    v.sort_unstable();
    Some(v)
}

/// How many chars two short strings share (as multisets), given their
/// [`sorted_chars`]; `None` when one is longer than 64 chars. An upper bound
/// for `max_len − levenshtein`.
fn common_chars(x: Option<&[char]>, y: Option<&[char]>) -> Option<usize> {
    let (x, y) = (x?, y?);
    let (n, m) = (x.len(), y.len());
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < n && j < m {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    Some(common)
}

/// How many leading bytes of `b` are ideographs from U+4E00 to U+9FFF
/// (three UTF-8 bytes, lead E4–E9) that are not traditional: chars that
/// fold, and key, to themselves.
fn plain_ideographs(b: &[u8]) -> usize {
    let mut n = 0;
    for ch in b.chunks_exact(3) {
        let &[lead @ 0xE4..=0xE9, b1, b2] = ch else {
            break;
        };
        let c = (u32::from(lead & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
        // c ≤ 0xFFFF: the word index is below 1024 (the mask says so).
        let word = TRADITIONAL_PRESENT
            .get((c >> 6) as usize & 1023)
            .copied()
            .unwrap_or(u64::MAX);
        if c < 0x4E00 || (word >> (c & 63)) & 1 != 0 {
            break;
        }
        n += 3;
    }
    n
}

/// Fold one character: full-width ASCII to half width, punctuation variants
/// to one form, traditional to simplified. Always one char for one char, so
/// positions in folded text match positions in the original.
pub fn fold_char(c: char) -> char {
    // CJK ideographs (most of a report) only go through the traditional table;
    // none of the arms below is in this range.
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return traditional_to_simplified(c);
    }
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{2002}' | '\u{2003}' | '\u{2009}' | '\u{200B}' => ' ',
        '、' | '。' => '.',
        '“' | '”' | '„' | '「' | '」' | '『' | '』' | '〝' | '〞' => '"',
        '‘' | '’' => '\'',
        '—' | '–' | '−' | '─' | '―' | '﹣' => '-',
        '〔' | '【' => '[',
        '〕' | '】' => ']',
        _ if (c as u32) >= 0x3400 => traditional_to_simplified(c),
        _ => c,
    }
}

/// Fold a whole string (same number of chars).
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    out.extend(s.chars().map(fold_char));
    out
}

/// [`fold`] into a reused buffer (cleared first).
pub fn fold_into(s: &str, out: &mut String) {
    out.clear();
    out.reserve(s.len());
    // Runs of chars that fold to themselves are copied as byte slices; ASCII
    // and the CJK ideographs (three UTF-8 bytes, most of a report) that are
    // not traditional are recognised from their bytes.
    let b = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < b.len() {
        let lead = b[i];
        if lead < 0x80 {
            i += 1;
            continue;
        }
        if (0xE4..=0xE9).contains(&lead) {
            // U+4000..U+9FFF: the ideographs from U+4E00 keep themselves
            // unless traditional; a run of them is skipped at once.
            let skipped = plain_ideographs(b.get(i..).unwrap_or(&[]));
            if skipped > 0 {
                i += skipped;
                continue;
            }
        }
        let Some(c) = s.get(i..).and_then(|t| t.chars().next()) else {
            break;
        };
        let f = fold_char(c);
        if f != c {
            out.push_str(s.get(run..i).unwrap_or(""));
            out.push(f);
            run = i + c.len_utf8();
        }
        i += c.len_utf8();
    }
    out.push_str(s.get(run..).unwrap_or(""));
}

/// The comparison key of a label: folded, without whitespace or punctuation.
pub fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    key_into(s, &mut out);
    out
}

/// The chars of [`key`] without building it.
fn key_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().filter_map(|c| {
        if c.is_ascii() {
            return c.is_ascii_alphanumeric().then_some(c);
        }
        let f = fold_char(c);
        is_alphanumeric(f).then_some(f)
    })
}

/// `k == key(s)` without allocating.
pub fn is_key_of(k: &str, s: &str) -> bool {
    key_chars(s).eq(k.chars())
}

/// `key(a) == key(b)` without allocating.
pub fn same_key(a: &str, b: &str) -> bool {
    key_chars(a).eq(key_chars(b))
}

/// `char::is_alphanumeric` with the CJK ideographs (most of a report's
/// text) answered without the Unicode tables.
fn is_alphanumeric(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}') || c.is_alphanumeric()
}

/// [`key`] written into a reused buffer (cleared first).
pub fn key_into(s: &str, out: &mut String) {
    out.clear();
    key_push(s, out);
}

/// What [`key_push`] does with the chars U+3000–U+303F (CJK punctuation,
/// bytes E3 80 xx) and U+FF00–U+FF7F (full-width forms, EF BC xx and
/// EF BD xx), indexed as [`punct_index`]: the char it keeps, if any, and
/// whether that is the char itself. Built once from [`fold_char`] and
/// [`is_alphanumeric`].
fn key_punct() -> &'static [(Option<char>, bool); 192] {
    static TABLE: std::sync::OnceLock<[(Option<char>, bool); 192]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [(None, false); 192];
        for (i, slot) in t.iter_mut().enumerate() {
            let code = if i < 64 { 0x3000 + i } else { 0xFF00 + i - 64 };
            let Some(c) = char::from_u32(code as u32) else {
                continue;
            };
            let f = fold_char(c);
            let keep = if f.is_ascii() {
                f.is_ascii_alphanumeric()
            } else {
                is_alphanumeric(f)
            };
            *slot = (keep.then_some(f), keep && f == c);
        }
        t
    })
}

/// The index in [`key_punct`] of the three bytes starting at `b`, if they
/// are such a char.
fn punct_index(b: &[u8]) -> Option<usize> {
    match b {
        [0xE3, 0x80, x, ..] => Some(usize::from(x & 0x3F)),
        [0xEF, 0xBC, x, ..] => Some(64 + usize::from(x & 0x3F)),
        [0xEF, 0xBD, x, ..] => Some(128 + usize::from(x & 0x3F)),
        _ => None,
    }
}

/// [`key`] appended to `out`.
pub fn key_push(s: &str, out: &mut String) {
    // Numbers (most cells of a table) are their own key.
    if s.len() <= 8 && s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        for c in s.chars() {
            out.push(c);
        }
        return;
    }
    out.reserve(s.len());
    // Runs of chars kept as they are are copied as byte slices; the CJK
    // ideographs (three UTF-8 bytes, most of a report) are recognised
    // from their bytes.
    let b = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < b.len() {
        let lead = b[i];
        if lead < 0x80 {
            if !lead.is_ascii_alphanumeric() {
                out.push_str(s.get(run..i).unwrap_or(""));
                run = i + 1;
            }
            i += 1;
            continue;
        }
        if (0xE4..=0xE9).contains(&lead) {
            // U+4000..U+9FFF: the ideographs from U+4E00 keep themselves
            // unless traditional; a run of them is skipped at once.
            let skipped = plain_ideographs(b.get(i..).unwrap_or(&[]));
            if skipped > 0 {
                i += skipped;
                continue;
            }
        }
        // CJK punctuation and full-width forms from a table.
        if let Some(&(kept, same)) = b
            .get(i..)
            .and_then(punct_index)
            .and_then(|p| key_punct().get(p))
        {
            if !same {
                out.push_str(s.get(run..i).unwrap_or(""));
                if let Some(f) = kept {
                    out.push(f);
                }
                run = i + 3;
            }
            i += 3;
            continue;
        }
        let Some(c) = s.get(i..).and_then(|t| t.chars().next()) else {
            break;
        };
        let f = fold_char(c);
        let keep = if f.is_ascii() {
            f.is_ascii_alphanumeric()
        } else {
            is_alphanumeric(f)
        };
        if !(keep && f == c) {
            out.push_str(s.get(run..i).unwrap_or(""));
            if keep {
                out.push(f);
            }
            run = i + c.len_utf8();
        }
        i += c.len_utf8();
    }
    out.push_str(s.get(run..).unwrap_or(""));
}

/// Levenshtein distance over chars.
pub fn levenshtein(a: &[char], b: &[char]) -> usize {
    if a.is_empty() {
        return b.len();
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Similarity of two label keys in 0..=1 (1 = equal).
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let n = a.len().max(b.len());
    if n == 0 {
        return 1.0;
    }
    1.0 - levenshtein(&a, &b) as f64 / n as f64
}

/// [`similarity`] when it is at least `threshold`, else `None`, with the
/// edit distance computed only in the band that can reach the threshold.
pub fn similarity_at_least(a: &str, b: &str, threshold: f64) -> Option<f64> {
    if a == b {
        return (1.0 >= threshold).then_some(1.0);
    }
    let mut abuf = ['\0'; 128];
    let mut bbuf = ['\0'; 128];
    let (mut na, mut nb) = (0, 0);
    for c in a.chars() {
        match abuf.get_mut(na) {
            Some(slot) => *slot = c,
            None => return long_similarity_at_least(a, b, threshold),
        }
        na += 1;
    }
    for c in b.chars() {
        match bbuf.get_mut(nb) {
            Some(slot) => *slot = c,
            None => return long_similarity_at_least(a, b, threshold),
        }
        nb += 1;
    }
    let (a, b) = (abuf.get(..na)?, bbuf.get(..nb)?);
    let n = na.max(nb);
    if n == 0 {
        return (1.0 >= threshold).then_some(1.0);
    }
    // Any distance above `limit` gives a similarity below the threshold.
    let limit = ((1.0 - threshold) * n as f64).floor().max(0.0) as usize + 1;
    let d = levenshtein_bounded(a, b, limit)?;
    let sim = 1.0 - d as f64 / n as f64;
    (sim >= threshold).then_some(sim)
}

fn long_similarity_at_least(a: &str, b: &str, threshold: f64) -> Option<f64> {
    let s = similarity(a, b);
    (s >= threshold).then_some(s)
}

/// Levenshtein distance when it is at most `limit`, else `None` (only the
/// diagonal band of width `limit` is computed).
fn levenshtein_bounded(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if m >= 129 {
        let d = levenshtein(a, b);
        return (d <= limit).then_some(d);
    }
    if n.abs_diff(m) > limit {
        return None;
    }
    if n == 0 || m == 0 {
        return Some(n.max(m));
    }
    let big = limit + 1;
    let mut prev = [0usize; 129];
    let mut cur = [0usize; 129];
    for (j, p) in prev.iter_mut().enumerate().take(m + 1) {
        *p = if j <= limit { j } else { big };
    }
    for i in 1..=n {
        let lo = i.saturating_sub(limit).max(1);
        let hi = (i + limit).min(m);
        cur[lo - 1] = if lo == 1 && i <= limit { i } else { big };
        let mut row_min = cur[lo - 1];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let v = (prev[j - 1] + cost)
                .min(prev[j] + 1)
                .min(cur[j - 1] + 1)
                .min(big);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if hi < m {
            cur[hi + 1] = big;
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[m];
    (d <= limit).then_some(d)
}

/// Does a found key denote the standard key? Exact for short labels, fuzzy
/// (OCR noise, misprints, wrapped prefixes) for longer ones. Returns a score.
pub fn label_score(found: &str, standard: &str) -> f64 {
    if found == standard {
        return 1.0;
    }
    let fl = found.chars().count();
    let sl = standard.chars().count();
    if fl < 4 || sl < 4 {
        return 0.0;
    }
    let fs = sorted_chars(found);
    let ss = sorted_chars(standard);
    label_score_with(
        LabelKey {
            key: found,
            len: fl,
            sorted: fs.as_deref(),
        },
        LabelKey {
            key: standard,
            len: sl,
            sorted: ss.as_deref(),
        },
    )
}

/// A label key with what [`label_score_with`] needs: its length in chars
/// and its [`sorted_chars`].
#[derive(Clone, Copy)]
pub struct LabelKey<'a> {
    pub key: &'a str,
    pub len: usize,
    pub sorted: Option<&'a [char]>,
}

/// [`label_score`] with the lengths and sorted chars computed once by the
/// caller (classifying a cell compares it with every label).
pub fn label_score_with(found: LabelKey, standard: LabelKey) -> f64 {
    let (fl, sl) = (found.len, standard.len);
    let (found_sorted, standard_sorted) = (found.sorted, standard.sorted);
    let (found, standard) = (found.key, standard.key);
    if found == standard {
        return 1.0;
    }
    if fl < 4 || sl < 4 {
        return 0.0;
    }
    let mut best = 0.0f64;
    let threshold = if sl >= 8 { 0.7 } else { 0.75 };
    // Similarity is at most min/max of the lengths: skip hopeless pairs.
    // similarity ≤ common chars / max length: skip hopeless pairs cheaply.
    let possible = fl.min(sl) as f64 >= threshold * fl.max(sl) as f64
        && common_chars(found_sorted, standard_sorted)
            .is_none_or(|c| c as f64 >= threshold * fl.max(sl) as f64);
    if possible {
        if let Some(sim) = similarity_at_least(found, standard, threshold) {
            best = sim;
        }
    }
    // A label wrapped over lines: the first piece is a long prefix.
    // Ten chars of a label are distinctive enough whatever its length.
    if standard.starts_with(found) && fl >= 6 && (fl * 2 >= sl || fl >= 10) {
        best = best.max(0.72 + 0.2 * fl as f64 / sl as f64);
    }
    best
}

/// Is this text a blank-cell marker (read as 0 with a BLANK warning)?
pub fn is_blank_marker(s: &str) -> bool {
    // Folded, without whitespace: empty, only dash-like marks, or exactly 无.
    let mut n = 0usize;
    let mut all_marks = true;
    let mut wu = false;
    for c in s.chars().map(fold_char).filter(|c| !c.is_whitespace()) {
        n += 1;
        if n > 1 && !all_marks {
            return false;
        }
        wu = c == '无';
        if !matches!(c, '-' | '/' | '\\' | '_' | '~') {
            all_marks = false;
        }
    }
    n == 0 || all_marks || (n == 1 && wu)
}

/// A number as printed in a table cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    pub negative: bool,
    /// Integer digits without separators.
    pub int: String,
    /// Fraction digits, if any.
    pub frac: Option<String>,
    /// Unit as printed after the number (元, 万元, 件, …), if any.
    pub unit: String,
}

impl Number {
    pub fn as_i64(&self) -> Option<i64> {
        if self
            .frac
            .as_deref()
            .is_some_and(|f| f.chars().any(|c| c != '0'))
        {
            return None;
        }
        let v: i64 = self.int.parse().ok()?;
        Some(if self.negative { -v } else { v })
    }

    /// Canonical decimal text without unit (e.g. `7730.28`, `-18`).
    pub fn decimal(&self) -> String {
        let int = self.int.trim_start_matches('0');
        let int = if int.is_empty() { "0" } else { int };
        let mut s = String::new();
        if self.negative {
            s.push('-');
        }
        s.push_str(int);
        if let Some(f) = &self.frac {
            s.push('.');
            s.push_str(f);
        }
        s
    }
}

const UNITS: [&str; 8] = ["万元", "元", "件", "条", "个", "项", "次", "份"];
/// Every char of [`UNITS`].
pub(crate) const UNIT_CHARS: &str = "万元件条个项次份";

/// `UNIT_CHARS.contains(c)` without a string search per char.
pub(crate) fn is_unit_char(c: char) -> bool {
    matches!(c, '万' | '元' | '件' | '条' | '个' | '项' | '次' | '份')
}

/// Parse one cell as a number: full-width digits, thousands separators,
/// an optional sign, decimals and a unit. `None` when it is not one number.
pub fn parse_number(s: &str) -> Option<Number> {
    // The folded text without whitespace must start with a digit or a sign.
    let first = s.chars().map(fold_char).find(|c| !c.is_whitespace())?;
    if !(first.is_ascii_digit() || first == '-' || first == '+') {
        return None;
    }
    // Only digits, signs, separators and the chars of a unit can occur.
    if s.chars().map(fold_char).any(|c| {
        !(c.is_whitespace()
            || c.is_ascii_digit()
            || matches!(c, '-' | '+' | '.' | ',')
            || is_unit_char(c))
    }) {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Number {
            negative: false,
            int: s.to_string(),
            frac: None,
            unit: String::new(),
        });
    }
    let t: String = fold(s).chars().filter(|c| !c.is_whitespace()).collect();
    let mut body = t.as_str();
    let mut unit = String::new();
    for u in UNITS {
        if let Some(b) = body.strip_suffix(u) {
            body = b;
            unit = u.to_string();
            break;
        }
    }
    let (negative, body) = match body.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, body.strip_prefix('+').unwrap_or(body)),
    };
    let (int_part, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if int_part.is_empty() || !int_part.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    // Thousands separators: groups of three after the first group.
    let int: String = if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let ok = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3);
        if !ok {
            return None;
        }
        groups.concat()
    } else {
        int_part.to_string()
    };
    if !int.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = frac {
        if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    Some(Number {
        negative,
        int,
        frac: frac.map(str::to_string),
        unit,
    })
}

/// Does the cell look like digits run together or separated by single
/// spaces (`230 000023`), possibly with a sign, decimals and a unit?
pub fn is_digit_run(s: &str) -> bool {
    let mut digits = 0;
    for c in s.chars().map(fold_char) {
        if c.is_ascii_digit() {
            digits += 1;
        } else if !(c.is_whitespace() || matches!(c, '-' | '.' | ',')) {
            // Only a trailing unit may follow (its chars are not digits).
            if digits == 0 || !is_unit_char(c) {
                return false;
            }
            let t = fold(s);
            let rest: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            return digits > 0 && UNITS.iter().any(|u| rest.ends_with(u)) && {
                let stripped = UNITS
                    .iter()
                    .find_map(|u| rest.strip_suffix(u))
                    .unwrap_or(&rest);
                stripped
                    .chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | ','))
            };
        }
    }
    digits > 0
}

/// Is this a page footer such as `-3-` or `- 3 -` or `第3页`?
pub fn is_page_footer(s: &str) -> bool {
    let end = match s.chars().map(fold_char).find(|c| !c.is_whitespace()) {
        Some('-') => '-',
        Some('第') => '页',
        _ => return false,
    };
    // The folded text without whitespace must also end so.
    if s.chars().rev().map(fold_char).find(|c| !c.is_whitespace()) != Some(end) {
        return false;
    }
    let t: String = fold(s).chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(inner) = t.strip_prefix('-').and_then(|x| x.strip_suffix('-')) {
        return !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit());
    }
    if let Some(inner) = t.strip_prefix('第').and_then(|x| x.strip_suffix('页')) {
        return !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit());
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_keys() {
        assert_eq!(key("（一）予以公开"), key("(一)予以公开"));
        assert_eq!(key("１．屬於國家秘密"), key("1.属于国家秘密"));
        assert_eq!(key("三 、本 年 度办 理 结果"), key("三、本年度办理结果"));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("1,234").and_then(|n| n.as_i64()), Some(1234));
        assert_eq!(parse_number("１２").and_then(|n| n.as_i64()), Some(12));
        assert_eq!(parse_number("-18").and_then(|n| n.as_i64()), Some(-18));
        assert_eq!(
            parse_number("7730.28").map(|n| n.decimal()).as_deref(),
            Some("7730.28")
        );
        assert!(parse_number("规章").is_none());
        assert!(parse_number("12,34").is_none());
        assert!(is_blank_marker("—"));
        assert!(is_blank_marker("/"));
        assert!(is_blank_marker("\u{3000}"));
        assert!(is_page_footer("-3-"));
        assert!(is_digit_run("230 000023"));
        assert!(is_digit_run("13575394432.52元"));
        assert!(!is_digit_run("规章"));
    }

    #[test]
    fn fast_paths_agree_with_unicode() {
        // is_alphanumeric's CJK shortcut and fold_char's CJK shortcut.
        for c in ('\u{3400}'..='\u{4DBF}').chain('\u{4E00}'..='\u{9FFF}') {
            assert!(c.is_alphanumeric(), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric());
        }
        assert!(same_key("（一）予以公开", "(一)予以公开"));
        assert!(!same_key("规章", "规范"));
        assert!(parse_number("1.属于国家秘密").is_none());
        assert!(!is_digit_run("1.属于国家秘密"));
        assert!(is_digit_run("12 3件"));
    }

    #[test]
    fn key_punct_table_agrees() {
        // Each char of the two blocks alone and amid other text.
        for code in (0x3000..0x3040).chain(0xFF00..0xFF80) {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            for s in [c.to_string(), format!("规{c}章1{c}"), format!("a{c}{c}")] {
                let want: String = key_chars(&s).collect();
                assert_eq!(key(&s), want, "{s:?}");
            }
        }
    }

    #[test]
    fn unit_chars_match() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_unit_char(c), UNIT_CHARS.contains(c), "{c:?}");
        }
    }

    #[test]
    fn whitespace_folds_to_whitespace() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if c.is_whitespace() {
                assert!(fold_char(c).is_whitespace(), "{c:?}");
            }
        }
    }

    #[test]
    fn folding_twice_is_folding_once() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(fold_char(fold_char(c)), fold_char(c), "{c:?}");
        }
    }

    #[test]
    fn fold_changes_holds_every_changed_char() {
        let listed: std::collections::HashSet<char> = fold_changes().collect();
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            if fold_char(c) != c {
                assert!(listed.contains(&c), "{c:?}");
            }
        }
    }

    #[test]
    fn bounded_levenshtein_agrees() {
        let words = [
            "",
            "一予以公开",
            "二部分公开区分处理的只计这一情形不计其他情形",
            "2其他法律行政止公开",
            "2其他法律行政法规禁止公开",
            "半年制发件数",
            "本年制发件数",
            "abcdef",
            "fedcba",
            "本年度在门户网站发布政府信息120条其中政策文件类信息24条",
        ];
        for a in words {
            for b in words {
                let ac: Vec<char> = a.chars().collect();
                let bc: Vec<char> = b.chars().collect();
                let d = levenshtein(&ac, &bc);
                for limit in 0..30 {
                    let got = levenshtein_bounded(&ac, &bc, limit);
                    assert_eq!(got, (d <= limit).then_some(d), "{a} / {b} / {limit}");
                }
                for t in [0.7, 0.75] {
                    let s = similarity(a, b);
                    let want = (s >= t).then_some(s);
                    assert_eq!(similarity_at_least(a, b, t), want, "{a} / {b}");
                }
            }
        }
    }

    #[test]
    fn fuzzy() {
        assert!(
            label_score(
                &key("2.其他法律行政止公开"),
                &key("2.其他法律行政法规禁止公开")
            ) > 0.7
        );
        assert!(label_score(&key("半年制发件数"), &key("本年制发件数")) > 0.7);
        assert_eq!(label_score(&key("规章"), &key("规范")), 0.0);
    }
}

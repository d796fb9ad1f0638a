//! Reading a `Doc` (real tables, or tables flattened into lines of text) into
//! the report model plus its narrative, with the format detected.

use crate::finding::Finding;
use crate::labels::{self, RowPlace};
use crate::model::{AnnualReport, Format, Value};
use crate::normalize::{
    fold, is_blank_marker, is_digit_run, is_page_footer, key, label_score_with, parse_number,
    LabelKey,
};
use crate::split;
use gongkai_docs::{Block, Doc};
use std::borrow::Cow;

/// The result of reading a document: the model and what reading noticed
/// (LABEL, BLANK, AMBIGUOUS). Call [`crate::check`] for the rules.
#[derive(Debug, Clone)]
pub struct ReadOutcome {
    pub report: AnnualReport,
    pub findings: Vec<Finding>,
}

/// Build a `Doc` from plain text: one paragraph per line (lines kept verbatim,
/// tabs included, so the reader can see the layout).
pub fn doc_from_text_lines(text: &str) -> Doc {
    Doc {
        blocks: text
            .lines()
            .map(|l| Block::Paragraph(l.to_string()))
            .collect(),
    }
}

// ---------- rows ----------

/// A row: its cells are `Rows::cells[start..end]`.
#[derive(Debug, Clone, Copy)]
struct Row {
    start: u32,
    end: u32,
    /// From a real table (its empty cells are real cells).
    table: bool,
    /// A level-1 heading (document title).
    title: bool,
}

/// Every row's cells in one vector (no `Vec` per row).
#[derive(Debug, Default)]
struct Rows<'a> {
    cells: Vec<Cow<'a, str>>,
    rows: Vec<Row>,
}

impl<'a> Rows<'a> {
    fn with_capacity(rows: usize, cells: usize) -> Rows<'a> {
        Rows {
            cells: Vec::with_capacity(cells),
            rows: Vec::with_capacity(rows),
        }
    }

    fn cells_of(&self, row: &Row) -> &[Cow<'a, str>] {
        self.cells
            .get(row.start as usize..row.end as usize)
            .unwrap_or(&[])
    }

    /// Ends a row at the current end of `cells`, from `start`.
    fn push_row(&mut self, start: usize, table: bool, title: bool) {
        self.rows.push(Row {
            start: start as u32,
            end: self.cells.len() as u32,
            table,
            title,
        });
    }
}

/// Lead bytes (and ASCII bytes) of chars that are not whitespace, whatever
/// follows: ASCII other than whitespace, and lead bytes no whitespace char
/// has (C2 starts U+0085 and U+00A0, E1–E3 start U+1680, U+2000… and
/// U+3000).
static TRIM_PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut x = 0;
    while x < 256 {
        let b = x as u8;
        t[x] = (b.is_ascii() && !b.is_ascii_whitespace() && b != 0x0B)
            || (b >= 0xC3 && !(b >= 0xE1 && b <= 0xE3));
        x += 1;
    }
    t
};

/// `s.trim()`, answered from the lead bytes of the first and last chars
/// when neither can be whitespace.
#[inline]
fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let plain = |x: u8| TRIM_PLAIN.get(usize::from(x)).copied().unwrap_or(false);
    let Some(&first) = b.first() else {
        return s;
    };
    // The last char's lead byte: back over at most three continuation bytes.
    let mut k = b.len() - 1;
    while k > 0 && b.get(k).is_some_and(|&x| x & 0xC0 == 0x80) && b.len() - k < 4 {
        k -= 1;
    }
    let last = b.get(k).copied().unwrap_or(0);
    if plain(first) && plain(last) {
        s
    } else {
        s.trim()
    }
}

/// Does `t` hold a bar, `|` or the full-width `｜` (bytes EF BD 9C)? One
/// `memchr2` over the line: a searcher set up per line cost more than the
/// few full-width chars (EF lead bytes) it stops at.
fn has_bar(t: &str) -> bool {
    let b = t.as_bytes();
    memchr::memchr2_iter(b'|', 0xEF, b)
        .any(|i| b.get(i) == Some(&b'|') || b.get(i + 1..i + 3) == Some(&[0xBD, 0x9C][..]))
}

/// `t.chars().any(char::is_whitespace)`, from the bytes by three SIMD
/// searches: the ASCII whitespace bytes, the lead bytes C2, E1, E2 (then the
/// char is checked: U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
/// U+202F, U+205F) and U+3000 (E3 80 80; E3 alone starts most CJK
/// punctuation).
fn has_whitespace(t: &str) -> bool {
    let b = t.as_bytes();
    if memchr::memchr3(b' ', b'\t', b'\n', b).is_some()
        || memchr::memchr3(0x0B, 0x0C, b'\r', b).is_some()
    {
        return true;
    }
    let next = |i: usize, k: usize| b.get(i + k).copied().unwrap_or(0);
    let other = memchr::memchr3_iter(0xC2, 0xE1, 0xE2, b).any(|i| match next(i, 0) {
        0xC2 => matches!(next(i, 1), 0x85 | 0xA0),
        0xE1 => next(i, 1) == 0x9A && next(i, 2) == 0x80,
        _ => match next(i, 1) {
            0x80 => matches!(next(i, 2), 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF),
            0x81 => next(i, 2) == 0x9F,
            _ => false,
        },
    });
    other || memchr::memchr_iter(0xE3, b).any(|i| next(i, 1) == 0x80 && next(i, 2) == 0x80)
}

/// The cells of a line, appended to `cells` (none for an empty line or a
/// markdown separator row). `bars`: whether the line may hold a bar (a
/// text without any need not look for one line by line).
fn split_line<'a>(line: &'a str, bars: bool, cells: &mut Vec<Cow<'a, str>>) {
    let t = trim(line);
    if t.is_empty() {
        return;
    }
    if bars && has_bar(t) {
        let separator_row = t
            .chars()
            .all(|c| matches!(c, '|' | '｜' | '-' | ':' | ' ' | '\t' | '—'));
        if separator_row {
            return; // markdown separator row
        }
        let first = cells.len();
        cells.extend(t.split(['|', '｜']).map(|c| Cow::Borrowed(trim(c))));
        if t.starts_with(['|', '｜']) && cells.get(first).is_some_and(|c| c.is_empty()) {
            cells.remove(first);
        }
        if t.ends_with(['|', '｜'])
            && cells.len() > first
            && cells.last().is_some_and(|c| c.is_empty())
        {
            cells.pop();
        }
        return;
    }
    if memchr::memchr(b'\t', t.as_bytes()).is_some() {
        // `t.split('\t')`, by the tab bytes (a tab is never inside a char),
        // eight bytes at a time: the zero-byte test on the bytes XOR 09
        // flags every tab (and maybe bytes 08 right above one, so each flag
        // is checked).
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        const TABS: u64 = 0x0909_0909_0909_0909;
        let b = t.as_bytes();
        let mut start = 0;
        let mut at = 0;
        let mut cut = |p: usize, start: &mut usize| {
            if b.get(p) == Some(&b'\t') {
                cells.push(Cow::Borrowed(trim(t.get(*start..p).unwrap_or(""))));
                *start = p + 1;
            }
        };
        while let Some(chunk) = b.get(at..at + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            let x = u64::from_le_bytes(w) ^ TABS;
            let mut flags = x.wrapping_sub(ONES) & !x & HIGHS;
            while flags != 0 {
                cut(at + (flags.trailing_zeros() / 8) as usize, &mut start);
                flags &= flags - 1;
            }
            at += 8;
        }
        for p in at..b.len() {
            cut(p, &mut start);
        }
        cells.push(Cow::Borrowed(trim(t.get(start..).unwrap_or(""))));
        return;
    }
    // pdftotext -layout: columns separated by runs of two or more spaces
    // (or one ideographic space); a single space is kept as ' '.
    if !has_whitespace(t) {
        cells.push(Cow::Borrowed(t));
        return;
    }
    // The current cell: borrowed from `start` while every single space in
    // it is ' ', else built in `owned`.
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut owned: Option<String> = None;
    let mut spaces = 0usize;
    let mut ideographic = false;
    let mut single_plain = true;
    let mut push = |start: &mut Option<usize>, end: usize, owned: &mut Option<String>| {
        match (owned.take(), *start) {
            (Some(o), _) => cells.push(Cow::Owned(o)),
            (None, Some(s)) => cells.push(Cow::Borrowed(t.get(s..end).unwrap_or(""))),
            (None, None) => cells.push(Cow::Borrowed("")),
        }
        *start = None;
    };
    for (i, c) in t.char_indices() {
        if c.is_whitespace() {
            if spaces == 0 {
                single_plain = c == ' ';
            }
            spaces += 1;
            ideographic |= c == '\u{3000}';
            continue;
        }
        if spaces > 0 {
            if spaces >= 2 || ideographic {
                push(&mut start, end, &mut owned);
            } else if let Some(o) = owned.as_mut() {
                o.push(' ');
            } else if !single_plain {
                let mut o = t.get(start.unwrap_or(0)..end).unwrap_or("").to_string();
                o.push(' ');
                owned = Some(o);
            }
            spaces = 0;
            ideographic = false;
        }
        if start.is_none() {
            start = Some(i);
        }
        end = i + c.len_utf8();
        if let Some(o) = owned.as_mut() {
            o.push(c);
        }
    }
    push(&mut start, end, &mut owned);
}

/// Builds rows from lines and blocks. Lines starting with a tab are table
/// cells, one per line, and consecutive ones form a row (text extracted from
/// DOCX tables); the group may span paragraphs when every line is its own
/// paragraph.
#[derive(Default)]
struct RowBuilder<'a> {
    rows: Rows<'a>,
    /// The first cell of the open group of tab-led lines (its cells are
    /// the last ones of `rows.cells`: any other row closes the group first).
    group: Option<usize>,
    /// The text holds no bar (`|`, `｜`) anywhere.
    no_bars: bool,
}

impl<'a> RowBuilder<'a> {
    fn flush(&mut self) {
        if let Some(g) = self.group.take() {
            let n = self.rows.cells.len().saturating_sub(g);
            self.rows.push_row(g, n > 1, false);
        }
    }

    /// One line of a paragraph (no line break inside).
    fn paragraph_line(&mut self, line: &'a str) {
        if line.starts_with('\t') {
            if self.group.is_none() {
                self.group = Some(self.rows.cells.len());
            }
            self.rows.cells.push(Cow::Borrowed(trim(line)));
            return;
        }
        self.flush();
        let start = self.rows.cells.len();
        split_line(line, !self.no_bars, &mut self.rows.cells);
        if self.rows.cells.len() > start {
            self.rows.push_row(start, false, false);
        }
    }

    fn block(&mut self, block: &'a Block) {
        match block {
            Block::Heading { level, text } => {
                self.flush();
                for line in text.lines() {
                    let start = self.rows.cells.len();
                    split_line(line, !self.no_bars, &mut self.rows.cells);
                    if self.rows.cells.len() > start {
                        self.rows.push_row(start, false, *level <= 1);
                    }
                }
            }
            Block::Paragraph(text) => {
                if text.is_empty() {
                    self.flush();
                }
                for line in text.lines() {
                    self.paragraph_line(line);
                }
            }
            Block::Table(t) => {
                self.flush();
                for r in &t.rows {
                    let start = self.rows.cells.len();
                    self.rows.cells.extend(r.iter().map(|c| {
                        Cow::Owned(c.text.split_whitespace().collect::<Vec<_>>().join(" "))
                    }));
                    self.rows.push_row(start, true, false);
                }
            }
        }
    }

    fn finish(mut self) -> Rows<'a> {
        self.flush();
        self.rows
    }
}

fn doc_rows(doc: &Doc) -> Rows<'_> {
    let mut b = RowBuilder::default();
    for block in &doc.blocks {
        b.block(block);
    }
    b.finish()
}

/// The rows of plain text, as [`gongkai_docs::read_text`] followed by
/// [`doc_rows`] would give them (one paragraph per line), without building
/// the `Doc`.
fn text_rows(text: &str) -> Rows<'_> {
    let mut b = RowBuilder {
        // About 5 cells and 50 bytes per line.
        rows: Rows::with_capacity(text.len() / 50 + 1, text.len() / 10 + 1),
        group: None,
        no_bars: memchr::memchr(b'|', text.as_bytes()).is_none()
            && memchr::memmem::find(text.as_bytes(), "｜".as_bytes()).is_none(),
    };
    let mut rest = text;
    while !rest.is_empty() {
        let (line, next) = match memchr::memchr2(b'\n', b'\r', rest.as_bytes()) {
            Some(i) => {
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                (&rest[..i], &rest[i + skip..])
            }
            None => (rest, ""),
        };
        if line.is_empty() {
            b.flush();
        } else {
            b.paragraph_line(line);
        }
        rest = next;
    }
    b.finish()
}

/// Every cell's [`key`], computed once per document (format detection, the
/// narrative and the tables all use it): one buffer, the keys separated by
/// NUL (which no key contains), and the span of each. A short cell of ASCII
/// letters and digits (numbers, most of a table) is its own key and is not
/// copied: its span is [`Keys::ITSELF`] (no format marker, all CJK, can
/// occur in such a key).
struct Keys {
    /// Per cell, the entry its key is exactly (+ 1, 0 when not known).
    entries: Vec<u16>,
    buf: String,
    spans: Vec<(u32, u32)>,
    /// Index in `spans` of each row's first cell.
    row_start: Vec<u32>,
}

impl Keys {
    const ITSELF: (u32, u32) = (u32::MAX, u32::MAX);

    /// `whole`: per cell, its whole table anchor + 1 (or 0; empty when
    /// not known), whose key is taken as it is.
    fn new(rows: &Rows, whole: &[u16], anchors: &Anchors) -> Keys {
        let bytes: usize = rows.cells.iter().map(|c| c.len() + 1).sum();
        let mut buf = String::with_capacity(bytes);
        let mut spans = Vec::with_capacity(rows.cells.len());
        let mut entries = vec![
            0u16;
            if whole.is_empty() {
                0
            } else {
                rows.cells.len()
            }
        ];
        let mut row_start = Vec::with_capacity(rows.rows.len());
        for r in &rows.rows {
            row_start.push(spans.len() as u32);
            for (j, c) in rows.cells_of(r).iter().enumerate() {
                // `key_push`'s own fast path: the key is the cell.
                if c.len() <= 8 && c.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    spans.push(Self::ITSELF);
                    continue;
                }
                let start = buf.len();
                let known = whole
                    .get(r.start as usize + j)
                    .and_then(|&w| usize::from(w).checked_sub(1))
                    .and_then(|i| anchors.whole_keys.get(i).map(|k| (i, k)));
                match known {
                    // The key of a whole anchor, computed once, and its entry.
                    Some((i, k)) => {
                        buf.push_str(k);
                        let entry = anchors.whole_exact.get(i).copied().flatten();
                        if let (Some(e), Some(slot)) = (
                            entry.and_then(|e| u16::try_from(e + 1).ok()),
                            entries.get_mut(r.start as usize + j),
                        ) {
                            *slot = e;
                        }
                    }
                    None => crate::normalize::key_push(c, &mut buf),
                }
                spans.push((start as u32, buf.len() as u32));
                buf.push('\0');
            }
        }
        Keys {
            entries,
            buf,
            spans,
            row_start,
        }
    }

    /// The entry whose key is exactly that of cell `cell` of row `row`, when
    /// known from its whole anchor.
    fn entry(&self, row: usize, cell: usize) -> Option<usize> {
        let s = *self.row_start.get(row)? as usize;
        usize::from(*self.entries.get(s + cell)?).checked_sub(1)
    }

    /// The key of cell `cell` of row `row`, whose text is `text`.
    fn get<'s>(&'s self, row: usize, cell: usize, text: &'s str) -> &'s str {
        match self
            .row_start
            .get(row)
            .and_then(|&s| self.spans.get(s as usize + cell))
        {
            Some(&Self::ITSELF) => text,
            Some(&(a, b)) => self.buf.get(a as usize..b as usize).unwrap_or(""),
            None => "",
        }
    }
}

// ---------- vocabulary ----------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Heading(usize),
    Caption,
    ProHeader,
    ProRow(&'static str),
    TableThree,
    Group(usize),
    AppRow(usize),
    Appeal { opens: bool },
}

struct Entry {
    label: Label,
    text: &'static str,
    key: String,
    folded: String,
    /// Chars in `key`.
    key_len: usize,
    /// `key`'s sorted chars (see `normalize::sorted_chars`).
    key_sorted: Option<Vec<char>>,
    /// The buckets of `key`'s chars (see [`bucket`]).
    mask: u64,
}

/// One of 64 buckets for a char (multiplicative hash): a label's chars as a
/// 64-bit mask bound how many chars it can share with a key.
fn bucket(c: char) -> usize {
    ((c as u32).wrapping_mul(0x9E37_79B1) >> 26) as usize
}

/// A fast hash for the fixed maps of labels (vocabulary, anchors), looked
/// up with cell texts where SipHash's setup dominates: the length and the
/// edge words, multiply and rotate (as FxHash). Their keys are the official
/// labels, not the document's text, so collisions cannot be forced.
#[derive(Default, Clone, Copy)]
struct FastHash(u64);

impl FastHash {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FastHash {
    fn finish(&self) -> u64 {
        self.0
    }

    /// The length and the first and last eight bytes only: the labels
    /// differ there enough (the map compares whole keys anyway), and a
    /// lookup costs the same for long cell texts.
    fn write(&mut self, bytes: &[u8]) {
        let word = |b: &[u8]| {
            let mut w = [0u8; 8];
            if let Some(dst) = w.get_mut(..b.len().min(8)) {
                dst.copy_from_slice(b.get(..dst.len()).unwrap_or(&[]));
            }
            u64::from_le_bytes(w)
        };
        let n = bytes.len();
        self.add(n as u64);
        self.add(word(bytes));
        if n > 8 {
            self.add(word(bytes.get(n - 8..).unwrap_or(&[])));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

/// A fixed set of label texts with a value each, looked up with cell texts:
/// open addressing over a table at most a quarter full, hashed by the
/// length and the edge words (as [`FastHash`]), one comparison per probe.
/// Cheaper than a `HashMap` for the ~100 lookups per document.
struct LabelTable {
    /// Index + 1 into `items`, 0 for an empty slot.
    slots: Vec<u32>,
    items: Vec<(String, usize)>,
    longest: usize,
}

impl LabelTable {
    fn hash(s: &str) -> usize {
        let mut h = FastHash::default();
        std::hash::Hasher::write(&mut h, s.as_bytes());
        (h.0 >> 32) as usize
    }

    /// The first value given for each text wins.
    fn new(items: impl IntoIterator<Item = (String, usize)>) -> LabelTable {
        let mut table = LabelTable {
            slots: Vec::new(),
            items: Vec::new(),
            longest: 0,
        };
        for (text, value) in items {
            if !table.items.iter().any(|(t, _)| *t == text) {
                table.longest = table.longest.max(text.len());
                table.items.push((text, value));
            }
        }
        let size = (4 * table.items.len() + 1).next_power_of_two();
        table.slots = vec![0; size];
        for (i, (text, _)) in table.items.iter().enumerate() {
            let mut at = Self::hash(text) & (size - 1);
            while table.slots.get(at).is_some_and(|&x| x != 0) {
                at = (at + 1) & (size - 1);
            }
            if let Some(slot) = table.slots.get_mut(at) {
                *slot = i as u32 + 1;
            }
        }
        table
    }

    fn get(&self, s: &str) -> Option<usize> {
        if s.len() > self.longest || self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = Self::hash(s) & mask;
        // The table has empty slots: the probe ends.
        loop {
            let slot = *self.slots.get(at)?;
            let (text, value) = self.items.get(slot.checked_sub(1)? as usize)?;
            if text == s {
                return Some(*value);
            }
            at = (at + 1) & mask;
        }
    }

    fn contains(&self, s: &str) -> bool {
        self.get(s).is_some()
    }
}

type FastHashBuild = std::hash::BuildHasherDefault<FastHash>;
type FastMap<K, V> = std::collections::HashMap<K, V, FastHashBuild>;
type FastSet<K> = std::collections::HashSet<K, FastHashBuild>;

/// Keyed by the document's text: the standard (randomly seeded) hasher.
type ClassifyCache<'k> = std::collections::HashMap<&'k str, Option<(usize, f64)>>;

struct Vocab {
    entries: Vec<Entry>,
    /// Index of the first entry with a given key.
    exact: LabelTable,
    /// Longest key in `exact`, in bytes (longer keys skip the map).
    exact_max: usize,
    /// Longest key of any entry, in chars: a key whose similarity with every
    /// label is necessarily below the thresholds is longer than this
    /// allows (see [`Vocab::classify_uncached`]).
    max_key_len: usize,
    heading_anchors: Anchors,
    table_anchors: Anchors,
    /// Entries by the address and length of their text.
    by_text: FastMap<(usize, usize), usize>,
    /// The heading entries, in order.
    headings: Vec<usize>,
    /// The other entries as (key length in chars, index), by length.
    by_len: Vec<(usize, usize)>,
    /// The other entries' indices, by key.
    by_key: Vec<usize>,
}

impl Vocab {
    /// The vocabulary, built once.
    fn get() -> &'static Vocab {
        static VOCAB: std::sync::OnceLock<Vocab> = std::sync::OnceLock::new();
        VOCAB.get_or_init(Vocab::new)
    }

    fn new() -> Vocab {
        let mut entries = Vec::new();
        let mut add = |label: Label, text: &'static str| {
            let k = key(text);
            let folded = fold(text);
            let mask = k.chars().fold(0u64, |m, c| m | 1 << bucket(c));
            entries.push(Entry {
                mask,
                label,
                text,
                key_len: k.chars().count(),
                key_sorted: crate::normalize::sorted_chars(&k),
                key: k,
                folded,
            })
        };
        for (i, h) in labels::SECTION_HEADINGS.iter().enumerate() {
            add(Label::Heading(i), h);
        }
        for f in [Format::F2021, Format::F2019] {
            for b in labels::proactive_blocks(f) {
                add(Label::Caption, b.caption);
                for fs in b.fields {
                    add(Label::ProHeader, fs.label);
                }
                for r in b.rows {
                    add(Label::ProRow(r.key), r.label);
                }
            }
        }
        add(Label::ProHeader, labels::CONTENT_HEADER);
        add(Label::TableThree, labels::APPLICATIONS_NOTE);
        add(Label::TableThree, labels::APPLICANT_HEADER);
        add(Label::TableThree, labels::ORGANIZATION);
        for c in labels::APPLICATION_COLUMNS {
            add(Label::TableThree, c);
        }
        add(Label::TableThree, labels::RESULTS_HEADING);
        for (g, t) in labels::RESULT_GROUPS.iter().enumerate() {
            add(Label::Group(g), t);
        }
        for (i, r) in labels::APPLICATION_ROWS.iter().enumerate() {
            add(Label::AppRow(i), r.label);
        }
        add(Label::Appeal { opens: false }, labels::RECONSIDERATION);
        add(Label::Appeal { opens: true }, labels::LITIGATION);
        for (_, t) in labels::APPEAL_BLOCKS.iter().skip(1) {
            add(Label::Appeal { opens: true }, t);
        }
        for (_, t) in labels::APPEAL_FIELDS {
            add(Label::Appeal { opens: false }, t);
        }
        let exact = LabelTable::new(entries.iter().enumerate().map(|(i, e)| (e.key.clone(), i)));
        let mut heading_anchors = Anchors::new(
            entries
                .iter()
                .filter(|e| matches!(e.label, Label::Heading(_))),
        );
        heading_anchors.set_lead_pairs();
        let mut table_anchors = Anchors::new(
            entries
                .iter()
                .filter(|e| !matches!(e.label, Label::Heading(_))),
        );
        table_anchors.set_piece_chars(crate::normalize::UNIT_CHARS);
        let exact_max = exact.longest;
        table_anchors.whole_exact = table_anchors
            .whole_keys
            .iter()
            .map(|k| exact.get(k))
            .collect();
        let max_key_len = entries.iter().map(|e| e.key_len).max().unwrap_or(0);
        let headings: Vec<usize> = (0..entries.len())
            .filter(|&i| matches!(entries[i].label, Label::Heading(_)))
            .collect();
        let mut by_len: Vec<(usize, usize)> = (0..entries.len())
            .filter(|&i| !matches!(entries[i].label, Label::Heading(_)))
            .map(|i| (entries[i].key_len, i))
            .collect();
        by_len.sort_unstable();
        let mut by_key: Vec<usize> = by_len.iter().map(|&(_, i)| i).collect();
        by_key.sort_by(|&a, &b| entries[a].key.cmp(&entries[b].key).then(a.cmp(&b)));
        let mut by_text = FastMap::default();
        for (i, e) in entries.iter().enumerate() {
            by_text
                .entry((e.text.as_ptr() as usize, e.text.len()))
                .or_insert(i);
        }
        Vocab {
            by_text,
            headings,
            by_len,
            by_key,
            entries,
            exact,
            exact_max,
            max_key_len,
            heading_anchors,
            table_anchors,
        }
    }

    /// Best label for a cell key, with its score: the highest score above
    /// 0, the first entry among equal ones.
    fn classify_uncached(&self, k: &str) -> Option<(usize, f64)> {
        if let Some(i) = self.exact(k) {
            return Some((i, 1.0));
        }
        let fl = k.chars().count();
        // Every way to a score needs the key no longer than a label + 2 (a
        // heading run on) or 10/7 of it (similarity ≥ 0.7 needs
        // min/max length ≥ 0.7; a prefix is shorter than its label).
        if fl > 120 || (fl > self.max_key_len + 2 && 7 * fl > 10 * self.max_key_len) {
            return None;
        }
        // Headings keep their numeral (一、 … 六、) and may run on into
        // their first words; other labels score 0 unless both keys have 4
        // chars or more and their lengths are close (similarity is at most
        // min/max of the lengths, thresholds ≥ 0.7: 10·min ≥ 7·max) or `k`
        // is a prefix of the label. Only those are scored: the lengths in
        // the window from the index by length, the prefixes from the index
        // by key. A candidate is (entry, score when known without scoring).
        // How many of the key's chars fall in each bucket: the sum over a
        // label's buckets bounds the chars they share (`common_chars`), which
        // a similarity at the threshold needs to be at least threshold × the
        // longer length (`label_score_with`); below it only a prefix scores.
        let mut in_bucket = [0u32; 64];
        let mut k_mask = 0u64;
        for c in k.chars() {
            let b = bucket(c);
            k_mask |= 1 << b;
            if let Some(n) = in_bucket.get_mut(b) {
                *n += 1;
            }
        }
        let hopeless = |e: &Entry| {
            let threshold = if e.key_len >= 8 { 0.7 } else { 0.75 };
            let mut bound = 0u32;
            // The other buckets hold none of the key's chars.
            let mut m = e.mask & k_mask;
            while m != 0 {
                bound += in_bucket
                    .get(m.trailing_zeros() as usize)
                    .copied()
                    .unwrap_or(0);
                m &= m - 1;
            }
            // (The first bytes compared before the whole prefix.)
            f64::from(bound) < threshold * fl.max(e.key_len) as f64
                && !(e.key.as_bytes().first() == k.as_bytes().first() && e.key.starts_with(k))
        };
        // Entries of the length window are tested with `hopeless` as they
        // are found (only the others are kept): few candidates remain.
        // On the stack while they fit, in order.
        let mut candidates = Candidates::default();
        let first = k.chars().next();
        for &i in &self.headings {
            let Some(e) = self.entries.get(i) else {
                continue;
            };
            if first != e.key.chars().next() {
                continue;
            }
            let run_on = k.starts_with(&e.key) && fl <= e.key_len + 2;
            candidates.push((i, run_on.then_some(1.0)));
        }
        if fl >= 4 {
            let lo = (7 * fl).div_ceil(10).max(4);
            let start = self.by_len.partition_point(|&(len, _)| len < lo);
            for &(sl, i) in self.by_len.get(start..).unwrap_or(&[]) {
                if 7 * sl > 10 * fl {
                    break;
                }
                if self.entries.get(i).is_some_and(|e| !hopeless(e)) {
                    candidates.push((i, None));
                }
            }
            let start = self
                .by_key
                .partition_point(|&i| self.entries.get(i).is_some_and(|e| e.key.as_str() < k));
            for &i in self.by_key.get(start..).unwrap_or(&[]) {
                let Some(e) = self.entries.get(i) else {
                    break;
                };
                if !e.key.starts_with(k) {
                    break;
                }
                // Those in the length window are candidates already.
                if e.key_len >= 4 && 7 * e.key_len > 10 * fl {
                    candidates.push((i, None));
                }
            }
        }
        let mut sorted_buf = ['\0'; 64];
        let mut sorted_ready = false;
        let mut best: Option<(usize, f64)> = None;
        for (i, known) in candidates.iter() {
            let Some(e) = self.entries.get(i) else {
                continue;
            };
            // (`k` is no entry's key: `exact` answered those.)
            if known.is_none() && hopeless(e) {
                continue;
            }
            // The key's sorted chars (see `normalize::sorted_chars`), on
            // the stack, once a label needs them.
            if known.is_none() && !sorted_ready {
                for (slot, c) in sorted_buf.iter_mut().zip(k.chars()) {
                    *slot = c;
                }
                if let Some(v) = sorted_buf.get_mut(..fl) {
                    v.sort_unstable();
                }
                sorted_ready = true;
            }
            let k_sorted = if fl <= 64 { sorted_buf.get(..fl) } else { None };
            let s = known.unwrap_or_else(|| {
                label_score_with(
                    LabelKey {
                        key: k,
                        len: fl,
                        sorted: k_sorted,
                    },
                    LabelKey {
                        key: &e.key,
                        len: e.key_len,
                        sorted: e.key_sorted.as_deref(),
                    },
                )
            });
            if s > 0.0 && best.is_none_or(|(bi, b)| s > b || (s == b && i < bi)) {
                best = Some((i, s));
            }
        }
        best
    }

    /// The key of an official label, when `label` is the text of an entry
    /// (the same static string, found by its address).
    fn key_of_label(&self, label: &str) -> Option<&str> {
        let i = *self.by_text.get(&(label.as_ptr() as usize, label.len()))?;
        self.entries
            .get(i)
            .filter(|e| e.text == label)
            .map(|e| e.key.as_str())
    }

    /// [`key`] of a label: the entry's key when `label` is the text of an
    /// entry (no allocation), else computed.
    fn key_of<'s>(&'s self, label: &str) -> Cow<'s, str> {
        match self.key_of_label(label) {
            Some(k) => Cow::Borrowed(k),
            None => Cow::Owned(key(label)),
        }
    }

    /// The entry whose key is exactly `k`.
    fn exact(&self, k: &str) -> Option<usize> {
        if k.len() > self.exact_max {
            return None;
        }
        self.exact.get(k)
    }

    /// [`Vocab::classify_uncached`] with the exact entries first, as
    /// [`Vocab::classify`] answers, not remembered.
    fn classify_once(&self, k: &str) -> Option<(usize, f64)> {
        match self.exact(k) {
            Some(i) => Some((i, 1.0)),
            None => self.classify_uncached(k),
        }
    }

    /// [`Vocab::classify_uncached`], remembered per document (the same cell
    /// text is classified more than once: narrative lines, repeated labels).
    fn classify<'k>(&self, cache: &mut ClassifyCache<'k>, k: &'k str) -> Option<(&Entry, f64)> {
        if let Some(i) = self.exact(k) {
            return self.entries.get(i).map(|e| (e, 1.0));
        }
        let found = match cache.get(k) {
            Some(found) => *found,
            None => {
                let found = self.classify_uncached(k);
                cache.insert(k, found);
                found
            }
        };
        found.and_then(|(i, s)| self.entries.get(i).map(|e| (e, s)))
    }
}

// ---------- explosion of run-together text ----------

/// Candidates of a fuzzy classification, in order: sixteen on the stack,
/// more in a vector.
#[derive(Default)]
struct Candidates {
    first: [(usize, Option<f64>); 16],
    n: usize,
    more: Vec<(usize, Option<f64>)>,
}

impl Candidates {
    fn push(&mut self, c: (usize, Option<f64>)) {
        match self.first.get_mut(self.n) {
            Some(slot) => {
                *slot = c;
                self.n += 1;
            }
            None => self.more.push(c),
        }
    }

    fn iter(&self) -> impl Iterator<Item = (usize, Option<f64>)> + '_ {
        self.first
            .get(..self.n)
            .unwrap_or(&[])
            .iter()
            .chain(self.more.iter())
            .copied()
    }
}

/// A set of anchors for [`explode`]: their folded texts in one
/// leftmost-longest automaton.
struct Anchors {
    ac: Option<aho_corasick::AhoCorasick>,
    folded: FastSet<String>,
    /// Some anchor is all ASCII (else an ASCII cell holds none).
    ascii: bool,
    /// Folded anchors that fold to themselves, and the labels as written: a
    /// cell spelled exactly so is one whole anchor, which [`explode`] leaves
    /// alone.
    whole: LabelTable,
    /// The [`key`] of each whole anchor (the value of `whole`).
    whole_keys: Vec<String>,
    /// The vocabulary entry whose key is each whole anchor's key
    /// ([`Vocab::exact`]), when set.
    whole_exact: Vec<Option<usize>>,
    /// For anchors whose pieces are kept only when every piece is an
    /// anchor, blank or a digit run (the table labels): a bitset of the BMP
    /// marking the chars such pieces can hold once folded (besides
    /// whitespace). A cell with any other char is not exploded.
    piece_chars: Option<Vec<u64>>,
    /// For the headings, see [`LeadPairs`].
    lead_pairs: Option<LeadPairs>,
}

/// The chars that fold to an anchor's first char and to its second char,
/// and the first UTF-8 bytes of the latter: a cell where no char of the
/// second kind follows one of the first kind (and precedes one of the
/// third) holds no anchor, which is
/// checked from the bytes (a `memchr3` for the second chars, then the char
/// before) instead of folding the cell and running the automaton.
struct LeadPairs {
    firsts: Vec<char>,
    seconds: Vec<char>,
    /// The chars that fold to an anchor's third char (every anchor has
    /// three): one of them must follow the pair.
    thirds: Vec<char>,
    needles: [u8; 3],
}

impl Anchors {
    fn new<'e>(entries: impl Iterator<Item = &'e Entry>) -> Anchors {
        let mut folded = FastSet::default();
        let mut ascii = false;
        let mut whole: Vec<(String, usize)> = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        for e in entries {
            ascii |= e.folded.is_ascii();
            if fold(&e.folded) == e.folded {
                whole.push((e.folded.clone(), whole.len()));
            }
            // The label as written folds to the anchor: one whole anchor too.
            whole.push((e.text.to_string(), whole.len()));
            folded.insert(e.folded.clone());
            if !e.folded.is_empty() && !patterns.contains(&e.folded) {
                patterns.push(e.folded.clone());
            }
        }
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&patterns)
            .ok();
        Anchors {
            ac,
            folded,
            ascii,
            whole_keys: whole.iter().map(|(w, _)| key(w)).collect(),
            whole_exact: Vec::new(),
            whole: LabelTable::new(whole),
            piece_chars: None,
            lead_pairs: None,
        }
    }

    /// Sets [`Anchors::lead_pairs`], unless an anchor is shorter than three
    /// chars or the second chars start with more than three distinct bytes.
    fn set_lead_pairs(&mut self) {
        let mut s1 = Vec::new();
        let mut s2 = Vec::new();
        let mut s3 = Vec::new();
        for f in &self.folded {
            let mut cs = f.chars();
            match (cs.next(), cs.next(), cs.next()) {
                (Some(a), Some(b), Some(c)) => {
                    s1.push(a);
                    s2.push(b);
                    s3.push(c);
                }
                _ => return,
            }
        }
        // A char outside `fold_changes` folds to itself.
        let mut firsts = Vec::new();
        let mut seconds = Vec::new();
        let mut thirds = Vec::new();
        for c in crate::normalize::fold_changes()
            .chain(s1.iter().copied())
            .chain(s2.iter().copied())
            .chain(s3.iter().copied())
        {
            let f = crate::normalize::fold_char(c);
            if s1.contains(&f) && !firsts.contains(&c) {
                firsts.push(c);
            }
            if s2.contains(&f) && !seconds.contains(&c) {
                seconds.push(c);
            }
            if s3.contains(&f) && !thirds.contains(&c) {
                thirds.push(c);
            }
        }
        let mut leads: Vec<u8> = Vec::new();
        for c in &seconds {
            let mut buf = [0u8; 4];
            let lead = c
                .encode_utf8(&mut buf)
                .as_bytes()
                .first()
                .copied()
                .unwrap_or(0);
            if !leads.contains(&lead) {
                leads.push(lead);
            }
        }
        let needles = match leads.as_slice() {
            [a] => [*a, *a, *a],
            [a, b] => [*a, *b, *b],
            [a, b, c] => [*a, *b, *c],
            _ => return,
        };
        self.lead_pairs = Some(LeadPairs {
            firsts,
            seconds,
            thirds,
            needles,
        });
    }

    /// The key of `cell` when it is one whole anchor.
    fn whole_key(&self, cell: &str) -> Option<(u16, &str)> {
        let i = self.whole.get(cell)?;
        let k = self.whole_keys.get(i)?;
        Some((u16::try_from(i).ok()?, k.as_str()))
    }

    /// `false` when `cell` cannot hold an anchor (see [`LeadPairs`]).
    fn may_hold_anchor(&self, cell: &str) -> bool {
        let Some(lp) = &self.lead_pairs else {
            return true;
        };
        let [n0, n1, n2] = lp.needles;
        // The needles are first bytes of chars, so each hit starts a char.
        memchr::memchr3_iter(n0, n1, n2, cell.as_bytes()).any(|i| {
            let mut after = cell.get(i..).unwrap_or("").chars();
            after.next().is_some_and(|c| lp.seconds.contains(&c))
                && after.next().is_some_and(|c| lp.thirds.contains(&c))
                && cell
                    .get(..i)
                    .and_then(|t| t.chars().next_back())
                    .is_some_and(|c| lp.firsts.contains(&c))
        })
    }

    /// Sets [`Anchors::piece_chars`]: the chars of the folded anchors, the
    /// ASCII digits, `-`, `.`, `,` and the chars of units (see
    /// `normalize::is_digit_run`).
    fn set_piece_chars(&mut self, units: &str) {
        let mut bits = vec![0u64; 1024];
        let chars = self
            .folded
            .iter()
            .flat_map(|f| f.chars())
            .chain("0123456789-.,".chars())
            .chain(units.chars());
        for c in chars {
            let i = c as usize;
            if let Some(w) = bits.get_mut(i / 64) {
                *w |= 1 << (i % 64);
            }
        }
        self.piece_chars = Some(bits);
    }

    /// Can `cell` be cut into pieces that are all anchors, blank or digit
    /// runs? `false` when a char of it, folded, is in none of them.
    fn may_be_pieces(&self, cell: &str) -> bool {
        let Some(bits) = &self.piece_chars else {
            return true;
        };
        cell.chars().all(|c| {
            let f = crate::normalize::fold_char(c);
            let i = f as usize;
            f.is_whitespace() || bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
        })
    }
}

/// Split `cell` at occurrences of the given anchors (folded, exact; the
/// leftmost longest anchor, then on after it). Returns the pieces, anchors
/// being their own pieces, or `None` when that would be the cell itself (no
/// anchor, or one anchor that is the whole cell), or when the anchors have
/// [`Anchors::piece_chars`] and the cell cannot be cut into such pieces. `scratch` is a reused
/// buffer.
fn explode<'c>(
    cell: &Cow<'c, str>,
    anchors: &Anchors,
    scratch: &mut String,
) -> Option<Vec<Cow<'c, str>>> {
    explode_with(cell, anchors, scratch, false)
}

/// [`explode`]; with `plain_gaps`, `None` as soon as a piece between the
/// anchors is neither an anchor, blank nor a digit run ([`table_pieces`]
/// drops such explosions), tested on the folded text: folding keeps a
/// piece's anchor and digit-run tests (it is idempotent) and maps
/// whitespace to whitespace (tests check both for every char).
fn explode_with<'c>(
    cell: &Cow<'c, str>,
    anchors: &Anchors,
    scratch: &mut String,
    plain_gaps: bool,
) -> Option<Vec<Cow<'c, str>>> {
    if (cell.is_ascii() && !anchors.ascii) || anchors.whole.contains(cell.as_ref()) {
        return None;
    }
    if !anchors.may_be_pieces(cell) || !anchors.may_hold_anchor(cell) {
        return None;
    }
    let ac = anchors.ac.as_ref()?;
    crate::normalize::fold_into(cell, scratch);
    let folded = scratch.as_str();
    // Spans as byte offsets in `folded`.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for m in ac.find_iter(folded) {
        spans.push((m.start(), m.end()));
    }
    if spans.is_empty() || spans == [(0, folded.len())] {
        return None;
    }
    if plain_gaps {
        let gap_ok = |g: &str| {
            anchors.folded.contains(g) || g.chars().all(char::is_whitespace) || is_digit_run(g)
        };
        let mut start = 0;
        for &(a, b) in &spans {
            if start < a && !gap_ok(folded.get(start..a).unwrap_or("")) {
                return None;
            }
            start = b;
        }
        if start < folded.len() && !gap_ok(folded.get(start..).unwrap_or("")) {
            return None;
        }
    }
    // Folding maps one char to one char: offsets in `folded` to offsets in
    // `cell` by walking both (only when their lengths differ).
    let to_cell = |x: usize| -> usize {
        if folded.len() == cell.len() {
            return x;
        }
        let chars = folded.get(..x).map_or(0, |f| f.chars().count());
        cell.char_indices()
            .nth(chars)
            .map_or(cell.len(), |(b, _)| b)
    };
    let piece = |a: usize, b: usize| -> Cow<'c, str> {
        let (x, y) = (to_cell(a), to_cell(b));
        match cell {
            Cow::Borrowed(c) => Cow::Borrowed(c.get(x..y).unwrap_or("")),
            Cow::Owned(c) => Cow::Owned(c.get(x..y).unwrap_or("").to_string()),
        }
    };
    let mut pieces = Vec::with_capacity(2 * spans.len() + 1);
    let mut start = 0;
    for (a, b) in spans {
        if start < a {
            pieces.push(piece(start, a));
        }
        pieces.push(piece(a, b));
        start = b;
    }
    if start < folded.len() {
        pieces.push(piece(start, folded.len()));
    }
    Some(pieces)
}

/// The pieces of a cell where table labels run together with numbers, when
/// everything between the labels is numbers (or blank).
fn table_pieces<'c>(
    cell: &Cow<'c, str>,
    anchors: &Anchors,
    scratch: &mut String,
) -> Option<Vec<Cow<'c, str>>> {
    explode_with(cell, anchors, scratch, true).filter(|pieces| {
        pieces
            .iter()
            .all(|p| anchors.folded.contains(&fold(p)) || p.trim().is_empty() || is_digit_run(p))
    })
}

/// Table labels run together with numbers in the last row of `out`: cells
/// where everything between the anchors is numbers are replaced by their
/// pieces (blank ones dropped).
fn explode_last_row<'a>(out: &mut Rows<'a>, anchors: &Anchors, scratch: &mut String) {
    let Some(row) = out.rows.last().copied() else {
        return;
    };
    let mut i = row.start as usize;
    while i < out.cells.len() {
        // `explode`'s first test, before the call (most cells are numbers).
        if !anchors.ascii && out.cells.get(i).is_some_and(|c| c.is_ascii()) {
            i += 1;
            continue;
        }
        let pieces = out
            .cells
            .get(i)
            .and_then(|cell| table_pieces(cell, anchors, scratch));
        match pieces {
            Some(pieces) => {
                let rest: Vec<Cow<'a, str>> = out.cells.drain(i + 1..).collect();
                out.cells.truncate(i);
                out.cells
                    .extend(pieces.into_iter().filter(|p| !p.trim().is_empty()));
                i = out.cells.len();
                out.cells.extend(rest);
            }
            None => i += 1,
        }
    }
    if let Some(last) = out.rows.last_mut() {
        last.end = out.cells.len() as u32;
    }
}

/// `s.chars().nth(12).is_some()`, from the length where it decides: fewer
/// than 13 bytes are fewer than 13 chars, more than 48 bytes (4 per char
/// at most) are more than 12.
fn more_than_12_chars(s: &str) -> bool {
    s.len() > 48 || (s.len() >= 13 && s.chars().nth(12).is_some())
}

/// Headings inside long text start new rows; then table labels run together
/// with numbers are cut out of each row's cells ([`explode_last_row`]).
/// Also returns, when no row changes, each cell's whole table anchor (its
/// index in `whole_keys` + 1, 0 for none): its key is known.
fn explode_rows<'a>(rows: Rows<'a>, vocab: &Vocab) -> (Rows<'a>, Vec<u16>) {
    let headings = &vocab.heading_anchors;
    let table_anchors = &vocab.table_anchors;
    let mut scratch = String::new();
    let mut whole = vec![0u16; rows.cells.len()];
    // The rows before the first one that changes (a heading inside, or a
    // cell of table labels and numbers) stay where they are; most texts
    // have none.
    let mut changes = |r: &Row, scratch: &mut String| {
        let mut at = r.start as usize;
        rows.cells_of(r).iter().any(|cell| {
            at += 1;
            if more_than_12_chars(cell) && explode(cell, headings, scratch).is_some() {
                return true;
            }
            // `explode`'s first test: no anchor is ASCII.
            if cell.is_ascii() && !table_anchors.ascii {
                return false;
            }
            // A whole anchor is not exploded (`explode`'s own test).
            if let Some((i, _)) = table_anchors.whole_key(cell) {
                if let Some(slot) = whole.get_mut(at - 1) {
                    *slot = i.saturating_add(1);
                }
                return false;
            }
            table_pieces(cell, table_anchors, scratch).is_some()
        })
    };
    let Some(r0) = rows.rows.iter().position(|r| changes(r, &mut scratch)) else {
        return (rows, whole);
    };
    let Rows {
        cells: mut kept,
        rows,
    } = rows;
    let from = rows.get(r0).map_or(kept.len(), |r| r.start as usize);
    let mut src_cells = kept.split_off(from.min(kept.len()));
    let mut out = Rows {
        cells: kept,
        rows: rows.get(..r0).unwrap_or(&[]).to_vec(),
    };
    out.rows.reserve(rows.len() - out.rows.len() + 8);
    out.cells.reserve(src_cells.len() + 8);
    for row in rows.get(r0..).unwrap_or(&[]) {
        // The row's cells are moved out (`take` leaves an empty `Owned`,
        // which does not allocate); `src_cells` starts at cell `from`.
        let src = src_cells
            .get_mut(
                (row.start as usize).saturating_sub(from)..(row.end as usize).saturating_sub(from),
            )
            .unwrap_or(&mut []);
        // A row without any heading is kept as it is.
        let first = src.iter().position(|cell| {
            more_than_12_chars(cell) && explode(cell, headings, &mut scratch).is_some()
        });
        let Some(first) = first else {
            let start = out.cells.len();
            out.cells.extend(src.iter_mut().map(std::mem::take));
            out.push_row(start, row.table, row.title);
            explode_last_row(&mut out, table_anchors, &mut scratch);
            continue;
        };
        let mut pending = out.cells.len();
        for (ci, slot) in src.iter_mut().enumerate() {
            let cell = std::mem::take(slot);
            if ci >= first && more_than_12_chars(&cell) {
                if let Some(pieces) = explode(&cell, headings, &mut scratch) {
                    for p in pieces {
                        let is_heading = headings.folded.contains(&fold(&p));
                        if is_heading {
                            if out.cells.len() > pending {
                                out.push_row(pending, row.table, row.title);
                                explode_last_row(&mut out, table_anchors, &mut scratch);
                            }
                            let start = out.cells.len();
                            out.cells.push(p);
                            out.push_row(start, false, false);
                            explode_last_row(&mut out, table_anchors, &mut scratch);
                            pending = out.cells.len();
                        } else if !p.trim().is_empty() {
                            out.cells.push(p);
                        }
                    }
                    if out.cells.len() > pending {
                        out.push_row(pending, row.table, row.title);
                        explode_last_row(&mut out, table_anchors, &mut scratch);
                        pending = out.cells.len();
                    }
                    continue;
                }
            }
            out.cells.push(cell);
        }
        if out.cells.len() > pending {
            out.push_row(pending, row.table, row.title);
            explode_last_row(&mut out, table_anchors, &mut scratch);
        }
    }
    (out, Vec::new())
}

// ---------- format, year, agency ----------

/// The format markers (keys), 2019 ones first, each with its searcher.
fn markers() -> &'static [memchr::memmem::Finder<'static>] {
    static MARKERS: std::sync::OnceLock<Vec<memchr::memmem::Finder<'static>>> =
        std::sync::OnceLock::new();
    MARKERS.get_or_init(|| {
        labels::MARKERS_2019
            .iter()
            .chain(labels::MARKERS_2021.iter())
            .map(|m| memchr::memmem::Finder::new(key(m).as_bytes()).into_owned())
            .collect()
    })
}

/// Can two occurrences of markers overlap (one marker inside another, or a
/// proper suffix of one the prefix of another, in bytes)?
fn markers_may_overlap(markers: &[&[u8]]) -> bool {
    markers.iter().enumerate().any(|(i, a)| {
        markers.iter().enumerate().any(|(j, b)| {
            i != j
                && (memchr::memmem::find(b, a).is_some()
                    || (1..a.len().min(b.len())).any(|n| {
                        a.get(a.len() - n..)
                            .is_some_and(|suffix| b.starts_with(suffix))
                    }))
        })
    })
}

/// All the markers in one automaton, when no two occurrences can overlap
/// (then one leftmost, non-overlapping pass finds every occurrence that
/// the searches marker by marker find).
fn markers_automaton() -> Option<&'static aho_corasick::AhoCorasick> {
    static AC: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> = std::sync::OnceLock::new();
    AC.get_or_init(|| {
        let needles: Vec<&[u8]> = markers().iter().map(|f| f.needle()).collect();
        if needles.iter().any(|n| n.is_empty()) || markers_may_overlap(&needles) {
            return None;
        }
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostFirst)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&needles)
            .ok()
    })
    .as_ref()
}

/// The format with more marker cells: each cell counts once for each marker
/// its key contains.
fn detect_format(keys: &Keys) -> Format {
    let n2019 = labels::MARKERS_2019.len();
    let mut s2019 = 0;
    let mut s2021 = 0;
    let buf = keys.buf.as_bytes();
    if let Some(ac) = markers_automaton() {
        // Per marker, the end of the last cell counted.
        let mut counted_to = [0usize; labels::MARKERS_2019.len() + labels::MARKERS_2021.len()];
        for m in ac.find_iter(buf) {
            let (id, at) = (m.pattern().as_usize(), m.start());
            let Some(to) = counted_to.get_mut(id) else {
                continue;
            };
            if at < *to {
                continue;
            }
            *to = memchr::memchr(0, buf.get(at..).unwrap_or(&[])).map_or(buf.len(), |e| at + e);
            if id < n2019 {
                s2019 += 1;
            } else {
                s2021 += 1;
            }
        }
        return if s2019 > s2021 {
            Format::F2019
        } else {
            Format::F2021
        };
    }
    for (id, finder) in markers().iter().enumerate() {
        // Cells are separated by NUL in the buffer, so no match spans two;
        // a cell counts once however often it holds the marker.
        let mut counted_to = 0;
        let mut from = 0;
        while let Some(p) = buf.get(from..).and_then(|b| finder.find(b)) {
            let at = from + p;
            from = at + finder.needle().len().max(1);
            if at < counted_to {
                continue;
            }
            counted_to =
                memchr::memchr(0, buf.get(at..).unwrap_or(&[])).map_or(buf.len(), |e| at + e);
            if id < n2019 {
                s2019 += 1;
            } else {
                s2021 += 1;
            }
        }
    }
    if s2019 > s2021 {
        Format::F2019
    } else {
        Format::F2021
    }
}

/// Find `YYYY年` in `s`, which is folded (digits possibly full width in the
/// original, spaces allowed before 年). Both callers pass folded text and
/// folding twice is folding once (a test checks every char).
fn years_in(s: &str) -> Vec<(usize, i32)> {
    let mut chars: Vec<char> = Vec::with_capacity(s.len());
    chars.extend(s.chars());
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= chars.len() {
        let four = &chars[i..i + 4];
        if four.iter().all(|c| c.is_ascii_digit()) && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            let mut j = i + 4;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            if chars.get(j) == Some(&'年') {
                // Four ASCII digits (as `parse` reads them).
                let y = four
                    .iter()
                    .fold(0i32, |v, c| v * 10 + c.to_digit(10).map_or(0, |d| d as i32));
                if (2000..=2100).contains(&y) {
                    out.push((i, y));
                }
            }
        }
        i += 1;
    }
    out
}

const AGENCY_ENDINGS: [&str; 24] = [
    "政府",
    "街道",
    "办事处",
    "办公厅",
    "办公室",
    "局",
    "委员会",
    "委",
    "镇",
    "乡",
    "区",
    "县",
    "市",
    "厅",
    "院",
    "中心",
    "所",
    "部",
    "署",
    "会",
    "处",
    "站",
    "队",
    "馆",
];

fn clean_agency(s: &str) -> Option<String> {
    let mut t = s.trim();
    for p in ["标题:", "标题：", "关于"] {
        if let Some(r) = t.strip_prefix(p) {
            t = r.trim();
        }
    }
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let n = t.chars().count();
    if (2..=40).contains(&n)
        && !t.chars().any(|c| {
            c.is_ascii_digit() || matches!(c, '，' | '。' | '：' | '；' | '（' | '）' | '《' | '》')
        })
        && AGENCY_ENDINGS.iter().any(|e| t.ends_with(e))
    {
        Some(t)
    } else {
        None
    }
}

/// Year and agency from the title lines (before section 一).
/// `keys` holds the [`key`] of (at least) the first 16 lines.
fn title_info(lines: &[Cow<str>], keys: &[Cow<str>]) -> (Option<i32>, Option<String>, Vec<usize>) {
    let mut year = None;
    let mut agency = None;
    let mut title_lines = Vec::new();
    // A title says 年度报告; "…年报" lines (portal menus: "2018年年报") count
    // only when no line does.
    let key_of = |i: usize| keys.get(i).map_or("", |k| k.as_ref());
    let strict = |i: usize, line: &Cow<str>| {
        let k = key_of(i);
        (k.contains("年度报告") || (k.contains("政府信息") && key_of(i + 1).contains("年度报告")))
            && line.chars().count() <= 80
    };
    let any_strict = lines.iter().enumerate().take(15).any(|(i, l)| strict(i, l));
    for (i, line) in lines.iter().enumerate().take(15) {
        let k = key_of(i);
        let is_title = if any_strict {
            strict(i, line)
        } else {
            k.contains("年报") && line.chars().count() <= 80
        };
        if !is_title {
            continue;
        }
        title_lines.push(i);
        if k.contains("政府信息") && !k.contains("年度报告") {
            title_lines.push(i + 1);
        }
        let folded = fold(line);
        let ys = years_in(&folded);
        if year.is_none() {
            year = ys.first().map(|(_, y)| *y);
        }
        if agency.is_none() {
            let cut = ys.first().map(|(p, _)| *p).or_else(|| {
                folded
                    .find(labels::TITLE_SUFFIX)
                    .map(|b| folded[..b].chars().count())
            });
            if let Some(p) = cut {
                let before: String = folded.chars().take(p).collect();
                agency = clean_agency(&before);
            }
            if agency.is_none() {
                // "2019年上海市人民政府办公厅政府信息公开工作年度报告"
                if let Some((p, _)) = ys.first() {
                    let after: String = folded.chars().skip(p + 4).collect();
                    let after = after
                        .trim_start()
                        .trim_start_matches('年')
                        .trim_start_matches('度');
                    if let Some(end) = after.find("政府信息公开") {
                        agency = clean_agency(&after[..end]);
                    }
                }
            }
            if agency.is_none() && i > 0 {
                agency = lines.get(i - 1).and_then(|l| clean_agency(l));
                if agency.is_some() {
                    title_lines.push(i - 1);
                }
            }
        }
    }
    if year.is_none() {
        year = period_year(lines);
    }
    (year, agency, title_lines)
}

/// The year of the statistical period (统计期限自2021年1月1日 …).
fn period_year(lines: &[Cow<str>]) -> Option<i32> {
    for line in lines {
        let f = fold(line);
        if let Some(p) = f.find("统计期") {
            if let Some((_, y)) = years_in(&f[p..]).first() {
                return Some(*y);
            }
        }
    }
    None
}

// ---------- tokens and the reading machine ----------

#[derive(Debug, Clone, Copy)]
enum Tok<'r> {
    /// The cell and its key.
    Text(&'r str, &'r str, Option<usize>),
    /// The cell and its value when it is plain digits ([`plain_digits`]).
    Num(&'r str, Option<i64>),
    Blank,
    RowEnd {
        multi: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Empty,
    Blank,
    Value,
    Text,
}

/// The value of a cell of 1 to 18 ASCII digits (`s.parse()` cannot
/// overflow there), read while testing it.
fn plain_digits(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 18 {
        return None;
    }
    let mut v = 0i64;
    for &x in b {
        let d = x.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + i64::from(d);
    }
    Some(v)
}

/// The kind of a cell, `None` for a page footer.
fn cell_kind(c: &str) -> Option<Kind> {
    // Fast paths, same answers: plain digits are a value; a cell whose first
    // non-blank folded char is none of those a page footer (- 第), a blank
    // marker (- / \ _ ~ 无), a number (digit, sign) or a digit run (digit,
    // - . ,) can start with is text (it is not blank either: that char is
    // not whitespace).
    if !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Kind::Value);
    }
    let first = c
        .chars()
        .map(crate::normalize::fold_char)
        .find(|x| !x.is_whitespace());
    if let Some(f) = first {
        if !(f.is_ascii_digit()
            || matches!(
                f,
                '-' | '+' | '.' | ',' | '/' | '\\' | '_' | '~' | '第' | '无'
            ))
        {
            return Some(Kind::Text);
        }
        // Likewise a cell with a char (folded) that none of them holds:
        // footers hold - 第 页 and digits, blank markers - / \ _ ~ 无,
        // numbers and digit runs digits, signs, . , and unit chars (all
        // besides whitespace).
        let other = c.chars().map(crate::normalize::fold_char).any(|x| {
            !(x.is_whitespace()
                || x.is_ascii_digit()
                || matches!(
                    x,
                    '-' | '+' | '.' | ',' | '/' | '\\' | '_' | '~' | '第' | '页' | '无'
                )
                || crate::normalize::is_unit_char(x))
        });
        if other {
            return Some(Kind::Text);
        }
    }
    if is_page_footer(c) {
        return None;
    }
    Some(if c.trim().is_empty() {
        Kind::Empty
    } else if is_blank_marker(c) {
        Kind::Blank
    } else if parse_number(c).is_some() || is_digit_run(c) {
        Kind::Value
    } else {
        Kind::Text
    })
}

/// The tokens of a row, in order, to `emit`; `cells` is a reused buffer.
fn row_tokens<'r>(
    row: &'r [Cow<'r, str>],
    ri: usize,
    keys: &'r Keys,
    cells: &mut Vec<(&'r str, usize, Kind, Option<i64>)>,
    mut emit: impl FnMut(Tok<'r>),
) {
    cells.clear();
    for (ci, c) in row.iter().enumerate() {
        // Plain digits are a value (`cell_kind`'s first test).
        let plain = plain_digits(c);
        let kind = if plain.is_some() {
            Some(Kind::Value)
        } else {
            cell_kind(c)
        };
        if let Some(kind) = kind {
            cells.push((c.as_ref(), ci, kind, plain));
        }
    }
    let last_text = cells.iter().rposition(|(_, _, k, _)| *k == Kind::Text);
    let after = last_text.map(|p| p + 1).unwrap_or(0);
    let has_num_after = cells
        .iter()
        .skip(after)
        .any(|(_, _, k, _)| *k == Kind::Value);
    let count_after = cells.len().saturating_sub(after);
    let multi = cells.len() >= 2;
    for (i, &(c, ci, kind, plain)) in cells.iter().enumerate() {
        if kind == Kind::Empty {
            let counts = multi && i >= after && (has_num_after || count_after >= 2);
            if counts {
                emit(Tok::Blank);
            }
        } else if kind == Kind::Blank {
            emit(Tok::Blank);
        } else if kind == Kind::Value {
            emit(Tok::Num(c, plain));
        } else {
            emit(Tok::Text(c, keys.get(ri, ci, c), keys.entry(ri, ci)));
        }
    }
    emit(Tok::RowEnd { multi });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Pro(usize),
    App(usize),
    /// （六）其他处理 printed as one row.
    OtherGroup,
    Appeals,
}

#[derive(Debug)]
struct Pending<'r> {
    target: Target,
    /// Borrowed from the cell while it is one cell.
    label_raw: Cow<'r, str>,
    /// The key of `label_raw` while it is one cell.
    label_key: Option<&'r str>,
    values: Vec<Tok<'r>>,
}

struct Reader<'a, 'r> {
    format: Format,
    vocab: &'a Vocab,
    report: AnnualReport,
    findings: Vec<Finding>,
    table: Option<u8>,
    caption: Option<usize>,
    group: Option<usize>,
    pending: Option<Pending<'r>>,
    /// Table 三 rows printed run together: candidates to be chosen jointly.
    deferred: Vec<(usize, Vec<[i64; 7]>)>,
    other_as_one_row: bool,
    /// Cell keys already classified in this document.
    classified: ClassifyCache<'r>,
    /// An empty buffer for the next pending row's values.
    spare_values: Vec<Tok<'r>>,
}

fn location_pro(format: Format, idx: usize, field: Option<usize>) -> String {
    let rows = labels::proactive_rows_static(format);
    let blocks = labels::proactive_blocks(format);
    let Some((b, r)) = rows.get(idx) else {
        return labels::TABLE_PROACTIVE.to_string();
    };
    let block = blocks.get(*b);
    let caption = block.map(|b| b.caption).unwrap_or("");
    match field.and_then(|f| block.and_then(|b| b.fields.get(f))) {
        Some(f) => format!(
            "{}/{}/{}/{}",
            labels::TABLE_PROACTIVE,
            caption,
            r.label,
            f.label
        ),
        None => format!("{}/{}/{}", labels::TABLE_PROACTIVE, caption, r.label),
    }
}

impl<'a, 'r> Reader<'a, 'r> {
    fn label_finding(
        &mut self,
        location: impl FnOnce() -> String,
        found: &str,
        found_key: Option<&str>,
        expected: &str,
    ) {
        let same = match found_key {
            Some(k) => match self.vocab.key_of_label(expected) {
                Some(key) => k == key,
                None => crate::normalize::is_key_of(k, expected),
            },
            None => crate::normalize::same_key(found, expected),
        };
        if !same {
            self.findings.push(Finding::warning(
                "LABEL",
                location(),
                format!("标签「{}」与标准标签「{}」不一致", found.trim(), expected),
            ));
        }
    }

    /// A text cell; `known` is its classification when already made (the
    /// narrative pass classifies every row of one cell).
    fn text(&mut self, raw: &'r str, k: &'r str, known: Option<Option<(usize, f64)>>) {
        if k.is_empty() {
            return;
        }
        let classified = match known {
            Some(found) => {
                found.and_then(|(i, s)| self.vocab.entries.get(i).map(|e| (e.label, e.text, s)))
            }
            None => self
                .vocab
                .classify(&mut self.classified, k)
                .map(|(e, s)| (e.label, e.text, s)),
        };
        match classified {
            Some((Label::Heading(h), _, _)) => {
                self.finish();
                self.table = match h {
                    1 => Some(2),
                    2 => Some(3),
                    3 => Some(4),
                    _ => None,
                };
                self.caption = None;
            }
            Some((Label::Caption, text, _)) => {
                self.finish();
                self.table = Some(2);
                let text_key = self.vocab.key_of(text);
                self.caption = labels::proactive_blocks(self.format)
                    .iter()
                    .position(|b| self.vocab.key_of(b.caption) == text_key);
            }
            Some((Label::ProHeader, text, _)) if self.table == Some(2) => {
                self.finish();
                let blocks = labels::proactive_blocks(self.format);
                // The caption's block, or every block: their field labels.
                let own_blocks = match self.caption.and_then(|c| blocks.get(c)) {
                    Some(b) => std::slice::from_ref(b),
                    None => blocks,
                };
                let own = || {
                    own_blocks
                        .iter()
                        .flat_map(|b| b.fields.iter().map(|f| f.label))
                };
                let exact = self.vocab.key_of(labels::CONTENT_HEADER) == k
                    || own().any(|l| self.vocab.key_of(l) == k);
                if !exact {
                    let caption = self
                        .caption
                        .and_then(|c| blocks.get(c))
                        .map(|b| b.caption)
                        .unwrap_or("");
                    let expected = own()
                        .max_by(|a, b| {
                            crate::normalize::similarity(k, &key(a))
                                .total_cmp(&crate::normalize::similarity(k, &key(b)))
                        })
                        .unwrap_or(text);
                    self.label_finding(
                        || format!("{}/{}/表头", labels::TABLE_PROACTIVE, caption),
                        raw,
                        Some(k),
                        expected,
                    );
                }
            }
            Some((Label::ProRow(row_key), _, _))
                if self.table == Some(2) || self.table.is_none() =>
            {
                self.finish();
                let rows = labels::proactive_rows_static(self.format);
                if let Some(idx) = rows.iter().position(|(_, r)| r.key == row_key) {
                    self.table = Some(2);
                    self.pending = Some(Pending {
                        target: Target::Pro(idx),
                        label_raw: Cow::Borrowed(raw),
                        label_key: Some(k),
                        values: std::mem::take(&mut self.spare_values),
                    });
                }
            }
            Some((Label::TableThree, _, _)) => {
                if self.table != Some(4) {
                    self.finish();
                    self.table = Some(3);
                }
            }
            Some((Label::Group(g), _, _)) => {
                // pdftotext puts a vertically centred group label between the
                // lines of a wrapped item label of that group: keep the item.
                let inside_item = self.pending.as_ref().is_some_and(|p| {
                    p.values.is_empty()
                        && matches!(p.target, Target::App(i)
                            if labels::APPLICATION_ROWS.get(i).map(|s| s.place)
                                == Some(RowPlace::Item(g)))
                });
                if inside_item {
                    self.group = Some(g);
                    return;
                }
                self.finish();
                self.table = Some(3);
                self.group = Some(g);
                if g == labels::OTHER_GROUP {
                    self.pending = Some(Pending {
                        target: Target::OtherGroup,
                        label_raw: Cow::Borrowed(raw),
                        label_key: Some(k),
                        values: std::mem::take(&mut self.spare_values),
                    });
                }
            }
            Some((Label::AppRow(idx), _, score)) => {
                // "3.其他" only under （六）.
                if idx == labels::ROW_OTHER_OTHER
                    && score < 1.0
                    && self.group != Some(labels::OTHER_GROUP)
                {
                    return self.unknown(raw);
                }
                self.finish();
                self.table = Some(3);
                if let Some(spec) = labels::APPLICATION_ROWS.get(idx) {
                    if let RowPlace::Item(g) = spec.place {
                        self.group = Some(g);
                    }
                }
                self.pending = Some(Pending {
                    target: Target::App(idx),
                    label_raw: Cow::Borrowed(raw),
                    label_key: Some(k),
                    values: std::mem::take(&mut self.spare_values),
                });
            }
            Some((Label::Appeal { opens }, _, _)) => {
                if self.table == Some(4) || opens {
                    self.table = Some(4);
                    if !matches!(
                        self.pending.as_ref().map(|p| p.target),
                        Some(Target::Appeals)
                    ) {
                        self.finish();
                        self.pending = Some(Pending {
                            target: Target::Appeals,
                            label_raw: Cow::Borrowed(""),
                            label_key: None,
                            values: std::mem::take(&mut self.spare_values),
                        });
                    }
                } else if self.table != Some(3) {
                    self.unknown(raw);
                } else {
                    // 总计 / 其他 column headers of table 三.
                    self.finish();
                }
            }
            _ => self.unknown(raw),
        }
    }

    fn unknown(&mut self, raw: &str) {
        let Some(p) = self.pending.as_mut() else {
            return;
        };
        if p.target == Target::Appeals {
            if !p.values.is_empty() {
                self.finish();
            }
            return;
        }
        if p.values.is_empty() && p.label_raw.chars().count() < 80 {
            p.label_raw.to_mut().push_str(raw.trim());
            p.label_key = None;
        } else {
            self.finish();
        }
    }

    fn value(&mut self, tok: Tok<'r>) {
        if let Some(p) = self.pending.as_mut() {
            p.values.push(tok);
        }
    }

    fn row_end(&mut self, multi: bool) {
        let done = self.pending.as_ref().is_some_and(|p| {
            multi && !p.values.is_empty() && (p.target != Target::Appeals || p.values.len() >= 15)
        });
        if done {
            self.finish();
        }
    }

    /// Values of a pending row as cells: numbers (with whitespace-separated
    /// runs expanded when that gives exactly `n` clean cells) and blanks.
    fn cells_of<'v>(values: &'v [Tok<'r>], n: usize) -> Cells<'v, 'r> {
        let mut len = values.len();
        while len > n && matches!(values.get(len - 1), Some(Tok::Blank)) {
            len -= 1;
        }
        let vals = values.get(..len).unwrap_or(&[]);

        if vals.len() == n
            && vals
                .iter()
                .all(|t| matches!(t, Tok::Blank) || matches!(t, Tok::Num(s, p) if clean(s, *p)))
        {
            return Cells::Exact(Cow::Borrowed(vals));
        }
        // Expand single-space separated numbers.
        let mut expanded: Vec<Tok<'r>> = Vec::new();
        for t in vals {
            match t {
                Tok::Num(s, p) if !clean(s, *p) || s.trim().contains(' ') => {
                    for p in s.split_whitespace() {
                        expanded.push(Tok::Num(p, None));
                    }
                }
                other => expanded.push(*other),
            }
        }
        if expanded.len() == n
            && expanded
                .iter()
                .all(|t| matches!(t, Tok::Blank) || matches!(t, Tok::Num(s, p) if clean(s, *p)))
        {
            return Cells::Exact(Cow::Owned(expanded));
        }
        let nums: Vec<&str> = vals
            .iter()
            .filter_map(|t| match t {
                Tok::Num(s, _) => Some(*s),
                _ => None,
            })
            .collect();
        let has_blank = vals.iter().any(|t| matches!(t, Tok::Blank));
        if !has_blank
            && !nums.is_empty()
            && (nums.len() < n || nums.iter().any(|s| !clean(s, None)))
        {
            // Digits run together (possibly with stray spaces).
            let joined: String = nums.concat();
            let run_like = nums.len() == 1
                || nums
                    .iter()
                    .any(|s| s.trim().contains(' ') || !clean(s, None));
            if run_like {
                return Cells::Run(joined);
            }
        }
        if vals.len() > n {
            return Cells::Exact(Cow::Borrowed(vals.get(..n).unwrap_or(vals)));
        }
        Cells::Short
    }

    fn blank_finding(&mut self, location: String) {
        self.findings.push(Finding::warning(
            "BLANK",
            location,
            "该单元格为空或为“/”“—”，已按0计",
        ));
    }

    fn finish(&mut self) {
        let Some(p) = self.pending.take() else {
            return;
        };
        match p.target {
            Target::Pro(idx) => self.finish_pro(idx, &p),
            Target::App(idx) => self.finish_app(idx, &p, false),
            Target::OtherGroup => {
                if !p.values.is_empty() {
                    self.finish_app(labels::ROW_OTHER_OTHER, &p, true);
                }
            }
            Target::Appeals => self.finish_appeals(&p),
        }
        // The values' buffer serves the next pending row.
        let mut values = p.values;
        values.clear();
        self.spare_values = values;
    }

    fn finish_pro(&mut self, idx: usize, p: &Pending<'r>) {
        let rows = labels::proactive_rows_static(self.format);
        let blocks = labels::proactive_blocks(self.format);
        let Some((b, spec)) = rows.get(idx).copied() else {
            return;
        };
        let Some(fields) = blocks.get(b).map(|bl| bl.fields) else {
            return;
        };
        if self.report.proactive.get(idx).is_some_and(Option::is_some) {
            return;
        }
        let format = self.format;
        self.label_finding(
            || location_pro(format, idx, None),
            &p.label_raw,
            p.label_key,
            spec.label,
        );
        let values = match Self::cells_of(&p.values, fields.len()) {
            Cells::Exact(toks) => {
                let mut vals = Vec::new();
                for (fi, (t, f)) in toks.iter().zip(fields).enumerate() {
                    match t {
                        Tok::Blank => {
                            self.blank_finding(location_pro(self.format, idx, Some(fi)));
                            vals.push(Value::zero(f.kind));
                        }
                        Tok::Num(s, plain) => vals.push(pro_value(s, *plain, f.kind)),
                        _ => {}
                    }
                }
                vals
            }
            Cells::Run(s) => match split::split_proactive(&s, fields) {
                Some(split) => {
                    if split.count > 1 {
                        let show = |v: &[Value]| {
                            v.iter().map(Value::display).collect::<Vec<_>>().join("/")
                        };
                        let mut listed: Vec<String> =
                            split.candidates.iter().map(|c| show(c)).collect::<Vec<_>>();
                        if split.count > split.candidates.len() {
                            if let Some(last) = listed.last_mut() {
                                last.push_str("……");
                            }
                        }
                        self.findings.push(Finding::warning(
                            "AMBIGUOUS",
                            location_pro(self.format, idx, None),
                            format!(
                                "「{}」的数字连在一起（{}），表二没有可据以拆分的合计关系，共有{}种拆法符合各栏格式（{}），暂按{}读取，请核对原文",
                                spec.label,
                                s.trim(),
                                split.count,
                                listed.join("、"),
                                show(&split.values)
                            ),
                        ));
                    }
                    split.values
                }
                None => return,
            },
            Cells::Short => return,
        };
        if let Some(slot) = self.report.proactive.get_mut(idx) {
            *slot = Some(values);
        }
    }

    fn finish_app(&mut self, idx: usize, p: &Pending<'r>, as_group: bool) {
        if !labels::row_in_format(self.format, idx)
            || self
                .report
                .applications
                .get(idx)
                .is_some_and(Option::is_some)
            || self.deferred.iter().any(|(i, _)| *i == idx)
        {
            return;
        }
        let format = self.format;
        let loc = || {
            format!(
                "{}/{}",
                labels::TABLE_APPLICATIONS,
                labels::row_location(format, idx)
            )
        };
        if as_group && self.format == Format::F2021 {
            self.other_as_one_row = true;
            self.findings.push(Finding::warning(
                "LABEL",
                loc(),
                format!(
                    "2021年格式中「{}」应分列「{}」「{}」「{}」三项，原文只填一行，其数值已计入「{}」",
                    labels::RESULT_GROUPS[labels::OTHER_GROUP],
                    labels::APPLICATION_ROWS[20].label,
                    labels::APPLICATION_ROWS[21].label,
                    labels::APPLICATION_ROWS[22].label,
                    labels::APPLICATION_ROWS[22].label,
                ),
            ));
        } else {
            self.label_finding(
                loc,
                &p.label_raw,
                p.label_key,
                labels::row_label(self.format, idx),
            );
        }
        match Self::cells_of(&p.values, 7) {
            Cells::Exact(toks) => {
                let mut row = [0i64; 7];
                for (c, t) in toks.iter().enumerate() {
                    match t {
                        Tok::Blank => self.blank_finding(format!(
                            "{}/{}",
                            loc(),
                            labels::APPLICATION_COLUMNS[c]
                        )),
                        Tok::Num(s, plain) => row[c] = plain.unwrap_or_else(|| int_value(s)),
                        _ => {}
                    }
                }
                if let Some(slot) = self.report.applications.get_mut(idx) {
                    *slot = Some(row);
                }
            }
            Cells::Run(s) => {
                let Some(d) = split::digits_of(&s) else {
                    return;
                };
                let mut cands = split::split_row_r3(&d);
                if cands.is_empty() {
                    cands = split::split_free(&d, 7)
                        .into_iter()
                        .filter_map(|v| <[i64; 7]>::try_from(v).ok())
                        .collect();
                }
                if !cands.is_empty() {
                    self.deferred.push((idx, cands));
                }
            }
            Cells::Short => {}
        }
    }

    fn finish_appeals(&mut self, p: &Pending<'r>) {
        if self.report.appeals.iter().any(Option::is_some) {
            return;
        }
        let cells: Option<[i64; 15]> = match Self::cells_of(&p.values, 15) {
            Cells::Exact(toks) => {
                let mut v = [0i64; 15];
                for (i, t) in toks.iter().enumerate() {
                    match t {
                        Tok::Blank => {
                            let (_, bl) = labels::APPEAL_BLOCKS[i / 5];
                            let (_, fl) = labels::APPEAL_FIELDS[i % 5];
                            self.blank_finding(format!("{}/{}/{}", labels::TABLE_APPEALS, bl, fl));
                        }
                        Tok::Num(s, plain) => v[i] = plain.unwrap_or_else(|| int_value(s)),
                        _ => {}
                    }
                }
                Some(v)
            }
            Cells::Run(s) => split::digits_of(&s).and_then(|d| {
                let c = split::split_appeals_r4(&d);
                let chosen = if c.is_empty() {
                    split::split_free(&d, 15)
                        .into_iter()
                        .filter_map(|v| <[i64; 15]>::try_from(v).ok())
                        .next()
                } else {
                    c.first().copied()
                };
                if c.len() > 1 || (c.is_empty() && chosen.is_some()) {
                    self.findings.push(Finding::warning(
                        "AMBIGUOUS",
                        labels::TABLE_APPEALS,
                        format!(
                            "表四的数字连在一起（{}），有多种拆分方式都满足表内关系，请核对原文",
                            s.trim()
                        ),
                    ));
                }
                chosen
            }),
            Cells::Short => None,
        };
        if let Some(v) = cells {
            for b in 0..3 {
                let mut block = [0i64; 5];
                block.copy_from_slice(&v[b * 5..b * 5 + 5]);
                self.report.appeals[b] = Some(block);
            }
        }
    }

    /// Choose jointly among the candidate splits of run-together rows so that
    /// R1 and R2 hold as far as possible.
    fn resolve_deferred(&mut self) {
        let deferred = std::mem::take(&mut self.deferred);
        if deferred.is_empty() {
            return;
        }
        let product: f64 = deferred.iter().map(|(_, c)| c.len() as f64).product();
        let mut choice: Vec<usize> = vec![0; deferred.len()];
        let mut ambiguous = false;
        if product <= 200_000.0 && deferred.iter().any(|(_, c)| c.len() > 1) {
            let mut best_score = -1i64;
            let mut best_count = 0usize;
            let mut idx = vec![0usize; deferred.len()];
            loop {
                let mut apps = self.report.applications.clone();
                for (k, (row, cands)) in deferred.iter().enumerate() {
                    if let Some(slot) = apps.get_mut(*row) {
                        *slot = cands.get(idx[k]).copied();
                    }
                }
                let score = crate::rules::satisfied_sums(self.format, &apps);
                if score > best_score {
                    best_score = score;
                    best_count = 1;
                    choice = idx.clone();
                } else if score == best_score {
                    best_count += 1;
                }
                // next combination
                let mut k = 0;
                loop {
                    if k == idx.len() {
                        break;
                    }
                    idx[k] += 1;
                    if idx[k] < deferred[k].1.len() {
                        break;
                    }
                    idx[k] = 0;
                    k += 1;
                }
                if k == idx.len() {
                    break;
                }
            }
            ambiguous = best_count > 1;
        } else if deferred.iter().any(|(_, c)| c.len() > 1) {
            ambiguous = true;
        }
        for (k, (row, cands)) in deferred.iter().enumerate() {
            let chosen = cands.get(choice[k]).copied();
            if let Some(slot) = self.report.applications.get_mut(*row) {
                *slot = chosen;
            }
            if ambiguous && cands.len() > 1 {
                let shown = chosen
                    .map(|c| {
                        c.iter()
                            .map(|v| v.to_string())
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .unwrap_or_default();
                self.findings.push(Finding::warning(
                    "AMBIGUOUS",
                    format!(
                        "{}/{}",
                        labels::TABLE_APPLICATIONS,
                        labels::row_location(self.format, *row)
                    ),
                    format!(
                        "该行数字连在一起，有{}种拆分都符合表内勾稽关系，暂按{}读取，请核对原文",
                        cands.len(),
                        shown
                    ),
                ));
            }
        }
    }
}

/// A cell read as one clean number: no leading zero (unless separated by
/// thousands); `plain` is its value when it is plain digits.
#[inline(always)]
fn clean(s: &str, plain: Option<i64>) -> bool {
    if plain.is_some() || (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())) {
        // parse_number's fast path: `int` is `s` itself.
        return !(s.len() > 1 && s.starts_with('0'));
    }
    parse_number(s).is_some_and(|num| {
        !(num.int.len() > 1 && num.int.starts_with('0') && !num.int.contains(','))
    })
}

enum Cells<'v, 'r> {
    Exact(Cow<'v, [Tok<'r>]>),
    Run(String),
    Short,
}

fn int_value(s: &str) -> i64 {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().unwrap_or(0);
    }
    parse_number(s).and_then(|n| n.as_i64()).unwrap_or(0)
}

/// `plain`: the value when `s` is plain digits (see [`plain_digits`]).
fn pro_value(s: &str, plain: Option<i64>, kind: labels::FieldKind) -> Value {
    match kind {
        labels::FieldKind::Count | labels::FieldKind::Change => {
            Value::Int(plain.unwrap_or_else(|| int_value(s)))
        }
        labels::FieldKind::Money => Value::Text(
            parse_number(s)
                .map(|n| n.decimal())
                .unwrap_or_else(|| s.trim().to_string()),
        ),
        labels::FieldKind::Text => Value::Text(
            fold(s)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>(),
        ),
    }
}

/// Read a document into a report. Never panics; whatever cannot be found is
/// left `None` and reported MISSING by [`crate::check`].
pub fn read_doc(doc: &Doc) -> ReadOutcome {
    read_rows(doc_rows(doc))
}

/// Read plain text into a report: the same as [`read_doc`] of the `Doc` that
/// `gongkai_docs::read_text` makes of it (one paragraph per line), without
/// building that `Doc`.
pub fn read_text(text: &str) -> ReadOutcome {
    read_rows(text_rows(text))
}

/// A row's cells as one line (`cells.join(" ")`), borrowed when it is one
/// cell.
fn line_of<'c>(cells: &'c [Cow<'c, str>]) -> Cow<'c, str> {
    match cells {
        [c] => Cow::Borrowed(c.as_ref()),
        _ => Cow::Owned(cells.join(" ")),
    }
}

fn read_rows(rows: Rows<'_>) -> ReadOutcome {
    let vocab = Vocab::get();
    let (rows, whole) = explode_rows(rows, vocab);
    let keys = Keys::new(&rows, &whole, &vocab.table_anchors);
    let format = detect_format(&keys);
    let mut reader = Reader {
        format,
        vocab,
        report: AnnualReport::empty(format),
        findings: Vec::new(),
        table: None,
        caption: None,
        group: None,
        pending: None,
        deferred: Vec::new(),
        other_as_one_row: false,
        classified: ClassifyCache::default(),
        spare_values: Vec::with_capacity(16),
    };

    // Narrative and title.
    let mut section: Option<usize> = None;
    // Lines of one cell borrowed, others joined.
    let mut pre_lines: Vec<Cow<str>> = Vec::new();
    // The keys of the first 16 of them, from the cells' keys: a key drops
    // the space that joins the cells, so a line's key is its cells' keys
    // one after the other.
    let mut pre_keys: Vec<Cow<str>> = Vec::with_capacity(16);
    let mut pre_is_title: Vec<bool> = Vec::new();
    let mut sections: [Vec<Cow<str>>; 6] = Default::default();
    // The classification of each row of one cell, reused by the tables.
    let mut single: Vec<Option<(usize, f64)>> = vec![None; rows.rows.len()];
    for (ri, row) in rows.rows.iter().enumerate() {
        let cells = rows.cells_of(row);
        if let [_] = cells {
            let k = keys.get(ri, 0, cells.first().map_or("", |c| c.as_ref()));
            let found = vocab.classify_once(k);
            if let Some(slot) = single.get_mut(ri) {
                *slot = found;
            }
            if let Some((e, s)) = found.and_then(|(i, s)| vocab.entries.get(i).map(|e| (e, s))) {
                if let Label::Heading(h) = e.label {
                    if s >= 0.75 && !row.table {
                        section = Some(h);
                        continue;
                    }
                }
            }
        }
        if row.table {
            continue;
        }
        match section {
            None => {
                if pre_keys.len() < 16 {
                    pre_keys.push(match cells {
                        [c] => Cow::Borrowed(keys.get(ri, 0, c)),
                        _ => Cow::Owned(
                            cells
                                .iter()
                                .enumerate()
                                .map(|(ci, c)| keys.get(ri, ci, c))
                                .collect(),
                        ),
                    });
                }
                pre_lines.push(line_of(cells));
                pre_is_title.push(row.title);
            }
            Some(h @ (0 | 4 | 5)) => sections[h].push(line_of(cells)),
            Some(_) => {}
        }
    }
    let (year, agency, title_idx) = title_info(&pre_lines, &pre_keys);
    reader.report.year = year;
    reader.report.agency = agency;
    reader.report.narrative.preamble = pre_lines
        .iter()
        .enumerate()
        .filter(|(i, _)| !title_idx.contains(i) && !pre_is_title.get(*i).copied().unwrap_or(false))
        .map(|(_, l)| l.as_ref())
        .collect::<Vec<_>>()
        .join("\n");
    for (i, s) in sections.iter().enumerate() {
        reader.report.narrative.sections[i] = s.join("\n");
    }
    if reader.report.year.is_none() {
        reader.report.year = period_year(&sections[0]);
    }

    // Tables.
    // Row by row (a row's tokens depend on the row alone).
    let mut cells = Vec::new();
    for (ri, row) in rows.rows.iter().enumerate() {
        let row = rows.cells_of(row);
        let known = if row.len() == 1 {
            single.get(ri).copied()
        } else {
            None
        };
        row_tokens(row, ri, &keys, &mut cells, |t| match t {
            // A key that is exactly an entry's is classified as that entry.
            Tok::Text(s, k, entry) => reader.text(s, k, known.or(entry.map(|e| Some((e, 1.0))))),
            Tok::Num(..) | Tok::Blank => reader.value(t),
            Tok::RowEnd { multi } => reader.row_end(multi),
        });
    }
    reader.finish();
    reader.resolve_deferred();
    if reader.other_as_one_row {
        for idx in [20, 21] {
            if let Some(slot) = reader.report.applications.get_mut(idx) {
                if slot.is_none() {
                    *slot = Some([0; 7]);
                }
            }
        }
    }
    ReadOutcome {
        report: reader.report,
        findings: reader.findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_digits_agree_with_parse() {
        for s in [
            "",
            "0",
            "007",
            "12a",
            "１２",
            "999999999999999999",
            "9999999999999999999",
            "-1",
        ] {
            let want = (!s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<i64>().unwrap_or(0));
            assert_eq!(plain_digits(s), want, "{s}");
            if let Some(v) = plain_digits(s) {
                assert_eq!(v, int_value(s), "{s}");
            }
        }
    }

    #[test]
    fn markers_in_one_pass() {
        // The automaton is in force for the markers as they are.
        assert!(markers_automaton().is_some());
        assert!(markers_may_overlap(&[b"abc", b"cd"]));
        assert!(markers_may_overlap(&[b"abc", b"b"]));
        assert!(!markers_may_overlap(&[b"abc", b"bd", b"x"]));
    }

    #[test]
    fn heading_lead_pairs_are_in_force() {
        let h = &Vocab::get().heading_anchors;
        assert!(h.lead_pairs.is_some());
        for t in labels::SECTION_HEADINGS {
            assert!(h.may_hold_anchor(t), "{t}");
            assert!(h.may_hold_anchor(&format!("前文{t}后文")), "{t}");
            // Written with the other chars that fold alike.
            assert!(h.may_hold_anchor(&t.replace('、', "．")), "{t}");
        }
        assert!(!h.may_hold_anchor("本年度在门户网站发布政府信息120条，其中。"));
    }

    #[test]
    fn tab_split_agrees_with_str_split() {
        // Lines of tabs, backspaces (the bytes the word test may flag next
        // to a tab), spaces and other chars, every length up to 40.
        let parts = ["\t", "\u{8}", "a", " ", "规", "\t\u{8}", "\u{8}\t", "12"];
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut line = String::from("x");
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            for _ in 0..(seed >> 59) + (seed >> 62) * 8 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                line.push_str(parts[(seed >> 61) as usize]);
            }
            let t = trim(&line);
            if !t.contains('\t') || has_bar(t) {
                continue;
            }
            let mut cells = Vec::new();
            split_line(&line, true, &mut cells);
            let want: Vec<&str> = t.split('\t').map(trim).collect();
            assert_eq!(cells, want, "{line:?}");
        }
    }

    #[test]
    fn cell_kind_fast_paths_agree() {
        // The answer without fast paths, for cells of up to three chars
        // from a pool of every kind of char the tests look at.
        let reference = |c: &str| {
            if is_page_footer(c) {
                return None;
            }
            Some(if c.trim().is_empty() {
                Kind::Empty
            } else if is_blank_marker(c) {
                Kind::Blank
            } else if parse_number(c).is_some() || is_digit_run(c) {
                Kind::Value
            } else {
                Kind::Text
            })
        };
        let pool = [
            "", " ", "\u{3000}", "\u{200b}", "1", "１", "0", "-", "—", "+", ".", "．", ",", "，",
            "/", "\\", "_", "~", "第", "页", "无", "万元", "件", "条", "规", "a", "（", "、", "%",
        ];
        for a in pool {
            for b in pool {
                for d in pool {
                    let c = format!("{a}{b}{d}");
                    assert!(cell_kind(&c) == reference(&c), "{c:?}");
                }
            }
        }
    }

    #[test]
    fn more_than_12_chars_agrees() {
        for unit in ["a", "é", "规", "😀"] {
            for n in 0..20 {
                let s = unit.repeat(n);
                assert_eq!(more_than_12_chars(&s), s.chars().nth(12).is_some(), "{s}");
            }
        }
    }

    #[test]
    fn trim_agrees_for_every_char() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [
                c.to_string(),
                format!("规{c}"),
                format!("{c}a"),
                format!("{c}规{c}"),
            ] {
                assert_eq!(trim(&s), s.trim(), "{s:?}");
            }
        }
    }

    #[test]
    fn whitespace_by_bytes_agrees() {
        // Every char alone and between ideographs.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let alone = c.to_string();
            assert_eq!(has_whitespace(&alone), c.is_whitespace(), "{c:?}");
            let framed = format!("规{c}章");
            assert_eq!(has_whitespace(&framed), c.is_whitespace(), "{c:?}");
        }
    }

    #[test]
    fn fast_text_helpers_agree() {
        let samples = [
            "",
            " ",
            "\t",
            "abc",
            " abc ",
            "\u{3000}规章\u{3000}",
            "规章",
            "规章 ",
            "规章\u{a0}",
            "\u{85}x",
            "x\u{2028}",
            "（一）予以公开",
            "a｜b",
            "a|b",
            "ab｜",
            "｜",
            "（）",
            "\u{ef}",
            "ａ\u{200b}",
            "\u{b}x\u{c}",
            "é",
            "é ",
        ];
        for s in samples {
            assert_eq!(trim(s), s.trim(), "{s:?}");
            assert_eq!(
                has_whitespace(s),
                s.chars().any(char::is_whitespace),
                "{s:?}"
            );
            assert_eq!(has_bar(s), s.contains(['|', '｜']), "{s:?}");
        }
    }
}

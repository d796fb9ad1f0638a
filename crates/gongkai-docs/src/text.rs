//! Plain text: encoding detection, one paragraph per line, and text output.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};
use std::borrow::Cow;

use crate::grid::Grid;
use crate::limits::check_size;
use crate::model::{Block, Doc};
use crate::DocError;

/// Decodes bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM (or
/// without BOM when the zero bytes make it obvious), else the encoding guessed
/// by `chardetng` (GBK/GB18030 for Chinese), decoded strictly.
pub fn decode_text(bytes: &[u8]) -> Result<String, DocError> {
    decode_text_borrowed(bytes).map(Cow::into_owned)
}

/// [`decode_text`] without copying: valid UTF-8 without BOM (most text) is
/// borrowed from `bytes`, anything else decoded as by [`decode_text`].
pub fn decode_text_borrowed(bytes: &[u8]) -> Result<Cow<'_, str>, DocError> {
    check_size(bytes)?;
    // What `decode_with` does first, answered cheaply for the common case:
    // no BOM, no zero byte in the sample `utf16_without_bom` looks at (it
    // needs zero bytes), valid UTF-8 (checked by SIMD; its errors are
    // left to the full path).
    let sample = &bytes[..bytes.len().min(UTF16_SAMPLE)];
    if Encoding::for_bom(bytes).is_none() && !sample.contains(&0) {
        if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
            if looks_binary(text) {
                return Err(DocError::NotText);
            }
            return Ok(Cow::Borrowed(text));
        }
    }
    let text = decode_with(bytes, None, true)?;
    if looks_binary(&text) {
        return Err(DocError::NotText);
    }
    Ok(Cow::Owned(text))
}

/// Reads plain text: one [`Block::Paragraph`] per line (`\n`, `\r\n` or `\r`),
/// keeping leading tabs and spaces and empty lines.
pub fn read_text(bytes: &[u8]) -> Result<Doc, DocError> {
    let text = decode_text(bytes)?;
    Ok(Doc {
        blocks: split_lines(&text)
            .map(|l| Block::Paragraph(l.to_string()))
            .collect(),
    })
}

/// Lines of `text`; a final line terminator does not start a new empty line.
pub(crate) fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let s = rest?;
        if s.is_empty() {
            rest = None;
            return None;
        }
        match s.find(['\n', '\r']) {
            Some(i) => {
                let line = &s[..i];
                let skip = if s[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&s[i + skip..]);
                Some(line)
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}

/// Decodes `bytes`: a BOM decides; else UTF-16 recognised by its zero bytes;
/// else UTF-8 when the bytes are valid UTF-8 (a GBK text of any length almost
/// never is, while pages declaring gb2312 but saved as UTF-8 are common); else
/// the `declared` encoding when it decodes cleanly; else a guess. With
/// `strict`, malformed sequences are an error; otherwise they become U+FFFD.
pub(crate) fn decode_with(
    bytes: &[u8],
    declared: Option<&'static Encoding>,
    strict: bool,
) -> Result<String, DocError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return decode_one(enc, &bytes[bom_len..], strict).ok_or(DocError::InvalidEncoding);
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        if let Some(s) = decode_one(enc, bytes, true) {
            return Ok(s);
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => return Ok(s.to_string()),
        // A file cut inside its last character (partial downloads): keep
        // the complete part.
        Err(e) if e.error_len().is_none() && e.valid_up_to() + 4 > bytes.len() => {
            return Ok(String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned());
        }
        Err(_) => {}
    }
    if let Some(enc) = declared {
        // UTF-16 labels in <meta> are a known lie (the bytes are ASCII-compatible).
        if enc != UTF_16BE && enc != UTF_16LE {
            if let Some(s) = decode_one(enc, bytes, true) {
                return Ok(s);
            }
        }
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"cn"), chardetng::Utf8Detection::Deny);
    // Single-byte encodings decode anything, so only CJK multi-byte
    // encodings are tried: a Chinese document in none of them is broken.
    let cjk = [
        GB18030,
        encoding_rs::GBK,
        encoding_rs::BIG5,
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::EUC_KR,
    ];
    let first = if cjk.contains(&guess) { guess } else { GB18030 };
    for enc in [first, GB18030, encoding_rs::BIG5] {
        if let Some(s) = decode_one(enc, bytes, true) {
            return Ok(s);
        }
    }
    if strict {
        return Err(DocError::InvalidEncoding);
    }
    let enc = declared.unwrap_or(first);
    decode_one(enc, bytes, false).ok_or(DocError::InvalidEncoding)
}

fn decode_one(enc: &'static Encoding, bytes: &[u8], strict: bool) -> Option<String> {
    if strict {
        // Allow a multi-byte character cut off at the very end.
        (0..=3usize.min(bytes.len())).find_map(|cut| {
            enc.decode_without_bom_handling_and_without_replacement(&bytes[..bytes.len() - cut])
                .map(|c| c.into_owned())
        })
    } else {
        Some(enc.decode_without_bom_handling(bytes).0.into_owned())
    }
}

/// How many leading bytes [`utf16_without_bom`] looks at.
const UTF16_SAMPLE: usize = 4096;

/// UTF-16 without BOM shows itself by zero bytes in every other position.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || bytes.len() & 1 == 1 {
        return None;
    }
    let sample = &bytes[..bytes.len().min(UTF16_SAMPLE)];
    let pairs = sample.len() / 2;
    let even_zero = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_zero = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    if odd_zero * 10 >= pairs * 6 && even_zero * 5 < pairs {
        Some(UTF_16LE)
    } else if even_zero * 10 >= pairs * 6 && odd_zero * 5 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Text with NULs or many other control characters is binary data.
fn looks_binary(text: &str) -> bool {
    // Most text has no byte that can start a NUL or another control char
    // counted below (C0 controls other than \t \n \x0b \x0c \r, DEL, and
    // the C1 controls, encoded C2 80–C2 9F): then it is not binary. Checked
    // a block at a time without branches.
    let suspicious = |b: u8| (b < 0x20 && !(0x09..=0x0D).contains(&b)) || b == 0x7F || b == 0xC2;
    if !text
        .as_bytes()
        .chunks(64)
        .any(|block| block.iter().fold(false, |any, &b| any | suspicious(b)))
    {
        return false;
    }
    let mut total = 0usize;
    let mut control = 0usize;
    for ch in text.chars().take(65_536) {
        total += 1;
        if ch == '\0' {
            return true;
        }
        if ch.is_control() && !matches!(ch, '\t' | '\n' | '\r' | '\x0c' | '\x0b') {
            control += 1;
        }
    }
    total > 0 && control * 100 > total
}

/// Writes a document as UTF-8 text: one line per heading and paragraph, one
/// tab-separated line per table row (positions covered by a merged cell are
/// left empty, so columns line up). Tabs and line breaks inside a cell become
/// spaces.
pub fn write_text(doc: &Doc) -> Vec<u8> {
    let mut out = String::new();
    for block in &doc.blocks {
        match block {
            Block::Heading { text, .. } | Block::Paragraph(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Block::Table(table) => {
                let grid = Grid::of(table);
                let cover = grid.coverage();
                for (r, row) in cover.iter().enumerate() {
                    let mut line = Vec::with_capacity(row.len());
                    for (c, slot) in row.iter().enumerate() {
                        let text = match slot.and_then(|i| grid.cells.get(i)) {
                            Some(p) if p.row == r && p.col == c => cell_line(&p.cell.text),
                            _ => String::new(),
                        };
                        line.push(text);
                    }
                    out.push_str(&line.join("\t"));
                    out.push('\n');
                }
            }
        }
    }
    out.into_bytes()
}

fn cell_line(text: &str) -> String {
    text.chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(doc: &Doc) -> Vec<&str> {
        doc.blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(s) => s.as_str(),
                _ => panic!("not a paragraph"),
            })
            .collect()
    }

    #[test]
    fn utf8_lines_keep_indentation_and_blanks() {
        let doc = read_text("一、总体情况\r\n\t\t本年新制作数量\n\n  12\n".as_bytes()).unwrap();
        assert_eq!(
            paras(&doc),
            vec!["一、总体情况", "\t\t本年新制作数量", "", "  12"]
        );
    }

    #[test]
    fn bom_and_utf16() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("甲".as_bytes());
        assert_eq!(decode_text(&b).unwrap(), "甲");
        let mut le = vec![0xFF, 0xFE];
        for u in "政府信息".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_text(&le).unwrap(), "政府信息");
        let be: Vec<u8> = "abc 公开"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(decode_text(&be).unwrap(), "abc 公开");
    }

    #[test]
    fn gbk() {
        let s = "政府信息公开工作年度报告\n收到申请 12 件\n";
        let (bytes, _, _) = GB18030.encode(s);
        assert_eq!(decode_text(&bytes).unwrap(), s);
    }

    #[test]
    fn cut_inside_the_last_character() {
        let s = "收到申请 12 件";
        let b = s.as_bytes();
        assert_eq!(decode_text(&b[..b.len() - 1]).unwrap(), "收到申请 12 ");
        assert_eq!(decode_text(&b[..b.len() - 2]).unwrap(), "收到申请 12 ");
        let (g, _, _) = GB18030.encode(s);
        assert_eq!(decode_text(&g[..g.len() - 1]).unwrap(), "收到申请 12 ");
    }

    #[test]
    fn invalid_bytes_are_an_error() {
        let err = decode_text(&[0x81, 0x20, 0xFF, 0xFF, 0x81]).unwrap_err();
        assert!(
            matches!(err, DocError::InvalidEncoding | DocError::NotText),
            "{err}"
        );
        assert!(err.to_string().contains("编码") || err.to_string().contains("文本"));
        assert_eq!(
            decode_text(b"a\0b\0c\0\0\0").unwrap_err(),
            DocError::NotText
        );
    }

    /// The char-by-char definition of [`looks_binary`].
    fn looks_binary_slow(text: &str) -> bool {
        let mut total = 0usize;
        let mut control = 0usize;
        for ch in text.chars().take(65_536) {
            total += 1;
            if ch == '\0' {
                return true;
            }
            if ch.is_control() && !matches!(ch, '\t' | '\n' | '\r' | '\x0c' | '\x0b') {
                control += 1;
            }
        }
        total > 0 && control * 100 > total
    }

    #[test]
    fn looks_binary_fast_path_agrees() {
        let mut samples: Vec<String> = [
            "",
            "abc",
            "a\tb\nc\r\x0b\x0c",
            "政府信息\u{85}",
            "x\u{7f}",
            "\u{9f}\u{a0}é·",
            "a\0b",
            "\u{1}",
            "©®±",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Control chars around the 1 % threshold, before and after 64-byte blocks.
        for n in [1usize, 2, 3] {
            samples.push(format!("{}{}", "\u{1}".repeat(n), "字".repeat(100)));
            samples.push(format!("{}{}", "a".repeat(250), "\u{80}".repeat(n)));
        }
        for s in &samples {
            assert_eq!(looks_binary(s), looks_binary_slow(s), "{s:?}");
        }
    }

    #[test]
    fn valid_utf8_is_borrowed() {
        let s = "政府信息公开\t12\n";
        assert!(matches!(decode_text_borrowed(s.as_bytes()), Ok(Cow::Borrowed(t)) if t == s));
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(s.as_bytes());
        assert!(matches!(decode_text_borrowed(&b), Ok(Cow::Owned(t)) if t == s));
        assert_eq!(
            decode_text_borrowed(b"a\x01\x02b").unwrap_err(),
            DocError::NotText
        );
    }

    #[test]
    fn empty_input() {
        assert_eq!(read_text(b"").unwrap(), Doc::default());
    }

    #[test]
    fn split_lines_variants() {
        let v: Vec<_> = split_lines("a\rb\r\nc\n\nd").collect();
        assert_eq!(v, vec!["a", "b", "c", "", "d"]);
    }
}

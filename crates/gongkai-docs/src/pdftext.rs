//! The text layer of a PDF (for the PII gate and search), through `lopdf`.
//!
//! Bounded like the other readers: the input size ([`MAX_INPUT_BYTES`]), the
//! bytes any one stream may inflate to while loading or per page
//! ([`MAX_PDF_STREAM_BYTES`]), the pages read ([`MAX_PDF_PAGES`]) and the
//! characters kept ([`MAX_PDF_TEXT_CHARS`]). `lopdf` is a large parser of
//! hostile input; a panic inside it is caught and reported as an unreadable
//! file, never taken down with the caller.
//!
//! A PDF without a text layer (a scan) is not an error: its text is empty and
//! the caller tells the reviewer to check it by eye.
//!
//! [`MAX_INPUT_BYTES`]: crate::limits::MAX_INPUT_BYTES

use crate::limits::{check_size, MAX_PDF_PAGES, MAX_PDF_STREAM_BYTES, MAX_PDF_TEXT_CHARS};
use crate::DocError;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// What was read from a PDF's text layer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PdfText {
    /// The text, page after page (pages separated by a blank line). Empty
    /// when the file has no text layer.
    pub text: String,
    /// Pages in the document.
    pub pages: usize,
    /// Pages whose text could not be read (1-based; a font or content stream
    /// that failed to decode, or a page over the inflation bound).
    pub unreadable_pages: Vec<u32>,
    /// Whether pages or characters beyond the bounds were left unread.
    pub truncated: bool,
}

impl PdfText {
    /// Whether any text was found at all.
    pub fn has_text(&self) -> bool {
        self.text.chars().any(|c| !c.is_whitespace())
    }
}

/// Reads the text layer of a PDF. Errors: not a PDF or damaged beyond repair
/// ([`DocError::PdfUnreadable`]), encrypted with a password
/// ([`DocError::PdfEncrypted`]), a stream that inflates past the bound
/// ([`DocError::PdfBomb`]), too large ([`DocError::TooLarge`]).
pub fn read_pdf_text(bytes: &[u8]) -> Result<PdfText, DocError> {
    check_size(bytes)?;
    if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(DocError::PdfUnreadable("缺少 %PDF- 文件头".to_string()));
    }
    match catch_unwind(AssertUnwindSafe(|| read_inner(bytes))) {
        Ok(result) => result,
        Err(_) => Err(DocError::PdfUnreadable(
            "文件结构异常，解析时出错".to_string(),
        )),
    }
}

fn load_error(e: lopdf::Error) -> DocError {
    match e {
        lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => DocError::PdfEncrypted,
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
            DocError::PdfBomb {
                limit: MAX_PDF_STREAM_BYTES as u64,
            }
        }
        other => DocError::PdfUnreadable(short(&other.to_string())),
    }
}

/// The parser's own message, cut short (it is English and may be long).
fn short(message: &str) -> String {
    let mut s: String = message.chars().take(200).collect();
    if s.is_empty() {
        s.push_str("未知错误");
    }
    s
}

fn read_inner(bytes: &[u8]) -> Result<PdfText, DocError> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_PDF_STREAM_BYTES),
        ..Default::default()
    };
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(load_error)?;
    if doc.is_encrypted() {
        return Err(DocError::PdfEncrypted);
    }
    let pages = doc.get_pages();
    let mut out = PdfText {
        pages: pages.len(),
        truncated: pages.len() > MAX_PDF_PAGES,
        ..PdfText::default()
    };
    let mut chars = 0usize;
    for &number in pages.keys().take(MAX_PDF_PAGES) {
        let chunks = doc.extract_text_chunks_with_limit(&[number], MAX_PDF_STREAM_BYTES);
        let mut page_text = String::new();
        let mut failed = false;
        for chunk in chunks {
            match chunk {
                Ok(t) => page_text.push_str(&t),
                Err(_) => failed = true,
            }
        }
        if failed {
            out.unreadable_pages.push(number);
        }
        let page_text = page_text.trim();
        if page_text.is_empty() {
            continue;
        }
        if !out.text.is_empty() {
            out.text.push_str("\n\n");
        }
        let n = page_text.chars().count();
        if chars + n > MAX_PDF_TEXT_CHARS {
            out.text
                .extend(page_text.chars().take(MAX_PDF_TEXT_CHARS - chars));
            out.truncated = true;
            break;
        }
        chars += n;
        out.text.push_str(page_text);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Document, Object, Stream};

    /// A one-page PDF showing `lines` in Helvetica (WinAnsi: ASCII only).
    pub(crate) fn pdf_with_lines(lines: &[&str]) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        });
        let resources_id = doc.add_object(dictionary! {
            "Font" => dictionary! { "F1" => font_id },
        });
        let mut ops = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 12.into()]),
            Operation::new("Td", vec![50.into(), 700.into()]),
        ];
        for line in lines {
            ops.push(Operation::new("Tj", vec![Object::string_literal(*line)]));
            ops.push(Operation::new("Td", vec![0.into(), (-16).into()]));
        }
        ops.push(Operation::new("ET", vec![]));
        let content = Content { operations: ops };
        let content_id = doc.add_object(Stream::new(
            dictionary! {},
            content.encode().unwrap_or_default(),
        ));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![page_id.into()],
                "Count" => 1,
                "Resources" => resources_id,
                "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            }),
        );
        let catalog_id = doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => pages_id,
        });
        doc.trailer.set("Root", catalog_id);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    #[test]
    fn reads_the_text_layer() {
        let bytes = pdf_with_lines(&["Name: Zhang San", "ID 11010519491231002X"]);
        let t = read_pdf_text(&bytes).unwrap();
        assert_eq!(t.pages, 1);
        assert!(t.text.contains("11010519491231002X"), "{t:?}");
        assert!(t.has_text());
        assert!(t.unreadable_pages.is_empty());
        assert!(!t.truncated);
    }

    #[test]
    fn a_page_without_text_is_empty_not_an_error() {
        let t = read_pdf_text(&pdf_with_lines(&[])).unwrap();
        assert_eq!(t.pages, 1);
        assert!(!t.has_text());
    }

    #[test]
    fn broken_input_is_a_chinese_error() {
        let e = read_pdf_text(b"not a pdf at all").unwrap_err();
        assert!(matches!(e, DocError::PdfUnreadable(_)), "{e}");
        assert!(e.to_string().contains("PDF"), "{e}");
        let mut cut = pdf_with_lines(&["hello"]);
        cut.truncate(cut.len() / 3);
        // Lenient loading may or may not recover a cut file; it must not panic.
        let _ = read_pdf_text(&cut);
        let e = read_pdf_text(b"%PDF-1.7\n%%EOF\n").unwrap_err();
        assert!(e.to_string().contains("PDF"), "{e}");
    }

    #[test]
    fn garbage_after_the_header_never_panics() {
        let mut seed = 0x2545_f491_u32;
        for len in [0usize, 1, 7, 64, 300, 2_000] {
            let mut bytes = b"%PDF-1.4\n".to_vec();
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                bytes.push((seed & 0xff) as u8);
            }
            let _ = read_pdf_text(&bytes);
        }
    }
}

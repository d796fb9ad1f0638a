//! Hostile inputs: every reader answers with a clear (Chinese) error or a
//! document, never a panic, and within bounded time and memory.

use std::io::{Cursor, Write};

use gongkai_docs::{read_any, read_docx, read_html, read_text, read_xlsx, DocError};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn is_chinese(msg: &str) -> bool {
    msg.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn zip_bomb_is_refused() {
    // 72 MiB of zeros compress to well under 1 MiB.
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(true);
    w.start_file("word/document.xml", opts).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..72 {
        w.write_all(&chunk).unwrap();
    }
    let bomb = w.finish().unwrap().into_inner();
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    let err = read_docx(&bomb).unwrap_err();
    assert!(matches!(err, DocError::ZipBomb { .. }), "{err:?}");
    assert!(err.to_string().contains("压缩炸弹"));
    let err = read_xlsx(&bomb).unwrap_err();
    assert!(matches!(err, DocError::ZipBomb { .. }), "{err:?}");
}

#[test]
fn not_a_zip_docx() {
    for bytes in [
        &b""[..],
        b"PK\x03\x04garbage",
        b"%PDF-1.7 ...",
        "普通文本".as_bytes(),
    ] {
        let err = read_docx(bytes).unwrap_err();
        assert!(matches!(err, DocError::NotZip(_)), "{err:?}");
        assert!(is_chinese(&err.to_string()));
    }
}

#[test]
fn misnamed_docx_is_named() {
    let err = read_any("这不是压缩包".as_bytes(), Some("年报.docx")).unwrap_err();
    assert!(matches!(err, DocError::NotZip(_)), "{err:?}");
    assert!(err.to_string().contains(".docx"));
}

#[test]
fn zip_without_document() {
    let z = zip_with(&[("hello.txt", b"hi")]);
    let err = read_docx(&z).unwrap_err();
    assert!(matches!(err, DocError::MissingPart(..)), "{err:?}");
    let err = read_xlsx(&z).unwrap_err();
    assert!(matches!(err, DocError::MissingPart(..)), "{err:?}");
    assert!(matches!(
        read_any(&z, None).unwrap_err(),
        DocError::Unsupported(_)
    ));
}

#[test]
fn truncated_docx() {
    let doc = gongkai_docs::Doc {
        blocks: vec![gongkai_docs::Block::Paragraph("正文".repeat(2000))],
    };
    let bytes = gongkai_docs::write_docx(&doc).unwrap();
    for cut in [10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 30] {
        let r = read_docx(&bytes[..cut]);
        assert!(r.is_err(), "cut at {cut}");
    }
}

#[test]
fn malformed_document_xml() {
    let z = zip_with(&[(
        "word/document.xml",
        b"<w:document><w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:tc></w:tbl><w:p></w:body>",
    )]);
    // Unbalanced but readable: a document, no panic.
    let _ = read_docx(&z);
    let z = zip_with(&[(
        "word/document.xml",
        b"<w:document><w:body><w:p><w:r><w:t>a&bogus;</w:t>",
    )]);
    let _ = read_docx(&z);
    let z = zip_with(&[("word/document.xml", b"<<<>>>\xff\xfe")]);
    let _ = read_docx(&z);
}

#[test]
fn deeply_nested_docx_tables() {
    let n = 20_000;
    let mut xml = String::from("<w:document><w:body>");
    for _ in 0..n {
        xml.push_str("<w:tbl><w:tr><w:tc>");
    }
    xml.push_str("<w:p><w:r><w:t>底</w:t></w:r></w:p>");
    for _ in 0..n {
        xml.push_str("</w:tc></w:tr></w:tbl>");
    }
    xml.push_str("</w:body></w:document>");
    let z = zip_with(&[("word/document.xml", xml.as_bytes())]);
    let doc = read_docx(&z).unwrap();
    assert_eq!(doc.tables().count(), 1);
    // Unbalanced end tags in bulk stay linear.
    let mut xml = String::from("<w:document><w:body>");
    xml.push_str(&"<w:tbl><w:tr>".repeat(5_000));
    xml.push_str(&"</w:tc></w:p>".repeat(200_000));
    let z = zip_with(&[("word/document.xml", xml.as_bytes())]);
    let _ = read_docx(&z);
}

#[test]
fn deeply_nested_html() {
    let n = 100_000;
    for (open, close) in [
        ("<div>", "</div>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<b>", "</b>"),
    ] {
        let html = format!("{}x{}", open.repeat(n), close.repeat(n));
        let err = read_html(html.as_bytes()).unwrap_err();
        assert!(matches!(err, DocError::TooDeep(_)), "{err:?}");
        assert!(is_chinese(&err.to_string()));
    }
    // Many raw-text elements: the depth pre-scan stays linear.
    let html = "<SCRIPT>var a = '<div>';</script><p>x".repeat(20_000);
    assert!(read_html(html.as_bytes()).is_ok());
    // Unclosed implicit elements do not count as depth.
    let html = "<p>段落".repeat(20_000);
    assert!(read_html(html.as_bytes()).unwrap().blocks.len() >= 20_000);
}

#[test]
fn invalid_encodings() {
    let err = read_text(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]).unwrap_err(); // UTF-16LE lone surrogate
    assert!(matches!(err, DocError::InvalidEncoding), "{err:?}");
    let err = read_text(&[b'a', 0x81, 0x30, 0xFF, b'b', 0xA1]).unwrap_err();
    assert!(matches!(err, DocError::InvalidEncoding), "{err:?}");
    assert!(is_chinese(&err.to_string()));
    // HTML is decoded leniently: stray bytes become U+FFFD.
    let doc = read_html(b"<p>ok \xff\xfe\x81</p>").unwrap();
    assert_eq!(doc.blocks.len(), 1);
}

#[test]
fn huge_sheet_is_refused() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "a").unwrap();
    ws.write_string(1_048_575, 16_383, "z").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let err = read_xlsx(&bytes).unwrap_err();
    assert!(matches!(err, DocError::TableTooLarge { .. }), "{err:?}");
}

#[test]
fn pdf_and_legacy_office_are_named() {
    assert_eq!(
        read_any(b"%PDF-1.4\n", None).unwrap_err(),
        DocError::PdfNotSupported
    );
    let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
    assert_eq!(
        read_any(&ole, Some("a.doc")).unwrap_err(),
        DocError::LegacyOffice
    );
    assert_eq!(read_xlsx(&ole).unwrap_err(), DocError::LegacyOffice);
}

#[test]
fn random_bytes_never_panic() {
    // A small deterministic generator: no dependency, same bytes every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for len in [0usize, 1, 3, 64, 1000, 10_000] {
        for _ in 0..20 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x >> 24) as u8
                })
                .collect();
            let _ = read_any(&bytes, None);
            let _ = read_html(&bytes);
            let _ = read_text(&bytes);
            let _ = read_docx(&bytes);
            let _ = read_xlsx(&bytes);
        }
    }
}

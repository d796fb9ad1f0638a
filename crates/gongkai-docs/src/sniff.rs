//! Recognising a file's kind from its bytes (and, for text vs HTML, its name).

use crate::model::Doc;
use crate::zipx;
use crate::{read_docx, read_html, read_text, read_xlsx, DocError};

/// The kinds of input this crate knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Text,
    Html,
    Docx,
    Xlsx,
    Pdf,
    LegacyOffice,
    Zip,
}

/// Recognises the kind of `bytes`: ZIP containers by their content
/// (word/document.xml → DOCX, xl/workbook.xml → XLSX), `%PDF`, OLE2 (legacy
/// .doc/.xls), HTML by its first tags (or an .htm/.html name), else text.
pub fn sniff(bytes: &[u8], file_name_hint: Option<&str>) -> DocKind {
    if zipx::looks_like_zip(bytes) {
        if let Ok(mut archive) = zipx::open(bytes) {
            let names: Vec<String> = archive
                .file_names()
                .flatten()
                .map(|n| n.trim_start_matches('/').to_ascii_lowercase())
                .collect();
            if names.iter().any(|n| n == "word/document.xml") {
                return DocKind::Docx;
            }
            if names.iter().any(|n| n == "xl/workbook.xml") {
                return DocKind::Xlsx;
            }
            // Documents whose main part is named elsewhere (rels).
            let mut budget = zipx::Budget::default();
            if let Ok(Some(ct)) = zipx::read_entry(&mut archive, "[Content_Types].xml", &mut budget)
            {
                let ct = String::from_utf8_lossy(&ct);
                if ct.contains("wordprocessingml.document.main") {
                    return DocKind::Docx;
                }
                if ct.contains("spreadsheetml.sheet.main") {
                    return DocKind::Xlsx;
                }
            }
        }
        return DocKind::Zip;
    }
    if bytes.starts_with(b"%PDF") {
        return DocKind::Pdf;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return DocKind::LegacyOffice;
    }
    let ext = file_name_hint
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm" | "xhtml" | "shtml") => return DocKind::Html,
        Some("txt" | "text" | "csv" | "tsv" | "md") => return DocKind::Text,
        _ => {}
    }
    if looks_like_html(bytes) {
        DocKind::Html
    } else {
        DocKind::Text
    }
}

fn looks_like_html(bytes: &[u8]) -> bool {
    // ASCII-compatible encodings only; UTF-16 pages are read as text.
    let head: Vec<u8> = bytes[..bytes.len().min(4096)]
        .iter()
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let body = &head[start..];
    let body = body
        .strip_prefix(b"\xef\xbb\xbf".as_slice())
        .unwrap_or(body);
    if !body.starts_with(b"<") {
        return false;
    }
    [
        b"<html".as_slice(),
        b"<!doctype html",
        b"<table",
        b"<body",
        b"<head",
        b"<meta",
        b"<div",
        b"<p>",
        b"<p ",
    ]
    .iter()
    .any(|tag| head.windows(tag.len()).any(|w| w == *tag))
}

/// Reads any supported file: the kind is recognised by [`sniff`].
pub fn read_any(bytes: &[u8], file_name_hint: Option<&str>) -> Result<Doc, DocError> {
    let kind = sniff(bytes, file_name_hint);
    let ext = file_name_hint
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase());
    // A .docx/.xlsx that is not a ZIP at all is damaged or misnamed: say so
    // rather than reading its bytes as text.
    if let Some(e @ ("docx" | "xlsx" | "xlsm")) = ext.as_deref() {
        if matches!(kind, DocKind::Text | DocKind::Html) {
            return Err(DocError::NotZip(format!(
                "扩展名为 .{e}，但内容不是 ZIP 格式"
            )));
        }
    }
    match kind {
        DocKind::Docx => read_docx(bytes),
        DocKind::Xlsx => read_xlsx(bytes),
        DocKind::Html => read_html(bytes),
        DocKind::Text => read_text(bytes),
        DocKind::Pdf => Err(DocError::PdfNotSupported),
        DocKind::LegacyOffice => Err(DocError::LegacyOffice),
        DocKind::Zip => Err(DocError::Unsupported(
            "ZIP 压缩包中既不是 DOCX 文档也不是 XLSX 表格".into(),
        )),
    }
}

//! A neutral document model: headings, paragraphs and tables with row/column spans.
//! It knows nothing of reports or law; readers and writers convert it from and to files.
//!
//! Readers take bytes and are bounded and panic-free on any input (see
//! [`limits`]); writers produce bytes. Errors ([`DocError`]) carry messages in
//! Simplified Chinese.
//!
//! | format | read | write |
//! |---|---|---|
//! | text | [`read_text`] (UTF-8/UTF-16/GBK/GB18030/Big5 detected; one paragraph per line, indentation kept) | [`write_text`] (tables as tab-separated rows) |
//! | HTML | [`read_html`] (charset from BOM/meta/content; chrome skipped; `rowspan`/`colspan`) | [`write_html`] (printable UTF-8 page) |
//! | DOCX | [`read_docx`] (`w:gridSpan`, `w:vMerge`, `w:hMerge`, `w:gridBefore`; ZIP limits) | [`write_docx`] (schema-ordered WordprocessingML, 宋体) |
//! | XLSX | [`read_xlsx`] (calamine; merged regions; numbers without float noise) | [`write_xlsx`] (one sheet per table, numbers as numbers, merges) |
//! | PDF | text layer only: [`read_pdf_text`] (lopdf; bounded, panics caught); as a document: — ([`DocError::PdfNotSupported`]) | [`write_pdf`] (typst, feature `pdf`, CJK fonts embedded) |
//!
//! [`read_any`] recognises the kind from the bytes (and, for text vs HTML, the
//! file name).
//!
//! Conventions shared by the readers: a merged cell appears once, at its
//! top-left position, with its spans; a table that contains another table is
//! taken as layout and its cells' contents become blocks in reading order; a
//! cell's paragraphs are joined with `\n`.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod docx;
mod error;
pub mod grid;
mod html;
pub mod limits;
pub mod model;
mod pdf;
mod pdftext;
mod sniff;
mod text;
mod xlsx;
mod zipx;

pub use docx::{read_docx, write_docx, write_docx_with, DocxOptions};
pub use error::DocError;
pub use html::{html_too_deep, read_html, write_html};
pub use model::{Block, Cell, Doc, Table};
pub use pdf::{typst_markup, write_pdf, write_pdf_with, PdfOptions};
pub use pdftext::{read_pdf_text, PdfText};
pub use sniff::{read_any, sniff, DocKind};
pub use text::{decode_text, decode_text_borrowed, read_text, write_text};
pub use xlsx::{read_xlsx, write_xlsx};

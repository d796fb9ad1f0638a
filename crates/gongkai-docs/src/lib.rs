//! A neutral document model: headings, paragraphs and tables with row/column spans.
//! It knows nothing of reports or law; readers and writers convert it from and to files.
//!
//! Readers take bytes and are bounded and panic-free on any input; writers
//! produce bytes. Errors carry messages in Simplified Chinese.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod docx;
mod error;
pub mod grid;
mod html;
pub mod limits;
pub mod model;
mod pdf;
mod sniff;
mod text;
mod xlsx;
mod zipx;

pub use docx::{read_docx, write_docx, write_docx_with, DocxOptions};
pub use error::DocError;
pub use html::{read_html, write_html};
pub use model::{Block, Cell, Doc, Table};
pub use pdf::{typst_markup, write_pdf, write_pdf_with, PdfOptions};
pub use sniff::{read_any, sniff, DocKind};
pub use text::{decode_text, read_text, write_text};
pub use xlsx::{read_xlsx, write_xlsx};

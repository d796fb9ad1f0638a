//! A neutral document model: headings, paragraphs and tables with row/column spans.
//! It knows nothing of reports or law; readers and writers convert it from and to files.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod model;

pub use model::{Block, Cell, Doc, Table};

use serde::{Deserialize, Serialize};

/// A whole document as a sequence of blocks in reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Doc {
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// A heading; `level` 1 is the document title.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    Table(Table),
}

/// A table as rows of cells. A merged cell appears once, at its top-left
/// position, with its spans; the positions it covers are not repeated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    pub row_span: u32,
    pub col_span: u32,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            row_span: 1,
            col_span: 1,
        }
    }

    pub fn spanning(text: impl Into<String>, row_span: u32, col_span: u32) -> Self {
        Cell {
            text: text.into(),
            row_span: row_span.max(1),
            col_span: col_span.max(1),
        }
    }
}

impl Doc {
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }
}

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
    /// A title for the document: its first heading, else its first non-blank
    /// paragraph, trimmed and cut to at most 80 characters.
    pub fn title(&self) -> Option<String> {
        let text = self
            .blocks
            .iter()
            .find_map(|b| match b {
                Block::Heading { text, .. } if !text.trim().is_empty() => Some(text),
                _ => None,
            })
            .or_else(|| {
                self.blocks.iter().find_map(|b| match b {
                    Block::Paragraph(text) if !text.trim().is_empty() => Some(text),
                    _ => None,
                })
            })?;
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(one_line.chars().take(80).collect())
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_prefers_a_heading() {
        let mut doc = Doc {
            blocks: vec![
                Block::Paragraph("  ".into()),
                Block::Paragraph("2019年\t某单位年报".into()),
                Block::Heading {
                    level: 1,
                    text: "标题".into(),
                },
            ],
        };
        assert_eq!(doc.title().as_deref(), Some("标题"));
        doc.blocks.pop();
        assert_eq!(doc.title().as_deref(), Some("2019年 某单位年报"));
        assert_eq!(Doc::default().title(), None);
    }
}

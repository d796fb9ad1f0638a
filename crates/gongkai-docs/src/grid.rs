//! Placement of a [`Table`]'s cells on a rectangular grid, honouring spans.

use crate::limits::MAX_COLS;
use crate::model::{Cell, Table};

/// One cell placed on the grid, with spans clamped to the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed<'a> {
    pub row: usize,
    pub col: usize,
    pub row_span: usize,
    pub col_span: usize,
    pub cell: &'a Cell,
}

/// The grid of a table: placed cells and the number of grid columns.
#[derive(Debug, Clone)]
pub struct Grid<'a> {
    pub rows: usize,
    pub cols: usize,
    pub cells: Vec<Placed<'a>>,
}

impl<'a> Grid<'a> {
    /// Places cells left to right, skipping positions covered by row spans
    /// from above. Row spans are clamped to the last row, widths to [`MAX_COLS`].
    pub fn of(table: &'a Table) -> Grid<'a> {
        let nrows = table.rows.len();
        // busy[c] = first row index at which column c is free again.
        let mut busy: Vec<usize> = Vec::new();
        let mut cells = Vec::new();
        let mut cols = 0usize;
        for (r, row) in table.rows.iter().enumerate() {
            let mut c = 0usize;
            for cell in row {
                while c < busy.len() && busy[c] > r {
                    c += 1;
                }
                if c >= MAX_COLS {
                    break;
                }
                // A span never runs into a column still held by a row span
                // from above (overlapping merges cannot be written).
                let wanted = (cell.col_span.max(1) as usize).min(MAX_COLS - c);
                let mut col_span = 1;
                while col_span < wanted && busy.get(c + col_span).is_none_or(|&b| b <= r) {
                    col_span += 1;
                }
                let row_span = (cell.row_span.max(1) as usize).min(nrows - r);
                if busy.len() < c + col_span {
                    busy.resize(c + col_span, 0);
                }
                for b in &mut busy[c..c + col_span] {
                    *b = r + row_span;
                }
                cells.push(Placed {
                    row: r,
                    col: c,
                    row_span,
                    col_span,
                    cell,
                });
                c += col_span;
                cols = cols.max(c);
            }
        }
        Grid {
            rows: nrows,
            cols,
            cells,
        }
    }

    /// A dense map: for each grid position, the index into `cells` of the
    /// cell covering it, if any.
    pub fn coverage(&self) -> Vec<Vec<Option<usize>>> {
        let mut map = vec![vec![None; self.cols]; self.rows];
        for (i, p) in self.cells.iter().enumerate() {
            for row in map.iter_mut().skip(p.row).take(p.row_span) {
                for slot in row.iter_mut().skip(p.col).take(p.col_span) {
                    *slot = Some(i);
                }
            }
        }
        map
    }
}

impl Grid<'_> {
    /// Relative column widths: the longest line of the one-column cells in
    /// each column, CJK characters counting double, bounded to 4..=30 so that
    /// no column vanishes or swallows the table.
    pub fn column_weights(&self) -> Vec<usize> {
        let mut weight = vec![4usize; self.cols];
        for p in self.cells.iter().filter(|p| p.col_span == 1) {
            let longest = p
                .cell
                .text
                .split('\n')
                .map(|l| {
                    l.chars()
                        .map(|c| if c.is_ascii() { 1 } else { 2 })
                        .sum::<usize>()
                })
                .max()
                .unwrap_or(0);
            if let Some(w) = weight.get_mut(p.col) {
                *w = (*w).max(longest.clamp(4, 30));
            }
        }
        weight
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_spans() {
        let t = Table {
            rows: vec![
                vec![Cell::spanning("a", 2, 1), Cell::spanning("b", 1, 2)],
                vec![Cell::new("c"), Cell::new("d")],
            ],
        };
        let g = Grid::of(&t);
        assert_eq!(g.cols, 3);
        let pos: Vec<_> = g.cells.iter().map(|p| (p.row, p.col)).collect();
        assert_eq!(pos, vec![(0, 0), (0, 1), (1, 1), (1, 2)]);
    }

    #[test]
    fn spans_do_not_overlap() {
        let t = Table {
            rows: vec![
                vec![
                    Cell::spanning("a", 2, 1),
                    Cell::new("b"),
                    Cell::spanning("c", 2, 1),
                ],
                vec![Cell::spanning("d", 1, 3)],
            ],
        };
        let g = Grid::of(&t);
        let d = g.cells[3];
        assert_eq!((d.row, d.col, d.col_span), (1, 1, 1));
    }

    #[test]
    fn clamps_huge_spans() {
        let t = Table {
            rows: vec![vec![
                Cell::spanning("a", u32::MAX, u32::MAX),
                Cell::new("b"),
            ]],
        };
        let g = Grid::of(&t);
        assert_eq!(g.cols, MAX_COLS);
        assert_eq!(g.cells.len(), 1);
        assert_eq!(g.cells[0].row_span, 1);
    }
}

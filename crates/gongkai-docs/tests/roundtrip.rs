//! Property tests: random documents written by a writer and read back by the
//! matching reader give the same document.

use gongkai_docs::{
    read_docx, read_html, read_xlsx, write_docx, write_html, write_xlsx, Block, Cell, Doc, Table,
};
use proptest::prelude::*;

const CHARS: &[char] = &[
    '政', '府', '信', '息', '公', '开', '（', '）', '、', '：', '一', '二', '　', 'a', 'Z', '0',
    '7', '.', '-', '<', '>', '&', '"', '\'', '#', ' ', '\t', '%', '/', '\\',
];

fn text(max: usize, newline: bool) -> impl Strategy<Value = String> {
    let chars: Vec<char> = if newline {
        CHARS.iter().copied().chain(['\n']).collect()
    } else {
        CHARS.to_vec()
    };
    prop::collection::vec(prop::sample::select(chars), 0..max).prop_map(String::from_iter)
}

/// A rectangular table of `rows × cols` positions, merged into random
/// rectangles; cell texts from `cell`.
fn table(cell: BoxedStrategy<String>) -> impl Strategy<Value = Table> {
    (1usize..5, 1usize..6).prop_flat_map(move |(rows, cols)| {
        let n = rows * cols;
        (
            prop::collection::vec((1usize..4, 1usize..4, 0u8..3), n),
            prop::collection::vec(cell.clone(), n),
        )
            .prop_map(move |(spans, texts)| {
                let mut taken = vec![false; n];
                let mut out = vec![Vec::new(); rows];
                for r in 0..rows {
                    for c in 0..cols {
                        if taken[r * cols + c] {
                            continue;
                        }
                        let (mut h, mut w, merge) = spans[r * cols + c];
                        if merge != 0 {
                            h = 1;
                            w = 1;
                        }
                        h = h.min(rows - r);
                        w = w.min(cols - c);
                        // Shrink until the rectangle is free.
                        let busy = |h: usize, w: usize| {
                            (0..h).any(|dr| (0..w).any(|dc| taken[(r + dr) * cols + c + dc]))
                        };
                        while busy(h, w) {
                            if w > 1 {
                                w -= 1;
                            } else {
                                h -= 1;
                            }
                        }
                        for dr in 0..h {
                            for dc in 0..w {
                                taken[(r + dr) * cols + c + dc] = true;
                            }
                        }
                        out[r].push(Cell::spanning(
                            texts[r * cols + c].clone(),
                            h as u32,
                            w as u32,
                        ));
                    }
                }
                Table { rows: out }
            })
    })
}

fn block(para_newlines: bool) -> impl Strategy<Value = Block> {
    prop_oneof![
        (1u8..=6, text(12, false)).prop_map(|(level, text)| Block::Heading { level, text }),
        text(20, para_newlines).prop_map(Block::Paragraph),
        table(text(8, true).boxed()).prop_map(Block::Table),
    ]
}

fn doc(para_newlines: bool) -> impl Strategy<Value = Doc> {
    prop::collection::vec(block(para_newlines), 0..6).prop_map(|blocks| Doc { blocks })
}

/// Cell texts for spreadsheets: never empty (an all-empty last row or column
/// is not part of a sheet's used range), sometimes numbers.
fn xlsx_cell() -> BoxedStrategy<String> {
    prop_oneof![
        text(6, true).prop_filter("non-empty", |s| !s.is_empty()),
        (-10_000i64..10_000).prop_map(|n| n.to_string()),
        (0u32..100_000).prop_map(|n| format!("{}.{}", n / 100, n % 100 + 1)),
    ]
    .boxed()
}

fn xlsx_doc() -> impl Strategy<Value = Doc> {
    prop::collection::vec(table(xlsx_cell()), 1..4).prop_map(|tables| {
        let mut blocks = Vec::new();
        for (i, t) in tables.into_iter().enumerate() {
            blocks.push(Block::Heading {
                level: 2,
                text: format!("表{}", i + 1),
            });
            blocks.push(Block::Table(t));
        }
        Doc { blocks }
    })
}

proptest! {
    // PROPTEST_CASES raises the count for a longer local run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    #[test]
    fn docx_round_trip(d in doc(true)) {
        let bytes = write_docx(&d).unwrap();
        prop_assert_eq!(read_docx(&bytes).unwrap(), d);
    }

    #[test]
    fn html_round_trip(d in doc(false)) {
        let bytes = write_html(&d);
        prop_assert_eq!(read_html(&bytes).unwrap(), d);
    }

    #[test]
    fn xlsx_round_trip(d in xlsx_doc()) {
        let bytes = write_xlsx(&d).unwrap();
        prop_assert_eq!(read_xlsx(&bytes).unwrap(), d);
    }
}

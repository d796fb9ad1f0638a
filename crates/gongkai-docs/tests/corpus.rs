//! Reads real documents from the shared corpus when it is present, checking
//! the shape of their tables (no corpus text is kept in this repository).

use std::path::PathBuf;

use gongkai_docs::{read_any, read_docx, read_html, Block, Doc, Table};

fn corpus(name: &str) -> Option<Vec<u8>> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(name);
    std::fs::read(p).ok()
}

/// (rows, grid columns, cells with a row span, cells with a column span)
fn shape(t: &Table) -> (usize, usize, usize, usize) {
    let g = gongkai_docs::grid::Grid::of(t);
    let rs = t.rows.iter().flatten().filter(|c| c.row_span > 1).count();
    let cs = t.rows.iter().flatten().filter(|c| c.col_span > 1).count();
    (t.rows.len(), g.cols, rs, cs)
}

fn shapes(doc: &Doc) -> Vec<(usize, usize, usize, usize)> {
    doc.tables().map(shape).collect()
}

#[test]
fn shanghai_2019_html() {
    let Some(bytes) = corpus("real/001-shanghai-office-2019.html") else {
        eprintln!("corpus absent; skipped");
        return;
    };
    let doc = read_html(&bytes).unwrap();
    let s = shapes(&doc);
    // (rows, grid columns, row-spanning cells, column-spanning cells)
    assert_eq!(s, vec![(18, 5, 0, 22), (26, 10, 7, 10), (4, 15, 5, 4)]);
    // The report's section headings are paragraphs outside the tables.
    assert!(doc
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Paragraph(p) if p.starts_with("三、"))));
    assert_eq!(read_any(&bytes, None).unwrap(), doc);
}

#[test]
fn blank_template_2021_docx() {
    let Some(bytes) = corpus("real/027-blank-template-2021.docx") else {
        eprintln!("corpus absent; skipped");
        return;
    };
    let doc = read_docx(&bytes).unwrap();
    let s = shapes(&doc);
    assert_eq!(s, vec![(14, 4, 0, 11), (28, 10, 8, 9), (4, 15, 5, 4)]);
    // Table 三: the 三、本年度办理结果 label spans 22 rows, （三）不予公开 8 rows.
    let t3 = doc.tables().nth(1).unwrap();
    let spans: Vec<u32> = t3
        .rows
        .iter()
        .flatten()
        .map(|c| c.row_span)
        .filter(|&r| r > 1)
        .collect();
    assert_eq!(spans, vec![3, 2, 2, 22, 8, 3, 5, 3]);
    // Blank data cells stay blank (full-width spaces are kept as printed).
    assert!(t3.rows[3][1..].iter().all(|c| c.text.trim().is_empty()));
    assert_eq!(read_any(&bytes, Some("x.docx")).unwrap(), doc);
}

#[test]
fn text_files_read_line_by_line() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let mut files = vec![dir.join("seed-2021-gulou.txt")];
    if let Ok(entries) = std::fs::read_dir(dir.join("real")) {
        files.extend(
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "txt")),
        );
    }
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let doc = gongkai_docs::read_text(&bytes).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(doc.blocks.len(), text.lines().count(), "{}", path.display());
        let kind = gongkai_docs::sniff(&bytes, path.file_name().and_then(|n| n.to_str()));
        assert_eq!(kind, gongkai_docs::DocKind::Text, "{}", path.display());
        assert_eq!(read_any(&bytes, None).unwrap(), doc, "{}", path.display());
    }
}

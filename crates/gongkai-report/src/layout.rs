//! Laying the model out as a `Doc` in the official layout, and as plain text.

use crate::labels::{self, RowPlace};
use crate::model::{AnnualReport, Format, Value};
use gongkai_docs::{Block, Cell, Doc, Table};

fn title(report: &AnnualReport) -> String {
    let agency = report.agency.as_deref().unwrap_or("");
    match report.year {
        Some(y) => format!("{agency}{y}年{}", labels::TITLE_SUFFIX),
        None => format!("{agency}{}", labels::TITLE_SUFFIX),
    }
}

fn c(text: impl Into<String>) -> Cell {
    Cell::new(text)
}

fn proactive_table(report: &AnnualReport) -> Table {
    let blocks = labels::proactive_blocks(report.format);
    let width = 1 + blocks.iter().map(|b| b.fields.len()).max().unwrap_or(1);
    let rows_spec = labels::proactive_rows(report.format);
    let mut rows = Vec::new();
    for (bi, block) in blocks.iter().enumerate() {
        rows.push(vec![Cell::spanning(block.caption, 1, width as u32)]);
        let n = block.fields.len();
        let last_span = (width - n) as u32; // 1 + widening of the last field
        let mut header = vec![c(labels::CONTENT_HEADER)];
        for (i, f) in block.fields.iter().enumerate() {
            let span = if i + 1 == n { last_span } else { 1 };
            header.push(Cell::spanning(f.label, 1, span));
        }
        rows.push(header);
        for (ri, (b, r)) in rows_spec.iter().enumerate() {
            if *b != bi {
                continue;
            }
            let vals = report.proactive.get(ri).and_then(|v| v.as_ref());
            let mut row = vec![c(r.label)];
            for (i, _) in block.fields.iter().enumerate() {
                let span = if i + 1 == n { last_span } else { 1 };
                let text = vals
                    .and_then(|v| v.get(i))
                    .map(Value::display)
                    .unwrap_or_default();
                row.push(Cell::spanning(text, 1, span));
            }
            rows.push(row);
        }
    }
    Table { rows }
}

fn app_values(report: &AnnualReport, idx: usize) -> Vec<Cell> {
    match report.applications.get(idx).and_then(|r| r.as_ref()) {
        Some(r) => r.iter().map(|v| c(v.to_string())).collect(),
        None => (0..7).map(|_| c("")).collect(),
    }
}

fn applications_table(report: &AnnualReport) -> Table {
    let f = report.format;
    let mut rows = vec![
        vec![
            Cell::spanning(labels::APPLICATIONS_NOTE, 3, 3),
            Cell::spanning(labels::APPLICANT_HEADER, 1, 7),
        ],
        vec![
            Cell::spanning(labels::NATURAL_PERSON, 2, 1),
            Cell::spanning(labels::ORGANIZATION, 1, 5),
            Cell::spanning(labels::TOTAL, 2, 1),
        ],
        labels::APPLICATION_COLUMNS[1..6]
            .iter()
            .map(|l| c(*l))
            .collect(),
    ];
    let present: Vec<usize> = (0..labels::APPLICATION_ROWS.len())
        .filter(|i| labels::row_in_format(f, *i))
        .collect();
    let result_count = present
        .iter()
        .filter(|i| labels::APPLICATION_ROWS[**i].place != RowPlace::Top)
        .count() as u32;
    let mut results_started = false;
    let mut last_group: Option<usize> = None;
    for &i in &present {
        let spec = labels::APPLICATION_ROWS[i];
        let mut row = Vec::new();
        if spec.place != RowPlace::Top && !results_started {
            results_started = true;
            row.push(Cell::spanning(labels::RESULTS_HEADING, result_count, 1));
        }
        match spec.place {
            RowPlace::Top => row.push(Cell::spanning(spec.label, 1, 3)),
            RowPlace::Result => row.push(Cell::spanning(spec.label, 1, 2)),
            RowPlace::Item(g) if f == Format::F2019 && i == labels::ROW_OTHER_OTHER => {
                let _ = g;
                row.push(Cell::spanning(labels::row_label(f, i), 1, 2));
            }
            RowPlace::Item(g) => {
                if last_group != Some(g) {
                    last_group = Some(g);
                    let n = present
                        .iter()
                        .filter(|j| labels::APPLICATION_ROWS[**j].place == RowPlace::Item(g))
                        .count() as u32;
                    row.push(Cell::spanning(labels::RESULT_GROUPS[g], n, 1));
                }
                row.push(c(spec.label));
            }
        }
        row.extend(app_values(report, i));
        rows.push(row);
    }
    Table { rows }
}

fn appeals_table(report: &AnnualReport) -> Table {
    let fields = || labels::APPEAL_FIELDS.iter().map(|(_, l)| c(*l));
    let mut rows = vec![
        vec![
            Cell::spanning(labels::APPEAL_BLOCKS[0].1, 1, 5),
            Cell::spanning(labels::LITIGATION, 1, 10),
        ],
        {
            let mut r: Vec<Cell> = labels::APPEAL_FIELDS
                .iter()
                .map(|(_, l)| Cell::spanning(*l, 2, 1))
                .collect();
            r.push(Cell::spanning(labels::APPEAL_BLOCKS[1].1, 1, 5));
            r.push(Cell::spanning(labels::APPEAL_BLOCKS[2].1, 1, 5));
            r
        },
        fields().chain(fields()).collect(),
    ];
    let mut values = Vec::new();
    for b in &report.appeals {
        match b {
            Some(v) => values.extend(v.iter().map(|n| c(n.to_string()))),
            None => values.extend((0..5).map(|_| c(""))),
        }
    }
    rows.push(values);
    Table { rows }
}

fn paragraphs(text: &str, out: &mut Vec<Block>) {
    for line in text.lines() {
        if !line.trim().is_empty() {
            out.push(Block::Paragraph(line.to_string()));
        }
    }
}

/// The report as a `Doc` in the official layout (merged header cells as in
/// the format), ready for the HTML/DOCX/XLSX/PDF writers.
pub fn layout(report: &AnnualReport) -> Doc {
    let mut blocks = vec![Block::Heading {
        level: 1,
        text: title(report),
    }];
    paragraphs(&report.narrative.preamble, &mut blocks);
    for (i, h) in labels::SECTION_HEADINGS.iter().enumerate() {
        blocks.push(Block::Heading {
            level: 2,
            text: h.to_string(),
        });
        match i {
            1 => blocks.push(Block::Table(proactive_table(report))),
            2 => blocks.push(Block::Table(applications_table(report))),
            3 => blocks.push(Block::Table(appeals_table(report))),
            _ => {}
        }
        paragraphs(&report.narrative.sections[i], &mut blocks);
    }
    Doc { blocks }
}

/// Plain text: headings and paragraphs as lines, each table row as
/// tab-separated cells (merged cells written once).
pub fn to_text(report: &AnnualReport) -> String {
    doc_to_text(&layout(report))
}

/// Plain text of any `Doc` in the same convention as [`to_text`].
pub fn doc_to_text(doc: &Doc) -> String {
    let mut out = String::new();
    for b in &doc.blocks {
        match b {
            Block::Heading { text, .. } | Block::Paragraph(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Block::Table(t) => {
                for row in &t.rows {
                    let cells: Vec<&str> = row.iter().map(|c| c.text.as_str()).collect();
                    if cells.len() == 1 {
                        out.push_str(cells[0]);
                    } else {
                        out.push_str(&cells.join("\t"));
                    }
                    out.push('\n');
                }
            }
        }
    }
    out
}

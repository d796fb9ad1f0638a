//! XLSX: reading sheets with calamine (merged regions → spans) and writing
//! one sheet per table with rust_xlsxwriter.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use crate::grid::Grid;
use crate::limits::{MAX_COLS, MAX_SHEET_CELLS};
use crate::model::{Block, Cell, Doc, Table};
use crate::zipx;
use crate::DocError;

/// Reads an XLSX workbook: for each sheet a level-2 heading with its name and
/// a table of its used range, merged regions becoming cell spans. Numbers are
/// rendered as Excel shows them (at most 15 significant digits, no float
/// noise), dates as `YYYY-MM-DD`. Empty sheets give only their heading.
pub fn read_xlsx(bytes: &[u8]) -> Result<Doc, DocError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(DocError::LegacyOffice);
    }
    let mut archive = zipx::open(bytes)?;
    zipx::check_all(&mut archive)?;
    let has_workbook = archive.file_names().flatten().any(|n| {
        n.trim_start_matches('/')
            .eq_ignore_ascii_case("xl/workbook.xml")
    });
    if !has_workbook {
        return Err(DocError::MissingPart("xl/workbook.xml".into(), "XLSX"));
    }
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| DocError::Spreadsheet(e.to_string()))?;
    let mut blocks = Vec::new();
    for name in wb.sheet_names() {
        let merges = wb
            .merge_cells_by_sheet_name(&name)
            .map_err(|e| DocError::Spreadsheet(e.to_string()))?;
        let mut cells: Vec<((u32, u32), String)> = Vec::new();
        {
            let mut reader = match wb.worksheet_cells_reader(&name) {
                Ok(r) => r,
                // Chart sheets and the like have no cells.
                Err(calamine::XlsxError::NotAWorksheet(_)) => continue,
                Err(e) => return Err(DocError::Spreadsheet(e.to_string())),
            };
            while let Some(cell) = reader
                .next_cell()
                .map_err(|e| DocError::Spreadsheet(e.to_string()))?
            {
                let text = render(cell.get_value());
                if !text.is_empty() {
                    cells.push((cell.get_position(), text));
                }
                if cells.len() as u64 > MAX_SHEET_CELLS {
                    return Err(DocError::TableTooLarge {
                        cells: cells.len() as u64,
                        limit: MAX_SHEET_CELLS,
                    });
                }
            }
        }
        blocks.push(Block::Heading {
            level: 2,
            text: name.clone(),
        });
        let regions: Vec<Region> = merges
            .iter()
            .map(|d| {
                let (a, b) = (d.start, d.end);
                ((a.0.min(b.0), a.1.min(b.1)), (a.0.max(b.0), a.1.max(b.1)))
            })
            .collect();
        if let Some(table) = build_sheet(&cells, &regions)? {
            blocks.push(Block::Table(table));
        }
    }
    Ok(Doc { blocks })
}

/// A merged region: top-left and bottom-right (row, column), absolute.
type Region = ((u32, u32), (u32, u32));

fn build_sheet(
    cells: &[((u32, u32), String)],
    merges: &[Region],
) -> Result<Option<Table>, DocError> {
    let points = cells
        .iter()
        .map(|(p, _)| *p)
        .chain(merges.iter().flat_map(|(a, b)| [*a, *b]));
    let (mut r0, mut c0, mut r1, mut c1) = (u32::MAX, u32::MAX, 0u32, 0u32);
    let mut any = false;
    for (r, c) in points {
        any = true;
        r0 = r0.min(r);
        c0 = c0.min(c);
        r1 = r1.max(r);
        c1 = c1.max(c);
    }
    if !any {
        return Ok(None);
    }
    let rows = u64::from(r1 - r0) + 1;
    let cols = u64::from(c1 - c0) + 1;
    if rows * cols > MAX_SHEET_CELLS || cols > MAX_COLS as u64 {
        return Err(DocError::TableTooLarge {
            cells: rows * cols,
            limit: MAX_SHEET_CELLS,
        });
    }
    let (rows, cols) = (rows as usize, cols as usize);
    // 0 free, 1 covered by a merge (not its top-left).
    let mut covered = vec![0u8; rows * cols];
    let mut spans: HashMap<(usize, usize), (u32, u32)> = HashMap::new();
    for ((a_r, a_c), (b_r, b_c)) in merges {
        let (ar, ac) = ((a_r - r0) as usize, (a_c - c0) as usize);
        let (br, bc) = ((b_r - r0) as usize, (b_c - c0) as usize);
        if covered[ar * cols + ac] != 0 || spans.contains_key(&(ar, ac)) {
            continue; // overlapping merges: the first one wins
        }
        let overlaps = (ar..=br)
            .any(|r| (ac..=bc).any(|c| covered[r * cols + c] != 0 || spans.contains_key(&(r, c))));
        if overlaps {
            continue;
        }
        spans.insert((ar, ac), ((br - ar + 1) as u32, (bc - ac + 1) as u32));
        for r in ar..=br {
            for c in ac..=bc {
                if (r, c) != (ar, ac) {
                    covered[r * cols + c] = 1;
                }
            }
        }
    }
    let mut text: HashMap<(usize, usize), &str> = HashMap::with_capacity(cells.len());
    for ((r, c), t) in cells {
        text.insert(((r - r0) as usize, (c - c0) as usize), t.as_str());
    }
    let mut out = Vec::with_capacity(rows);
    for r in 0..rows {
        let mut row = Vec::new();
        for c in 0..cols {
            if covered[r * cols + c] != 0 {
                continue;
            }
            let t = text.get(&(r, c)).copied().unwrap_or_default();
            row.push(match spans.get(&(r, c)) {
                Some(&(h, w)) => Cell::spanning(t, h, w),
                None => Cell::new(t),
            });
        }
        out.push(row);
    }
    Ok(Some(Table { rows: out }))
}

fn render(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Empty => String::new(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => render_number(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => {
            if d.is_duration() {
                render_number(d.as_f64())
            } else {
                render_serial_date(d.as_f64())
            }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// A number as Excel displays it in a general cell: integers without a
/// decimal point, others with at most 15 significant digits.
pub(crate) fn render_number(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f == f.trunc() && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let s = format!("{f}");
    let significant = s
        .trim_start_matches('-')
        .trim_start_matches(['0', '.'])
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    if significant <= 15 {
        return s;
    }
    let magnitude = f.abs().log10().floor() as i32;
    let precision = (14 - magnitude).clamp(0, 30) as usize;
    let t = format!("{f:.precision$}");
    if t.contains('.') {
        t.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        t
    }
}

/// An Excel serial date (1900 system) as `YYYY-MM-DD[ HH:MM:SS]`.
fn render_serial_date(v: f64) -> String {
    if !(0.0..2_958_466.0).contains(&v) {
        return render_number(v);
    }
    let days = v.floor() as i64;
    let secs = ((v - v.floor()) * 86_400.0).round() as i64;
    let (days, secs) = if secs >= 86_400 {
        (days + 1, 0)
    } else {
        (days, secs)
    };
    let time = format!(
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    if days == 0 {
        return time;
    }
    // Excel counts a 29 February 1900 that never was.
    let unix_days = if days < 60 {
        days - 25_568
    } else {
        days - 25_569
    };
    let (y, m, d) = civil_from_days(unix_days);
    if secs == 0 {
        format!("{y:04}-{m:02}-{d:02}")
    } else {
        format!("{y:04}-{m:02}-{d:02} {time}")
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

// ---------------------------------------------------------------- writing

/// Writes an XLSX workbook with one sheet per table, named after the heading
/// just before the table (sanitised to Excel's rules, at most 31 characters,
/// unique), else 表1, 表2, …. Cell text that is a plain number (and renders
/// back identically) is written as a number; merged cells become merged
/// ranges. A document without tables gives one sheet with its text in column A.
pub fn write_xlsx(doc: &Doc) -> Result<Vec<u8>, DocError> {
    let err = |e: rust_xlsxwriter::XlsxError| DocError::write("XLSX", e);
    let mut wb = Workbook::new();
    let format = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let mut used: Vec<String> = Vec::new();
    let mut heading: Option<&str> = None;
    let mut n_tables = 0;
    for block in &doc.blocks {
        match block {
            Block::Heading { text, .. } => heading = Some(text),
            Block::Paragraph(_) => {}
            Block::Table(table) => {
                n_tables += 1;
                let name = unique_sheet_name(heading.take(), n_tables, &mut used);
                let ws = wb.add_worksheet();
                ws.set_name(name).map_err(err)?;
                let grid = Grid::of(table);
                if grid.rows > 1_048_576 {
                    return Err(DocError::write("XLSX", "表格超过 1048576 行"));
                }
                let mut widths = vec![8.0f64; grid.cols];
                for p in &grid.cells {
                    let (r, c) = (p.row as u32, p.col as u16);
                    let text = p.cell.text.as_str();
                    if p.row_span > 1 || p.col_span > 1 {
                        let (lr, lc) = (
                            (p.row + p.row_span - 1) as u32,
                            (p.col + p.col_span - 1) as u16,
                        );
                        ws.merge_range(r, c, lr, lc, text, &format).map_err(err)?;
                    }
                    match as_number(text) {
                        Some(v) => ws.write_number_with_format(r, c, v, &format).map_err(err)?,
                        None => ws
                            .write_string_with_format(r, c, text, &format)
                            .map_err(err)?,
                    };
                    if p.col_span == 1 {
                        let w = text
                            .lines()
                            .map(|l| {
                                l.chars()
                                    .map(|ch| if ch.is_ascii() { 1.0 } else { 2.0 })
                                    .sum::<f64>()
                            })
                            .fold(0.0, f64::max);
                        if let Some(slot) = widths.get_mut(p.col) {
                            *slot = slot.max((w + 2.0).min(60.0));
                        }
                    }
                }
                for (c, w) in widths.iter().enumerate() {
                    ws.set_column_width(c as u16, *w).map_err(err)?;
                }
                // Rows with line breaks are made tall enough to show them.
                let mut lines = vec![1usize; grid.rows];
                for p in grid.cells.iter().filter(|p| p.row_span == 1) {
                    let n = p.cell.text.split('\n').count();
                    if let Some(l) = lines.get_mut(p.row) {
                        *l = (*l).max(n.min(20));
                    }
                }
                for (r, n) in lines.iter().enumerate().filter(|(_, n)| **n > 1) {
                    ws.set_row_height(r as u32, 16.0 * *n as f64).map_err(err)?;
                }
            }
        }
    }
    if n_tables == 0 {
        let ws = wb.add_worksheet();
        ws.set_name("文档").map_err(err)?;
        ws.set_column_width(0, 80).map_err(err)?;
        for (r, block) in doc.blocks.iter().enumerate().take(1_048_576) {
            if let Block::Heading { text, .. } | Block::Paragraph(text) = block {
                ws.write_string(r as u32, 0, text).map_err(err)?;
            }
        }
    }
    wb.save_to_buffer().map_err(err)
}

/// The number a cell's text stands for, when writing it as a number loses
/// nothing (no leading zeros, no thousands separators, renders back the same).
pub(crate) fn as_number(text: &str) -> Option<f64> {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || (int.len() > 1 && int.starts_with('0')) || int.len() > 15 {
        return None;
    }
    if let Some(f) = frac {
        if !digits(f) || f.len() > 10 {
            return None;
        }
    }
    let v: f64 = text.parse().ok()?;
    (render_number(v) == text).then_some(v)
}

fn unique_sheet_name(heading: Option<&str>, n: usize, used: &mut Vec<String>) -> String {
    let base: String = heading
        .unwrap_or_default()
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') && !c.is_control())
        .collect::<String>()
        .trim()
        .trim_matches('\'')
        .trim()
        .to_string();
    let base = if base.is_empty() || base.eq_ignore_ascii_case("history") {
        format!("表{n}")
    } else {
        base
    };
    let mut k = 1;
    loop {
        let suffix = if k == 1 {
            String::new()
        } else {
            format!("({k})")
        };
        let keep = 31 - suffix.chars().count();
        let mut name: String = base.chars().take(keep).collect();
        name = name.trim_end_matches('\'').to_string();
        name.push_str(&suffix);
        if !used.iter().any(|u| u.to_lowercase() == name.to_lowercase()) {
            used.push(name.clone());
            return name;
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_render_without_noise() {
        assert_eq!(render_number(0.1 + 0.2), "0.3");
        assert_eq!(render_number(12.0), "12");
        assert_eq!(render_number(-0.0), "0");
        assert_eq!(render_number(1234.5678), "1234.5678");
        assert_eq!(as_number("0012"), None);
        assert_eq!(as_number("1,234"), None);
        assert_eq!(as_number("1.50"), None);
        assert_eq!(as_number("12.5"), Some(12.5));
        assert_eq!(as_number("-3"), Some(-3.0));
    }

    #[test]
    fn serial_dates() {
        assert_eq!(render_serial_date(44562.0), "2022-01-01");
        assert_eq!(render_serial_date(44562.5), "2022-01-01 12:00:00");
        assert_eq!(render_serial_date(1.0), "1900-01-01");
    }

    #[test]
    fn sheet_names() {
        let mut used = Vec::new();
        assert_eq!(
            unique_sheet_name(Some("表一 [收到]/处理"), 1, &mut used),
            "表一 收到处理"
        );
        assert_eq!(
            unique_sheet_name(Some("表一 [收到]/处理"), 2, &mut used),
            "表一 收到处理(2)"
        );
        let long = "很".repeat(40);
        assert_eq!(
            unique_sheet_name(Some(&long), 3, &mut used).chars().count(),
            31
        );
        assert_eq!(unique_sheet_name(None, 4, &mut used), "表4");
    }

    #[test]
    fn round_trip() {
        let doc = Doc {
            blocks: vec![
                Block::Heading {
                    level: 2,
                    text: "收到和处理政府信息公开申请情况".into(),
                },
                Block::Table(Table {
                    rows: vec![
                        vec![
                            Cell::spanning("本列数据的勾稽关系", 2, 2),
                            Cell::new("自然人"),
                            Cell::new("x"),
                        ],
                        vec![Cell::new("12"), Cell::new("3.25")],
                        vec![
                            Cell::new("0012"),
                            Cell::new("-4"),
                            Cell::spanning("合计", 1, 2),
                        ],
                    ],
                }),
                Block::Heading {
                    level: 2,
                    text: "表2".into(),
                },
                Block::Table(Table {
                    rows: vec![vec![Cell::new("a"), Cell::new("b")]],
                }),
            ],
        };
        let bytes = write_xlsx(&doc).unwrap();
        assert_eq!(read_xlsx(&bytes).unwrap(), doc);
    }
}

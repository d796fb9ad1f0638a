//! DOCX: reading word/document.xml with a streaming XML parser (bounded, no
//! recursion) and writing real Word tables with docx-rs.

use std::collections::HashMap;
use std::io::Cursor;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::grid::Grid;
use crate::limits::MAX_COLS;
use crate::model::{Block, Cell, Doc, Table};
use crate::text::decode_with;
use crate::zipx::{self, Budget};
use crate::DocError;

/// Reads a DOCX file: paragraphs (text of runs; `w:tab` → tab, `w:br` → line
/// break), headings (by paragraph style or outline level) and tables with
/// `w:gridSpan` (column span) and `w:vMerge` (row span). A table that contains
/// another table is taken as layout: its cells' contents become blocks in
/// reading order. Decompression is capped (see [`crate::limits`]).
pub fn read_docx(bytes: &[u8]) -> Result<Doc, DocError> {
    let mut archive = zipx::open(bytes)?;
    let mut budget = Budget::default();
    let main = main_part(&mut archive, &mut budget)?;
    let xml = zipx::read_entry(&mut archive, &main, &mut budget)?
        .ok_or_else(|| DocError::MissingPart(main.clone(), "DOCX"))?;
    let styles = match zipx::read_entry(&mut archive, "word/styles.xml", &mut budget)? {
        Some(s) => heading_styles(&s).unwrap_or_default(),
        None => HashMap::new(),
    };
    parse_document(&xml, &styles)
}

/// The main document part named by the package relationships.
fn main_part(archive: &mut zipx::Archive<'_>, budget: &mut Budget) -> Result<String, DocError> {
    let default = "word/document.xml".to_string();
    let Some(rels) = zipx::read_entry(archive, "_rels/.rels", budget)? else {
        return Ok(default);
    };
    let text = decode_with(&rels, None, false)?;
    let mut reader = Reader::from_str(&text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let ty = attr(&e, "Type").unwrap_or_default();
                if ty.ends_with("/officeDocument") {
                    if let Some(target) = attr(&e, "Target") {
                        let t = target.trim_start_matches('/').to_string();
                        if !t.is_empty() {
                            return Ok(t);
                        }
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(default),
            _ => {}
        }
    }
}

fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        if a.key.local_name().as_ref() == local {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        } else {
            None
        }
    })
}

fn heading_level_of_name(name: &str) -> Option<u8> {
    let n = name.trim().to_ascii_lowercase();
    if n == "title" {
        return Some(1);
    }
    let rest = n.strip_prefix("heading")?.trim();
    let level: u8 = rest.parse().ok()?;
    (1..=9).contains(&level).then_some(level)
}

/// styleId → heading level, from word/styles.xml.
fn heading_styles(xml: &[u8]) -> Result<HashMap<String, u8>, DocError> {
    let text = decode_with(xml, None, false)?;
    let mut reader = Reader::from_str(&text);
    reader.config_mut().check_end_names = false;
    let mut map = HashMap::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "style" => current = attr(&e, "styleId"),
                "name" => {
                    if let (Some(id), Some(level)) = (
                        current.as_ref(),
                        attr(&e, "val").as_deref().and_then(heading_level_of_name),
                    ) {
                        map.insert(id.clone(), level);
                    }
                }
                "outlineLvl" => {
                    if let (Some(id), Some(v)) = (
                        current.as_ref(),
                        attr(&e, "val").and_then(|v| v.parse::<u8>().ok()),
                    ) {
                        if v < 9 {
                            map.entry(id.clone()).or_insert(v + 1);
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == "style" => current = None,
            Ok(Event::Eof) => break,
            Err(e) => return Err(DocError::Xml(e.to_string())),
            _ => {}
        }
    }
    Ok(map)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Merge {
    #[default]
    None,
    Restart,
    Continue,
}

#[derive(Default)]
struct TcB {
    blocks: Vec<Block>,
    grid_span: u32,
    vmerge: Merge,
    hmerge: Merge,
}

#[derive(Default)]
struct TrB {
    cells: Vec<TcB>,
    grid_before: u32,
}

enum Frame {
    Para { text: String, heading: Option<u8> },
    Tbl(Vec<TrB>),
    Tr(TrB),
    Tc(TcB),
}

impl Frame {
    fn kind(&self) -> usize {
        match self {
            Frame::Para { .. } => 0,
            Frame::Tbl(_) => 1,
            Frame::Tr(_) => 2,
            Frame::Tc(_) => 3,
        }
    }
}

struct Parser<'s> {
    styles: &'s HashMap<String, u8>,
    stack: Vec<Frame>,
    body: Vec<Block>,
    in_text: bool,
    run_depth: usize,
    /// Depth inside a subtree whose content is ignored (mc:Fallback).
    skip: usize,
    /// Open frames of each kind (see [`Frame::kind`]).
    open: [usize; 4],
    /// Stack positions of the open cells, innermost last.
    tc_at: Vec<usize>,
    /// Tables opened beyond [`MAX_TABLE_NESTING`]: their structure is
    /// ignored and their paragraphs go to the innermost kept cell.
    ignored_tbl: usize,
}

/// Deepest table nesting kept as structure.
const MAX_TABLE_NESTING: usize = 32;

fn parse_document(xml: &[u8], styles: &HashMap<String, u8>) -> Result<Doc, DocError> {
    let text = decode_with(xml, None, false)?;
    let mut reader = Reader::from_str(&text);
    reader.config_mut().check_end_names = false;
    let mut p = Parser {
        styles,
        stack: Vec::new(),
        body: Vec::new(),
        in_text: false,
        run_depth: 0,
        skip: 0,
        open: [0; 4],
        tc_at: Vec::new(),
        ignored_tbl: 0,
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| DocError::Xml(e.to_string()))?;
        if p.skip > 0 {
            match event {
                Event::Start(_) => p.skip += 1,
                Event::End(_) => p.skip -= 1,
                Event::Eof => break,
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(e) => p.start(&e, false),
            Event::Empty(e) => p.start(&e, true),
            Event::End(e) => p.end(e.local_name().as_ref()),
            Event::Text(t) if p.in_text => p.push_str(&t.xml10_content()),
            Event::CData(t) if p.in_text => p.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if p.in_text => {
                let name = r.xml10_content();
                if let Ok(s) = quick_xml::escape::unescape(&format!("&{name};")) {
                    p.push_str(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // Close whatever a truncated document left open.
    while !p.stack.is_empty() {
        p.pop_frame();
    }
    Ok(Doc { blocks: p.body })
}

impl Parser<'_> {
    fn push_str(&mut self, s: &str) {
        if let Some(Frame::Para { text, .. }) = self.stack.last_mut() {
            text.push_str(s);
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.local_name();
        match name.as_ref() {
            "Fallback" if !empty => self.skip = 1,
            "p" => {
                self.push(Frame::Para {
                    text: String::new(),
                    heading: None,
                });
                if empty {
                    self.end("p");
                }
            }
            "tbl" if self.ignored_tbl > 0 && !empty => self.ignored_tbl += 1,
            "tbl" | "tr" | "tc" if self.ignored_tbl > 0 => {}
            "tbl" if !empty && self.open[1] >= MAX_TABLE_NESTING => self.ignored_tbl = 1,
            "tbl" if !empty => self.push(Frame::Tbl(Vec::new())),
            "tr" if !empty => self.push(Frame::Tr(TrB::default())),
            "tc" => {
                self.push(Frame::Tc(TcB::default()));
                if empty {
                    self.end("tc");
                }
            }
            "r" if !empty => self.run_depth += 1,
            "t" if !empty && self.run_depth > 0 => self.in_text = true,
            "tab" if self.run_depth > 0 => self.push_str("\t"),
            "br" | "cr" if self.run_depth > 0 => {
                let ty = attr(e, "type").unwrap_or_default();
                if ty != "page" && ty != "column" {
                    self.push_str("\n");
                }
            }
            "noBreakHyphen" if self.run_depth > 0 => self.push_str("-"),
            "pStyle" => {
                let level = attr(e, "val").and_then(|id| {
                    self.styles
                        .get(&id)
                        .copied()
                        .or_else(|| heading_level_of_name(&id.replace("Heading", "heading ")))
                });
                if let (Some(l), Some(Frame::Para { heading, .. })) = (level, self.stack.last_mut())
                {
                    *heading = Some(l);
                }
            }
            "outlineLvl" => {
                let v = attr(e, "val").and_then(|v| v.parse::<u8>().ok());
                if let (Some(v), Some(Frame::Para { heading, .. })) = (v, self.stack.last_mut()) {
                    if v < 9 {
                        *heading = Some(v + 1);
                    }
                }
            }
            "gridSpan" if self.ignored_tbl == 0 => {
                let v = attr(e, "val").and_then(|v| v.trim().parse::<u32>().ok());
                if let (Some(v), Some(Frame::Tc(tc))) = (v, self.stack.last_mut()) {
                    tc.grid_span = v.clamp(1, MAX_COLS as u32);
                }
            }
            "gridBefore" if self.ignored_tbl == 0 => {
                let v = attr(e, "val").and_then(|v| v.trim().parse::<u32>().ok());
                if let (Some(v), Some(Frame::Tr(tr))) = (v, self.stack.last_mut()) {
                    tr.grid_before = v.min(MAX_COLS as u32);
                }
            }
            "vMerge" | "hMerge" if self.ignored_tbl == 0 => {
                let m = match attr(e, "val").as_deref() {
                    Some("restart") => Merge::Restart,
                    _ => Merge::Continue,
                };
                if let Some(Frame::Tc(tc)) = self.stack.last_mut() {
                    if name.as_ref() == "vMerge" {
                        tc.vmerge = m;
                    } else {
                        tc.hmerge = m;
                    }
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        let kind = match name {
            "p" => 0,
            "tbl" => 1,
            "tr" => 2,
            "tc" => 3,
            "r" => {
                self.run_depth = self.run_depth.saturating_sub(1);
                self.in_text = false;
                return;
            }
            "t" => {
                self.in_text = false;
                return;
            }
            _ => return,
        };
        if kind > 0 && self.ignored_tbl > 0 {
            if kind == 1 {
                self.ignored_tbl -= 1;
            }
            return;
        }
        if self.open[kind] == 0 {
            return;
        }
        while let Some(top) = self.stack.last() {
            let done = top.kind() == kind;
            self.pop_frame();
            if done {
                break;
            }
        }
    }

    /// Emits a finished block into the innermost open cell, or the body.
    fn emit(&mut self, block: Block) {
        if let Some(&i) = self.tc_at.last() {
            if let Some(Frame::Tc(tc)) = self.stack.get_mut(i) {
                tc.blocks.push(block);
                return;
            }
        }
        self.body.push(block);
    }

    fn push(&mut self, frame: Frame) {
        let kind = frame.kind();
        self.open[kind] += 1;
        if kind == 3 {
            self.tc_at.push(self.stack.len());
        }
        self.stack.push(frame);
    }

    fn pop_frame(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let kind = frame.kind();
        self.open[kind] = self.open[kind].saturating_sub(1);
        if kind == 3 {
            self.tc_at.pop();
        }
        match frame {
            Frame::Para { text, heading } => {
                self.in_text = false;
                let block = match heading {
                    Some(level) => Block::Heading { level, text },
                    None => Block::Paragraph(text),
                };
                self.emit(block);
            }
            Frame::Tc(tc) => match self.stack.last_mut() {
                Some(Frame::Tr(tr)) => tr.cells.push(tc),
                _ => {
                    for b in tc.blocks {
                        self.emit(b);
                    }
                }
            },
            Frame::Tr(tr) => {
                if let Some(Frame::Tbl(rows)) = self.stack.last_mut() {
                    rows.push(tr);
                }
            }
            Frame::Tbl(rows) => {
                let nested = rows.iter().any(|r| {
                    r.cells
                        .iter()
                        .any(|c| c.blocks.iter().any(|b| matches!(b, Block::Table(_))))
                });
                if nested {
                    for row in rows {
                        for cell in row.cells {
                            for b in cell.blocks {
                                self.emit(b);
                            }
                        }
                    }
                } else if let Some(table) = build_table(rows) {
                    self.emit(Block::Table(table));
                }
            }
        }
    }
}

fn cell_text(blocks: Vec<Block>) -> String {
    blocks
        .into_iter()
        .map(|b| match b {
            Block::Heading { text, .. } | Block::Paragraph(text) => text,
            Block::Table(_) => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Turns Word rows into a model table: `gridBefore` becomes an empty spanning
/// cell, `hMerge` continuations widen the cell before, `vMerge` continuations
/// lengthen the restarting cell above at the same grid column.
fn build_table(rows: Vec<TrB>) -> Option<Table> {
    let mut out: Vec<Vec<Cell>> = Vec::with_capacity(rows.len());
    // grid column → (row, index) of a vertical merge still open there.
    let mut active: HashMap<usize, (usize, usize)> = HashMap::new();
    for (r, row) in rows.into_iter().enumerate() {
        let mut cells: Vec<Cell> = Vec::new();
        let mut next_active = HashMap::new();
        let mut col = row.grid_before as usize;
        if row.grid_before > 0 {
            cells.push(Cell::spanning("", 1, row.grid_before));
        }
        for tc in row.cells {
            if col >= MAX_COLS {
                break;
            }
            let span = tc.grid_span.max(1);
            if tc.hmerge == Merge::Continue {
                if let Some(last) = cells.last_mut() {
                    last.col_span = last.col_span.saturating_add(span);
                    col += span as usize;
                    continue;
                }
            }
            if tc.vmerge == Merge::Continue {
                if let Some(&(r0, i0)) = active.get(&col) {
                    if let Some(origin) = out.get_mut(r0).and_then(|row| row.get_mut(i0)) {
                        origin.row_span = origin.row_span.saturating_add(1);
                        next_active.insert(col, (r0, i0));
                        col += span as usize;
                        continue;
                    }
                }
            }
            if tc.vmerge == Merge::Restart {
                next_active.insert(col, (r, cells.len()));
            }
            cells.push(Cell {
                text: cell_text(tc.blocks),
                row_span: 1,
                col_span: span,
            });
            col += span as usize;
        }
        active = next_active;
        out.push(cells);
    }
    if out.iter().all(|r| r.is_empty()) {
        return None;
    }
    Some(Table { rows: out })
}

// ---------------------------------------------------------------- writing
//
// The writer emits WordprocessingML itself, with every element in the order
// the ECMA-376 schema requires (Word refuses or "repairs" files whose
// property elements are out of order; docx-rs 0.4 writes `w:rPr` before
// `w:pStyle` inside `w:pPr`).

/// Options for [`write_docx_with`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxOptions {
    /// East Asian font of every run (e.g. 宋体, 仿宋_GB2312).
    pub east_asia_font: String,
    /// Latin font of every run.
    pub latin_font: String,
    /// Body text size in half-points (21 = 10.5 pt, 五号; 24 = 12 pt, 小四).
    pub size_half_points: u32,
}

impl Default for DocxOptions {
    fn default() -> Self {
        DocxOptions {
            east_asia_font: "宋体".into(),
            latin_font: "Times New Roman".into(),
            size_half_points: 24,
        }
    }
}

/// Writes a DOCX file with default options (宋体, 12 pt).
pub fn write_docx(doc: &Doc) -> Result<Vec<u8>, DocError> {
    write_docx_with(doc, &DocxOptions::default())
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// Usable width of an A4 page with 3.17 cm side margins, in twips.
const TEXT_WIDTH: usize = 8_306;

/// Writes a DOCX file: headings as the built-in "heading N" styles,
/// paragraphs (tab → `w:tab`, line break → `w:br`), and real Word tables
/// with borders whose merged cells use `w:gridSpan` and `w:vMerge`. Every run
/// carries the East Asian font, so Word and WPS show it whatever their
/// defaults.
pub fn write_docx_with(doc: &Doc, opts: &DocxOptions) -> Result<Vec<u8>, DocError> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    let title = doc.title().unwrap_or_default();
    let parts: [(&str, String); 7] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("docProps/core.xml", core_xml(&title)),
        ("docProps/app.xml", APP_XML.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", styles_xml(opts)),
        ("word/document.xml", document_xml(doc, opts)),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, xml) in parts {
        zip.start_file(name, options)
            .map_err(|e| DocError::write("DOCX", e))?;
        zip.write_all(xml.as_bytes())
            .map_err(|e| DocError::write("DOCX", e))?;
    }
    let cursor = zip.finish().map_err(|e| DocError::write("DOCX", e))?;
    Ok(cursor.into_inner())
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const APP_XML: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>gongkai</Application></Properties>"#;

fn core_xml(title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:creator>gongkai</dc:creator></cp:coreProperties>"#,
        xml_escape(&title.replace(['\n', '\t'], " "))
    )
}

fn fonts_xml(opts: &DocxOptions) -> String {
    let latin = xml_escape(&opts.latin_font);
    let ea = xml_escape(&opts.east_asia_font);
    format!(r#"<w:rFonts w:ascii="{latin}" w:eastAsia="{ea}" w:hAnsi="{latin}" w:cs="{latin}"/>"#)
}

fn styles_xml(opts: &DocxOptions) -> String {
    let fonts = fonts_xml(opts);
    let size = opts.size_half_points.clamp(8, 200);
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault><w:rPr>{fonts}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="360" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="both"/></w:pPr></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#
    );
    for level in 1..=6u32 {
        let (hsize, jc) = match level {
            1 => (36, r#"<w:jc w:val="center"/>"#),
            2 => (32, ""),
            3 => (28, ""),
            _ => (size, ""),
        };
        s.push_str(&format!(
            r#"<w:style w:type="paragraph" w:styleId="Heading{level}"><w:name w:val="heading {level}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="120"/>{jc}<w:outlineLvl w:val="{}"/></w:pPr><w:rPr>{fonts}<w:b/><w:bCs/><w:sz w:val="{hsize}"/><w:szCs w:val="{hsize}"/></w:rPr></w:style>"#,
            level - 1
        ));
    }
    s.push_str("</w:styles>");
    s
}

fn document_xml(doc: &Doc, opts: &DocxOptions) -> String {
    let fonts = fonts_xml(opts);
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}"><w:body>"#
    );
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let l = (*level).clamp(1, 6);
                push_paragraph(&mut s, text, Some(l), &fonts);
            }
            Block::Paragraph(text) => push_paragraph(&mut s, text, None, &fonts),
            Block::Table(table) => push_table(&mut s, table, &fonts),
        }
    }
    // A4 portrait, 2.54 cm top/bottom and 3.17 cm side margins.
    s.push_str(r#"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>"#);
    s
}

fn push_paragraph(s: &mut String, text: &str, heading: Option<u8>, fonts: &str) {
    s.push_str("<w:p>");
    if let Some(l) = heading {
        s.push_str(&format!(r#"<w:pPr><w:pStyle w:val="Heading{l}"/></w:pPr>"#));
    }
    if !text.is_empty() {
        s.push_str("<w:r><w:rPr>");
        s.push_str(fonts);
        s.push_str("</w:rPr>");
        let mut piece = String::new();
        let flush = |s: &mut String, piece: &mut String| {
            if !piece.is_empty() {
                s.push_str(r#"<w:t xml:space="preserve">"#);
                s.push_str(&xml_escape(piece));
                s.push_str("</w:t>");
                piece.clear();
            }
        };
        for ch in text.chars() {
            match ch {
                '\t' => {
                    flush(s, &mut piece);
                    s.push_str("<w:tab/>");
                }
                '\n' => {
                    flush(s, &mut piece);
                    s.push_str("<w:br/>");
                }
                c => piece.push(c),
            }
        }
        flush(s, &mut piece);
        s.push_str("</w:r>");
    }
    s.push_str("</w:p>");
}

fn push_table(s: &mut String, table: &Table, fonts: &str) {
    let grid = Grid::of(table);
    if grid.cols == 0 {
        return;
    }
    let cover = grid.coverage();
    let widths = column_widths(&grid);
    let total: usize = widths.iter().sum();
    s.push_str(&format!(
        r#"<w:tbl><w:tblPr><w:tblW w:w="{}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>"#,
        total
    ));
    for w in &widths {
        s.push_str(&format!(r#"<w:gridCol w:w="{w}"/>"#));
    }
    s.push_str("</w:tblGrid>");
    for (r, line) in cover.iter().enumerate() {
        s.push_str("<w:tr>");
        let mut c = 0;
        while c < grid.cols {
            let placed = line
                .get(c)
                .copied()
                .flatten()
                .and_then(|i| grid.cells.get(i))
                .filter(|p| p.col == c);
            let (span, merge, text) = match placed {
                Some(p) if p.row == r => (
                    p.col_span,
                    (p.row_span > 1).then_some(r#"<w:vMerge w:val="restart"/>"#),
                    Some(p.cell.text.as_str()),
                ),
                Some(p) => (p.col_span, Some("<w:vMerge/>"), None),
                // A position no cell covers (a short row).
                None => (1, None, None),
            };
            let w: usize = widths.iter().skip(c).take(span).sum();
            s.push_str(&format!(r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>"#));
            if span > 1 {
                s.push_str(&format!(r#"<w:gridSpan w:val="{span}"/>"#));
            }
            if let Some(m) = merge {
                s.push_str(m);
            }
            s.push_str(r#"<w:vAlign w:val="center"/></w:tcPr>"#);
            match text {
                Some(t) => {
                    for line in t.split('\n') {
                        push_paragraph(s, line, None, fonts);
                    }
                }
                None => s.push_str("<w:p/>"),
            }
            s.push_str("</w:tc>");
            c += span;
        }
        s.push_str("</w:tr>");
    }
    s.push_str("</w:tbl>");
}

/// Column widths in twips: the text width shared out by
/// [`Grid::column_weights`].
fn column_widths(grid: &Grid<'_>) -> Vec<usize> {
    let weight = grid.column_weights();
    let sum: usize = weight.iter().sum::<usize>().max(1);
    weight
        .iter()
        .map(|w| (TEXT_WIDTH * w / sum).max(200))
        .collect()
}

/// Escapes text for XML content and attributes, dropping characters XML 1.0
/// does not allow.
fn xml_escape(text: &str) -> String {
    let mut o = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\t'
            | '\n'
            | '\r'
            | '\u{20}'..='\u{D7FF}'
            | '\u{E000}'..='\u{FFFD}'
            | '\u{10000}'.. => o.push(c),
            _ => {}
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Doc {
        Doc {
            blocks: vec![
                Block::Heading {
                    level: 1,
                    text: "某单位2021年政府信息公开工作年度报告".into(),
                },
                Block::Paragraph("\t一、总体情况  ".into()),
                Block::Paragraph("第一行\n第二行".into()),
                Block::Paragraph(String::new()),
                Block::Table(Table {
                    rows: vec![
                        vec![
                            Cell::spanning("信息内容", 2, 1),
                            Cell::spanning("本年新制作数量", 1, 2),
                        ],
                        vec![Cell::new("规章"), Cell::new("0")],
                        vec![Cell::new("a & <b>"), Cell::new("多行\n文本"), Cell::new("")],
                    ],
                }),
            ],
        }
    }

    #[test]
    fn round_trip() {
        let doc = sample();
        let bytes = write_docx(&doc).unwrap();
        assert_eq!(read_docx(&bytes).unwrap(), doc);
    }

    #[test]
    fn not_a_zip() {
        let err = read_docx("hello, this is not a docx".as_bytes()).unwrap_err();
        assert!(matches!(err, DocError::NotZip(_)));
        assert!(err.to_string().contains("ZIP"));
    }
}

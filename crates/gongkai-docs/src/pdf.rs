//! PDF output through typst used as a library: the document is turned into
//! typst markup (all text as escaped string literals) and compiled with a
//! minimal in-memory `World` whose fonts come from the system (CJK fonts such
//! as Debian's fonts-noto-cjk). Fonts are embedded; text is selectable.

use std::path::PathBuf;

use crate::grid::Grid;
use crate::model::{Block, Doc};
use crate::DocError;

/// Options for [`write_pdf_with`].
#[derive(Debug, Clone, PartialEq)]
pub struct PdfOptions {
    /// Font families in order of preference; the first one installed is the
    /// body font, the others are fallbacks for missing glyphs.
    pub font_families: Vec<String>,
    /// Font files or directories to load. Empty: the system's CJK fonts
    /// (fonts-noto-cjk when present, else everything under the usual font
    /// directories).
    pub font_paths: Vec<PathBuf>,
    /// Body text size in points.
    pub font_size_pt: f64,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions {
            font_families: [
                "Noto Serif CJK SC",
                "Noto Sans CJK SC",
                "SimSun",
                "Source Han Serif SC",
                "Source Han Sans SC",
                "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei",
            ]
            .map(String::from)
            .to_vec(),
            font_paths: Vec::new(),
            font_size_pt: 10.5,
        }
    }
}

/// Writes a PDF with the default options (Noto Serif CJK SC, 10.5 pt, A4).
pub fn write_pdf(doc: &Doc) -> Result<Vec<u8>, DocError> {
    write_pdf_with(doc, &PdfOptions::default())
}

#[cfg(not(feature = "pdf"))]
pub fn write_pdf_with(_doc: &Doc, _opts: &PdfOptions) -> Result<Vec<u8>, DocError> {
    Err(DocError::PdfDisabled)
}

/// The typst markup for a document (exposed for inspection and tests).
pub fn typst_markup(doc: &Doc, families: &[String], size_pt: f64) -> String {
    let fonts = families
        .iter()
        .map(|f| string_literal(f))
        .collect::<Vec<_>>()
        .join(", ");
    let title = doc.title().unwrap_or_else(|| "文档".into());
    let wide = doc.tables().any(|t| Grid::of(t).cols > 10);
    let size = if size_pt.is_finite() && size_pt > 1.0 && size_pt < 100.0 {
        size_pt
    } else {
        10.5
    };
    let mut s = String::new();
    s.push_str(&format!(
        "#set document(title: {})\n",
        string_literal(&title)
    ));
    s.push_str(&format!(
        "#set page(paper: \"a4\", flipped: {wide}, margin: (x: 2cm, y: 2.2cm), numbering: \"1\")\n"
    ));
    s.push_str(&format!(
        "#set text(font: ({fonts},), size: {size}pt, lang: \"zh\", region: \"cn\")\n"
    ));
    s.push_str("#set par(leading: 0.8em, spacing: 0.9em)\n");
    s.push_str("#show heading: set block(above: 1.2em, below: 0.8em)\n");
    s.push_str("#show heading.where(level: 1): set align(center)\n");
    s.push_str("#show heading.where(level: 1): set text(size: 1.6em)\n");
    s.push_str("#show table: set text(size: 0.86em)\n");
    s.push_str("#set table(stroke: 0.5pt + black, inset: (x: 4pt, y: 3pt), align: horizon)\n\n");
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let l = (*level).clamp(1, 6);
                s.push_str(&format!("#heading(level: {l})[{}]\n\n", content(text)));
            }
            Block::Paragraph(text) if text.trim().is_empty() => s.push_str("#v(0.6em)\n\n"),
            Block::Paragraph(text) => s.push_str(&format!("#par[{}]\n\n", content(text))),
            Block::Table(table) => {
                let grid = Grid::of(table);
                if grid.cols == 0 {
                    continue;
                }
                let columns = grid
                    .column_weights()
                    .iter()
                    .map(|w| format!("{w}fr"))
                    .collect::<Vec<_>>()
                    .join(", ");
                s.push_str(&format!("#table(columns: ({columns},),\n"));
                for p in &grid.cells {
                    s.push_str(&format!(
                        "  table.cell(x: {}, y: {}, rowspan: {}, colspan: {})[{}],\n",
                        p.col,
                        p.row,
                        p.row_span,
                        p.col_span,
                        content(&p.cell.text)
                    ));
                }
                s.push_str(")\n\n");
            }
        }
    }
    s
}

/// Markup content for text: string literals joined by line breaks.
fn content(text: &str) -> String {
    text.split('\n')
        .map(|line| format!("#{}", string_literal(line)))
        .collect::<Vec<_>>()
        .join(" \\ ")
}

/// A typst string literal.
fn string_literal(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for ch in s.chars() {
        match ch {
            '\\' => o.push_str("\\\\"),
            '"' => o.push_str("\\\""),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if c.is_control() => o.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Font files to load when no paths are configured.
#[cfg(feature = "pdf")]
const KNOWN_CJK_DIRS: &[&str] = &[
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/opentype/source-han-serif",
    "/usr/share/fonts/opentype/source-han-sans",
    "/usr/share/fonts/truetype/wqy",
];
#[cfg(feature = "pdf")]
const SYSTEM_DIRS: &[&str] = &["/usr/share/fonts", "/usr/local/share/fonts"];

#[cfg(feature = "pdf")]
fn font_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    use std::path::Path;
    let mut out = Vec::new();
    if paths.is_empty() {
        for d in KNOWN_CJK_DIRS {
            collect_fonts(Path::new(d), 0, &mut out, true);
        }
        if out.is_empty() {
            for d in SYSTEM_DIRS {
                collect_fonts(Path::new(d), 0, &mut out, false);
            }
        }
    } else {
        for p in paths {
            if p.is_dir() {
                collect_fonts(p, 0, &mut out, false);
            } else {
                out.push(p.clone());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(feature = "pdf")]
fn collect_fonts(dir: &std::path::Path, depth: usize, out: &mut Vec<PathBuf>, cjk_only: bool) {
    if depth > 6 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_fonts(&path, depth + 1, out, cjk_only);
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let is_font = [".ttf", ".otf", ".ttc", ".otc"]
            .iter()
            .any(|e| name.ends_with(e));
        let cjk = ["cjk", "han", "wqy", "simsun", "song", "hei", "kai", "fang"]
            .iter()
            .any(|k| name.contains(k));
        if is_font && (!cjk_only || cjk) {
            out.push(path);
        }
    }
}

#[cfg(feature = "pdf")]
pub use with_typst::write_pdf_with;

#[cfg(feature = "pdf")]
mod with_typst {
    use super::*;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    use typst::diag::{FileError, FileResult};
    use typst::foundations::{Bytes, Datetime, Duration};
    use typst::syntax::{FileId, Source};
    use typst::text::{Font, FontBook};
    use typst::utils::LazyHash;
    use typst::{Library, LibraryExt, World};
    use typst_layout::PagedDocument;

    struct FontSet {
        book: LazyHash<FontBook>,
        fonts: Vec<Font>,
    }

    type FontCache = Mutex<HashMap<Vec<PathBuf>, Arc<FontSet>>>;

    /// Fonts are read once per set of paths and kept for the process.
    fn fonts_for(paths: &[PathBuf]) -> Result<Arc<FontSet>, DocError> {
        static CACHE: OnceLock<FontCache> = OnceLock::new();
        let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
        let key = paths.to_vec();
        if let Ok(map) = cache.lock() {
            if let Some(set) = map.get(&key) {
                return Ok(set.clone());
            }
        }
        let mut fonts = Vec::new();
        for file in font_files(paths) {
            if let Ok(data) = std::fs::read(&file) {
                fonts.extend(Font::iter(Bytes::new(data)));
            }
        }
        if fonts.is_empty() {
            return Err(DocError::FontNotFound("系统中没有找到任何字体文件".into()));
        }
        let set = Arc::new(FontSet {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        });
        if let Ok(mut map) = cache.lock() {
            map.insert(key, set.clone());
        }
        Ok(set)
    }

    fn library() -> &'static LazyHash<Library> {
        static LIB: OnceLock<LazyHash<Library>> = OnceLock::new();
        LIB.get_or_init(|| LazyHash::new(<Library as LibraryExt>::default()))
    }

    struct DocWorld {
        fonts: Arc<FontSet>,
        source: Source,
    }

    impl World for DocWorld {
        fn library(&self) -> &LazyHash<Library> {
            library()
        }
        fn book(&self) -> &LazyHash<FontBook> {
            &self.fonts.book
        }
        fn main(&self) -> FileId {
            self.source.id()
        }
        fn source(&self, id: FileId) -> FileResult<Source> {
            if id == self.source.id() {
                Ok(self.source.clone())
            } else {
                Err(FileError::AccessDenied)
            }
        }
        fn file(&self, _id: FileId) -> FileResult<Bytes> {
            Err(FileError::AccessDenied)
        }
        fn font(&self, index: usize) -> Option<Font> {
            self.fonts.fonts.get(index).cloned()
        }
        fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
            None
        }
    }

    /// Writes a PDF: A4 (landscape when a table has more than 10 columns),
    /// headings, paragraphs and ruled tables with merged cells, in the first
    /// installed family of `opts.font_families`.
    pub fn write_pdf_with(doc: &Doc, opts: &PdfOptions) -> Result<Vec<u8>, DocError> {
        let fonts = fonts_for(&opts.font_paths)?;
        let families: Vec<String> = opts
            .font_families
            .iter()
            .filter(|f| fonts.book.contains_family(&f.to_lowercase()))
            .cloned()
            .collect();
        if families.is_empty() {
            return Err(DocError::FontNotFound(opts.font_families.join("、")));
        }
        let markup = typst_markup(doc, &families, opts.font_size_pt);
        let run = || -> Result<Vec<u8>, DocError> {
            let world = DocWorld {
                fonts,
                source: Source::detached(markup),
            };
            let document: PagedDocument = typst::compile(&world)
                .output
                .map_err(|errs| DocError::Pdf(messages(&errs)))?;
            typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
                .map_err(|errs| DocError::Pdf(messages(&errs)))
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
            .unwrap_or_else(|_| Err(DocError::Pdf("排版引擎内部错误".into())));
        // Drop typst's memoisation caches so a long-running server stays small.
        typst::comemo::evict(0);
        result
    }

    fn messages(errs: &[typst::diag::SourceDiagnostic]) -> String {
        errs.iter()
            .take(3)
            .map(|e| e.message.to_string())
            .collect::<Vec<_>>()
            .join("；")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(feature = "pdf"))]
    #[test]
    fn disabled_without_the_feature() {
        assert_eq!(write_pdf(&Doc::default()), Err(DocError::PdfDisabled));
    }

    #[test]
    fn literals_are_escaped() {
        assert_eq!(string_literal("a\"b\\c\t#[]"), "\"a\\\"b\\\\c\\t#[]\"");
        assert_eq!(content("一\n二"), "#\"一\" \\ #\"二\"");
        assert_eq!(string_literal("\u{1}"), "\"\\u{1}\"");
    }
}

//! HTML: reading pages (charset detection, chrome skipped, tables with spans)
//! and writing a complete printable page.

use ego_tree::NodeRef;
use encoding_rs::Encoding;
use scraper::{Html, Node};

use crate::grid::Grid;
use crate::limits::{check_size, MAX_COLS, MAX_HTML_DEPTH, MAX_ROW_SPAN, MAX_WALK_DEPTH};
use crate::model::{Block, Cell, Doc, Table};
use crate::text::decode_with;
use crate::DocError;

/// Reads an HTML page: headings, paragraphs (block elements and `<br>` end
/// lines), and tables with `rowspan`/`colspan`. Scripts, styles, navigation and
/// hidden elements are skipped. A table that contains another table is taken
/// as layout: its cells' contents become blocks in reading order.
/// `&nbsp;` becomes a plain space.
pub fn read_html(bytes: &[u8]) -> Result<Doc, DocError> {
    check_size(bytes)?;
    let declared = declared_charset(bytes);
    let text = decode_with(bytes, declared, false)?;
    let depth = approx_depth(&text);
    if depth > MAX_HTML_DEPTH {
        return Err(DocError::TooDeep(MAX_HTML_DEPTH));
    }
    let html = Html::parse_document(&text);
    let mut w = Walker::default();
    w.walk_children(html.tree.root(), 0);
    w.flush();
    Ok(Doc { blocks: w.out })
}

/// The charset a page declares in `<meta charset>` or `http-equiv` content
/// within its first 4 KiB.
pub(crate) fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(i) = find(&lower[from..], b"charset") {
        let mut j = from + i + b"charset".len();
        while j < lower.len() && matches!(lower[j], b' ' | b'\t' | b'\n' | b'\r') {
            j += 1;
        }
        if j < lower.len() && lower[j] == b'=' {
            j += 1;
            while j < lower.len() && matches!(lower[j], b' ' | b'"' | b'\'' | b'\t') {
                j += 1;
            }
            let start = j;
            while j < lower.len()
                && (lower[j].is_ascii_alphanumeric()
                    || matches!(lower[j], b'-' | b'_' | b':' | b'.'))
            {
                j += 1;
            }
            if let Some(enc) = Encoding::for_label(&lower[start..j]) {
                return Some(enc);
            }
        }
        from = j.max(from + i + 1);
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `find` ignoring ASCII case (`needle` is lower case).
fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "basefont", "bgsound", "frame",
];
/// Elements the parser closes implicitly; unclosed, they do not nest.
const IMPLIED_END: &[&str] = &[
    "p", "li", "td", "th", "tr", "option", "optgroup", "dt", "dd", "thead", "tbody", "tfoot",
    "colgroup", "rp", "rt", "rb", "rtc", "html", "head", "body",
];
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "noembed", "noframes",
];

/// Whether `text` nests elements deeper than [`MAX_HTML_DEPTH`] (estimated
/// in one linear pass): such HTML is refused before any HTML parser (the
/// tree builder is quadratic in depth).
pub fn html_too_deep(text: &str) -> bool {
    approx_depth(text) > MAX_HTML_DEPTH
}

/// An upper estimate of element nesting, in one linear pass, so that hostile
/// pages are refused before the (depth-quadratic) tree builder sees them.
fn approx_depth(text: &str) -> usize {
    let b = text.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &b[i + 1..];
        if rest.starts_with(b"!--") {
            i = match find(rest, b"-->") {
                Some(k) => i + 1 + k + 3,
                None => b.len(),
            };
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = i + 1 + usize::from(closing);
        let mut j = name_start;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        if j == name_start {
            i += 1;
            continue;
        }
        let name = text
            .get(name_start..j)
            .unwrap_or_default()
            .to_ascii_lowercase();
        let end = match b[j..].iter().position(|&c| c == b'>') {
            Some(k) => j + k,
            None => b.len(),
        };
        let self_closing = end > 0 && b.get(end - 1) == Some(&b'/');
        i = end + 1;
        if closing {
            if !VOID.contains(&name.as_str()) && !IMPLIED_END.contains(&name.as_str()) {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            let close = format!("</{name}");
            i = match find_ci(&b[i.min(b.len())..], close.as_bytes()) {
                Some(k) => i + k,
                None => b.len(),
            };
            continue;
        }
        if self_closing || VOID.contains(&name.as_str()) || IMPLIED_END.contains(&name.as_str()) {
            continue;
        }
        depth += 1;
        max = max.max(depth);
    }
    max
}

const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "head", "title", "nav", "iframe", "object", "embed",
    "svg", "canvas", "select", "button", "input", "textarea", "map", "audio", "video", "math",
    "frameset", "noframes", "footer", "aside",
];
/// Whole class or id tokens that mark site chrome (menus, breadcrumbs, share bars).
const CHROME_TOKENS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "topnav",
    "subnav",
    "mainnav",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "crumb",
    "share",
    "sidebar",
    "footer",
    "skip-link",
];
const BLOCK: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "blockquote",
    "pre",
    "center",
    "form",
    "fieldset",
    "address",
    "figure",
    "figcaption",
    "hr",
    "caption",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "tfoot",
    "body",
    "html",
    "legend",
    "details",
    "summary",
    "table",
];

type HNode<'a> = NodeRef<'a, Node>;

#[derive(Default)]
struct Walker {
    out: Vec<Block>,
    line: String,
    /// The current line received preformatted text: keep its whitespace.
    line_pre: bool,
    /// Emit the current line even when it is empty.
    force: bool,
    pre: usize,
}

impl Walker {
    fn flush(&mut self) {
        self.flush_as(None);
    }

    fn flush_as(&mut self, heading: Option<u8>) {
        let raw = std::mem::take(&mut self.line);
        let text = if self.line_pre {
            raw
        } else {
            raw.trim_matches([' ', '\u{a0}']).to_string()
        };
        let text = text.replace('\u{a0}', " ");
        let force = std::mem::take(&mut self.force);
        self.line_pre = false;
        if text.is_empty() && !force {
            return;
        }
        self.out.push(match heading {
            Some(level) => Block::Heading { level, text },
            None => Block::Paragraph(text),
        });
    }

    fn push_text(&mut self, s: &str) {
        if self.pre > 0 {
            for ch in s.chars() {
                if ch == '\n' {
                    self.line_pre = true;
                    self.force = true;
                    self.flush();
                    self.force = true;
                } else {
                    self.line_pre = true;
                    self.line.push(ch);
                }
            }
            return;
        }
        for ch in s.chars() {
            if matches!(ch, ' ' | '\t' | '\n' | '\r' | '\x0c') {
                if !self.line.is_empty() && !self.line.ends_with(' ') {
                    self.line.push(' ');
                }
            } else {
                self.line.push(ch);
            }
        }
    }

    fn walk_children(&mut self, node: HNode<'_>, depth: usize) {
        for child in node.children() {
            self.walk(child, depth + 1);
        }
    }

    fn walk(&mut self, node: HNode<'_>, depth: usize) {
        match node.value() {
            Node::Text(t) => self.push_text(t),
            Node::Element(el) => {
                let name = el.name();
                if SKIP.contains(&name) || is_hidden(el) {
                    return;
                }
                if depth > MAX_WALK_DEPTH {
                    // Too deep to walk structurally: keep the text, iteratively.
                    for d in node.descendants() {
                        if let Node::Text(t) = d.value() {
                            self.push_text(t);
                        }
                    }
                    return;
                }
                let pre = name == "pre" || has_pre_style(el);
                match name {
                    "br" => {
                        if self.pre > 0 {
                            self.force = true;
                        }
                        self.flush();
                    }
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                        self.flush();
                        let level = name[1..].parse::<u8>().unwrap_or(1);
                        self.with_pre(pre, |w| w.walk_children(node, depth));
                        self.flush_as(Some(level));
                    }
                    "table" if !contains_table(node) => {
                        self.flush();
                        self.read_table(node, depth);
                    }
                    _ if BLOCK.contains(&name) => {
                        self.flush();
                        self.with_pre(pre, |w| w.walk_children(node, depth));
                        self.flush();
                    }
                    _ => self.with_pre(pre, |w| w.walk_children(node, depth)),
                }
            }
            _ => {}
        }
    }

    fn with_pre(&mut self, pre: bool, f: impl FnOnce(&mut Self)) {
        if pre {
            self.pre += 1;
            self.force = true;
        }
        f(self);
        if pre {
            self.pre -= 1;
        }
    }

    fn read_table(&mut self, table: HNode<'_>, depth: usize) {
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        let mut row_nodes = Vec::new();
        for child in table.children() {
            match element_name(child) {
                Some("tr") => row_nodes.push(child),
                Some("thead" | "tbody" | "tfoot") => {
                    row_nodes.extend(child.children().filter(|c| element_name(*c) == Some("tr")))
                }
                Some("caption") => {
                    let mut w = Walker::default();
                    w.walk_children(child, depth + 1);
                    w.flush();
                    self.out.append(&mut w.out);
                }
                _ => {}
            }
        }
        for tr in row_nodes {
            let mut cells = Vec::new();
            for td in tr.children() {
                let Some(el) = td.value().as_element() else {
                    continue;
                };
                if !matches!(el.name(), "td" | "th") {
                    continue;
                }
                let mut w = Walker {
                    pre: usize::from(has_pre_style(el)),
                    ..Walker::default()
                };
                w.walk_children(td, depth + 2);
                w.flush();
                let text = w
                    .out
                    .into_iter()
                    .map(|b| match b {
                        Block::Heading { text, .. } | Block::Paragraph(text) => text,
                        Block::Table(_) => String::new(),
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                let row_span = span_attr(el.attr("rowspan"), MAX_ROW_SPAN);
                let col_span = span_attr(el.attr("colspan"), MAX_COLS as u32).max(1);
                cells.push(Cell {
                    text,
                    row_span,
                    col_span,
                });
            }
            rows.push(cells);
        }
        // Clamp row spans to the table; rowspan="0" runs to the last row.
        let n = rows.len();
        for (r, row) in rows.iter_mut().enumerate() {
            for cell in row {
                let left = (n - r) as u32;
                cell.row_span = if cell.row_span == 0 {
                    left
                } else {
                    cell.row_span.min(left)
                };
            }
        }
        if rows.iter().any(|r| !r.is_empty()) {
            self.out.push(Block::Table(Table { rows }));
        }
    }
}

fn element_name<'a>(n: HNode<'a>) -> Option<&'a str> {
    n.value().as_element().map(|e| e.name())
}

fn span_attr(v: Option<&str>, max: u32) -> u32 {
    let Some(v) = v else { return 1 };
    let digits: String = v
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    if digits.is_empty() {
        return 1;
    }
    digits
        .parse::<u64>()
        .map_or(max, |n| n.min(u64::from(max)) as u32)
}

fn contains_table(node: HNode<'_>) -> bool {
    node.descendants()
        .skip(1)
        .any(|d| element_name(d) == Some("table"))
}

fn compact_style(el: &scraper::node::Element) -> String {
    el.attr("style")
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn is_hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    if el
        .attr("role")
        .is_some_and(|r| r.eq_ignore_ascii_case("navigation"))
    {
        return true;
    }
    let chrome = |attr: &str| {
        el.attr(attr).is_some_and(|v| {
            v.split_ascii_whitespace()
                .any(|t| CHROME_TOKENS.iter().any(|c| t.eq_ignore_ascii_case(c)))
        })
    };
    if chrome("class") || chrome("id") {
        return true;
    }
    let style = compact_style(el);
    style.contains("display:none") || style.contains("visibility:hidden")
}

fn has_pre_style(el: &scraper::node::Element) -> bool {
    let style = compact_style(el);
    style.contains("white-space:pre") && !style.contains("white-space:pre-line")
}

// ---------------------------------------------------------------- writing

const CSS: &str = r#"@page { size: A4; margin: 20mm 18mm; }
body { font-family: "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 12pt; line-height: 1.6; color: #000; background: #fff; max-width: 190mm; margin: 0 auto; padding: 1em; }
h1 { font-size: 18pt; text-align: center; margin: 0.6em 0; }
h2 { font-size: 15pt; margin: 0.8em 0 0.4em; }
h3, h4, h5, h6 { font-size: 12pt; margin: 0.6em 0 0.3em; }
p { margin: 0.3em 0; }
table { border-collapse: collapse; width: 100%; margin: 0.8em 0; }
td { border: 1px solid #000; padding: 2px 6px; vertical-align: middle; }
tr { page-break-inside: avoid; break-inside: avoid; }
@media print { body { max-width: none; padding: 0; } }
"#;

/// Writes a complete, printable UTF-8 HTML page (`lang="zh-CN"`), with tables
/// as `<table>` using `rowspan`/`colspan`. Text whose whitespace matters
/// (tabs, leading or repeated spaces, line breaks) is marked
/// `white-space: pre-wrap`, so that [`read_html`] gives it back unchanged.
pub fn write_html(doc: &Doc) -> Vec<u8> {
    let title = doc.title().unwrap_or_else(|| "文档".into());
    let mut out = String::with_capacity(4096);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
    );
    out.push_str(&escape(&title));
    out.push_str("</title>\n<style>\n");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let l = (*level).clamp(1, 6);
                let attr = if text.is_empty() {
                    PRE_STYLE
                } else {
                    pre_attr(text)
                };
                out.push_str(&format!("<h{l}{attr}>{}</h{l}>\n", escape(text)));
            }
            Block::Paragraph(text) => {
                let attr = if text.is_empty() {
                    PRE_STYLE
                } else {
                    pre_attr(text)
                };
                out.push_str(&format!("<p{attr}>{}</p>\n", escape(text)));
            }
            Block::Table(table) => write_table(&mut out, table),
        }
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out.into_bytes()
}

const PRE_STYLE: &str = " style=\"white-space: pre-wrap\"";

fn pre_attr(text: &str) -> &'static str {
    let needs = text.contains(['\t', '\n', '\r', '\u{a0}'])
        || text.contains("  ")
        || text.starts_with(' ')
        || text.ends_with(' ');
    if needs {
        PRE_STYLE
    } else {
        ""
    }
}

fn write_table(out: &mut String, table: &Table) {
    let grid = Grid::of(table);
    out.push_str("<table>\n");
    let mut next = grid.cells.iter().peekable();
    for r in 0..grid.rows {
        out.push_str("<tr>");
        while let Some(p) = next.next_if(|p| p.row == r) {
            out.push_str("<td");
            if p.row_span > 1 {
                out.push_str(&format!(" rowspan=\"{}\"", p.row_span));
            }
            if p.col_span > 1 {
                out.push_str(&format!(" colspan=\"{}\"", p.col_span));
            }
            out.push_str(pre_attr(&p.cell.text));
            out.push('>');
            out.push_str(&escape(&p.cell.text));
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c if c.is_control() && !matches!(c, '\t' | '\n') => {}
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_with_spans_and_nbsp() {
        let html = "<html><head><title>t</title><style>p{}</style></head><body>\
            <nav><a>首页</a></nav><h1>年度报告</h1><p>一、总体情况</p>\
            <div>第一行<br>第二行</div>\
            <table><tr><td rowspan=2>信息内容</td><td colspan=\"2\">本年&nbsp;新</td></tr>\
            <tr><td>&nbsp;</td><td>3</td></tr></table><script>var x=1;</script></body></html>";
        let doc = read_html(html.as_bytes()).unwrap();
        assert_eq!(
            doc.blocks,
            vec![
                Block::Heading {
                    level: 1,
                    text: "年度报告".into()
                },
                Block::Paragraph("一、总体情况".into()),
                Block::Paragraph("第一行".into()),
                Block::Paragraph("第二行".into()),
                Block::Table(Table {
                    rows: vec![
                        vec![
                            Cell::spanning("信息内容", 2, 1),
                            Cell::spanning("本年 新", 1, 2)
                        ],
                        vec![Cell::new(""), Cell::new("3")],
                    ]
                }),
            ]
        );
    }

    #[test]
    fn chrome_is_skipped() {
        let html = "<div class=\"top menu\"><a>首页</a></div><div id=breadcrumb>当前位置</div>\
            <div class=\"nav-content\"><p>正文</p></div><p style=\"display: none\">隐藏</p>\
            <footer>主办单位</footer><div hidden>x</div>";
        let doc = read_html(html.as_bytes()).unwrap();
        assert_eq!(doc.blocks, vec![Block::Paragraph("正文".into())]);
    }

    #[test]
    fn layout_table_is_unwrapped() {
        let html = "<table><tr><td><p>标题</p><table><tr><td>a</td><td>b</td></tr></table></td></tr></table>";
        let doc = read_html(html.as_bytes()).unwrap();
        assert_eq!(doc.blocks.len(), 2);
        assert_eq!(doc.blocks[0], Block::Paragraph("标题".into()));
        assert_eq!(doc.tables().count(), 1);
    }

    #[test]
    fn gbk_page_with_meta() {
        let s = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>政府信息公开</p></body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(s);
        let doc = read_html(&bytes).unwrap();
        assert_eq!(doc.blocks, vec![Block::Paragraph("政府信息公开".into())]);
    }

    #[test]
    fn utf8_page_declaring_gb2312() {
        let s = "<meta charset=gb2312><p>政府信息公开</p>";
        let doc = read_html(s.as_bytes()).unwrap();
        assert_eq!(doc.blocks, vec![Block::Paragraph("政府信息公开".into())]);
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let n = 100_000;
        let html = format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
        let err = read_html(html.as_bytes()).unwrap_err();
        assert_eq!(err, DocError::TooDeep(MAX_HTML_DEPTH));
        assert!(err.to_string().contains("嵌套"));
    }

    #[test]
    fn moderately_deep_nesting_is_read() {
        let n = 3_000;
        let html = format!("{}深处{}", "<span>".repeat(n), "</span>".repeat(n));
        let doc = read_html(html.as_bytes()).unwrap();
        assert_eq!(doc.blocks, vec![Block::Paragraph("深处".into())]);
    }

    #[test]
    fn writes_and_reads_back() {
        let doc = Doc {
            blocks: vec![
                Block::Heading {
                    level: 2,
                    text: "二、主动公开".into(),
                },
                Block::Paragraph("\t缩进  两格 ".into()),
                Block::Paragraph(String::new()),
                Block::Table(Table {
                    rows: vec![
                        vec![Cell::spanning("a<b>&", 2, 2), Cell::new("x\ny")],
                        vec![Cell::new(" ")],
                    ],
                }),
            ],
        };
        let html = write_html(&doc);
        let s = String::from_utf8(html.clone()).unwrap();
        assert!(s.contains("lang=\"zh-CN\"") && s.contains("rowspan=\"2\""));
        assert_eq!(read_html(&html).unwrap(), doc);
    }
}

//! Writes seed inputs for the fuzz targets when GONGKAI_FUZZ_SEEDS names a
//! directory (a no-op otherwise): documents made by the crate's own writers
//! plus a hand-made DOCX with every merge construct the reader handles.

use std::io::{Cursor, Write};
use std::path::Path;

use gongkai_docs::{write_docx, write_html, write_text, write_xlsx, Block, Cell, Doc, Table};

fn sample() -> Doc {
    Doc {
        blocks: vec![
            Block::Heading {
                level: 1,
                text: "年度报告".into(),
            },
            Block::Paragraph("\t一、总体情况".into()),
            Block::Heading {
                level: 2,
                text: "表一".into(),
            },
            Block::Table(Table {
                rows: vec![
                    vec![
                        Cell::spanning("信息内容", 2, 1),
                        Cell::spanning("本年", 1, 2),
                    ],
                    vec![Cell::new("12"), Cell::new("3.5")],
                    vec![Cell::new("a"), Cell::new("b\nc"), Cell::new("")],
                ],
            }),
        ],
    }
}

const HAND_DOCX: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>
<w:p><w:pPr><w:pStyle w:val="1"/><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>标题</w:t></w:r></w:p>
<w:p><w:r><w:tab/><w:t xml:space="preserve">一、 </w:t><w:br/><w:t>&amp;&#20013;</w:t></w:r><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback><w:t>x</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p/></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr><w:p/></w:tc><w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc></w:tr>
<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>
</w:tbl>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>外</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn hand_made_docx_constructs() {
    let bytes = zip(&[("word/document.xml", HAND_DOCX.as_bytes())]);
    let doc = gongkai_docs::read_docx(&bytes).unwrap();
    let expected = vec![
        Block::Heading {
            level: 1,
            text: "标题".into(),
        },
        // The text box's paragraph ends first; mc:Fallback is skipped.
        Block::Paragraph("框".into()),
        Block::Paragraph("\t一、 \n&中".into()),
        Block::Table(Table {
            rows: vec![
                vec![Cell::spanning("a", 2, 1), Cell::spanning("", 1, 2)],
                vec![Cell::spanning("", 1, 2)],
                vec![Cell::new(""), Cell::new("x"), Cell::new("")],
            ],
        }),
        // A table holding a table is layout: its contents in reading order.
        Block::Paragraph("外".into()),
        Block::Table(Table {
            rows: vec![vec![Cell::new("内")]],
        }),
    ];
    assert_eq!(doc.blocks, expected);
}

#[test]
fn write_fuzz_seeds() {
    let Ok(dir) = std::env::var("GONGKAI_FUZZ_SEEDS") else {
        return;
    };
    let dir = Path::new(&dir);
    let put = |target: &str, name: &str, bytes: &[u8]| {
        let d = dir.join(target);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(name), bytes).unwrap();
    };
    let doc = sample();
    let docx = write_docx(&doc).unwrap();
    let hand = zip(&[("word/document.xml", HAND_DOCX.as_bytes())]);
    let xlsx = write_xlsx(&doc).unwrap();
    let html = write_html(&doc);
    let text = write_text(&doc);
    let (gbk, _, _) = encoding_rs::GBK.encode("政府信息公开\n\t本年 12 件\n");
    put("read_docx", "written.docx", &docx);
    put("read_docx", "hand.docx", &hand);
    put("read_xlsx", "written.xlsx", &xlsx);
    put("read_html", "written.html", &html);
    put(
        "read_html",
        "gbk.html",
        &encoding_rs::GBK
            .encode("<meta charset=gbk><table><tr><td rowspan=2>政</td></tr></table>")
            .0,
    );
    put("read_text", "written.txt", &text);
    put("read_text", "gbk.txt", &gbk);
    for (i, b) in [&docx, &hand, &xlsx, &html, &text].iter().enumerate() {
        put("read_any", &format!("seed{i}"), b);
    }
}

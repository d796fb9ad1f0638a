//! The one error type of this crate. Its messages are shown to users, so they
//! are in Simplified Chinese.

use thiserror::Error;

/// Everything that can go wrong while reading or writing a document.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocError {
    #[error("文件过大：{size} 字节，超过上限 {limit} 字节")]
    TooLarge { size: u64, limit: u64 },
    #[error("文件不是文本文件（含有大量控制字符或二进制数据）")]
    NotText,
    #[error("文本编码无效：无法按 UTF-8、GBK/GB18030 等常见编码正确解码")]
    InvalidEncoding,
    #[error(
        "文件不是有效的 ZIP 压缩包（DOCX、XLSX 文件都是 ZIP 格式），可能已损坏或扩展名有误：{0}"
    )]
    NotZip(String),
    #[error("压缩包解压后的内容超过上限 {limit} 字节，疑似压缩炸弹，已拒绝读取")]
    ZipBomb { limit: u64 },
    #[error("压缩包中的文件过多（超过 {limit} 个），已拒绝读取")]
    TooManyEntries { limit: usize },
    #[error("文件缺少必需的部件 {0}，不是有效的 {1} 文件")]
    MissingPart(String, &'static str),
    #[error("文档内容格式错误（XML 无法解析）：{0}")]
    Xml(String),
    #[error("文档嵌套层级过深（超过 {0} 层），已拒绝读取")]
    TooDeep(usize),
    #[error("表格过大：{cells} 个单元格，超过上限 {limit} 个")]
    TableTooLarge { cells: u64, limit: u64 },
    #[error("无法读取电子表格：{0}")]
    Spreadsheet(String),
    #[error(
        "暂不支持读取 PDF 文件，请提供 DOCX、HTML 或纯文本格式（可用 pdftotext -layout 转为文本）"
    )]
    PdfNotSupported,
    #[error("PDF 文件无法解析，可能已损坏或不是 PDF：{0}")]
    PdfUnreadable(String),
    #[error("PDF 文件已加密（需要密码），无法读取其中的文字")]
    PdfEncrypted,
    #[error("PDF 文件中的压缩内容解压后超过上限 {limit} 字节，疑似压缩炸弹，已拒绝读取")]
    PdfBomb { limit: u64 },
    #[error("不支持旧版 Office 二进制格式（.doc/.xls），请另存为 DOCX 或 XLSX 后再试")]
    LegacyOffice,
    #[error("不支持的文件格式：{0}")]
    Unsupported(String),
    #[error("生成 {format} 文件失败：{message}")]
    Write {
        format: &'static str,
        message: String,
    },
    #[error("未找到可用的中文字体（{0}），请安装 fonts-noto-cjk 或在配置中指定字体文件")]
    FontNotFound(String),
    #[error("PDF 排版失败：{0}")]
    Pdf(String),
    #[error("本程序编译时未启用 PDF 输出功能（pdf 特性）")]
    PdfDisabled,
}

impl DocError {
    pub(crate) fn write(format: &'static str, message: impl ToString) -> Self {
        DocError::Write {
            format,
            message: message.to_string(),
        }
    }
}

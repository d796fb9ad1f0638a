//! Proactive disclosure (主动公开): a publication's metadata and its
//! validation, the 索引号 pattern, the review lifecycle, the Art. 26
//! lateness warning, attachment checks and the PII gate.
//!
//! Lifecycle (no path reaches `published` without passing review):
//! ```text
//! draft ──submit──▶ submitted ──review pass──▶ reviewed ──approve──▶ published
//!   ▲                   │                         │                    │   │
//!   └──── return ───────┴─────────── return ──────┘        withdraw ◀──┘   └──▶ repeal
//! ```
//! `withdrawn` and `repealed` are final; a repealed item stays visible
//! marked 已废止.

use crate::pii::{scan, PiiFinding};
use gongkai_calendar::Calendar;
use serde::{Deserialize, Serialize};
use time::Date;

/// Longest title (characters).
pub const MAX_TITLE_CHARS: usize = 300;
/// Largest body (bytes of HTML).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Longest short text field (发布机构, 文号, 主题分类, one keyword …).
pub const MAX_SHORT_CHARS: usize = 200;
/// Longest 内容概述 or reason.
pub const MAX_SUMMARY_CHARS: usize = 2_000;
/// Most keywords / co-issuers.
pub const MAX_LIST_ITEMS: usize = 20;
/// Largest attachment (bytes).
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;
/// Most attachments per publication.
pub const MAX_ATTACHMENTS: usize = 20;
/// Art. 26: proactive items are published within 20 working days.
pub const PUBLISH_WITHIN_WORKING_DAYS: i64 = 20;
/// The default 索引号 pattern: `{机构代码}/{YYYY}-{NNNNN}` (e.g. 000014349/2018-00222).
pub const DEFAULT_INDEX_PATTERN: &str = "{机构代码}/{YYYY}-{NNNNN}";

/// One bad field: `字段 {field}：{message}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("字段 {field}：{message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn field_error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = ($code:literal, $label:literal)),+ $(,)? } what = $what:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// The machine name (API, database).
            pub fn name(self) -> &'static str {
                match self { $($name::$v => $code),+ }
            }
            /// The official Chinese label.
            pub fn label_zh(self) -> &'static str {
                match self { $($name::$v => $label),+ }
            }
            /// Parses the machine name or the Chinese label.
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim();
                $name::ALL.iter().copied().find(|v| v.name() == t || v.label_zh() == t)
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $name::parse(s).ok_or_else(|| {
                    let names: Vec<&str> = $name::ALL.iter().map(|v| v.name()).collect();
                    format!("{}“{}”无效，应为 {}", $what, s, names.join("、"))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label_zh())
            }
        }
    };
}

named_enum!(
    /// Document type, for table 二 (一) of the annual report.
    DocumentType {
        /// 规章.
        Rule = ("rule", "规章"),
        /// 行政规范性文件.
        NormativeDocument = ("normative_document", "行政规范性文件"),
        /// 其他.
        Other = ("other", "其他"),
    } what = "文件类型"
);

named_enum!(
    /// 有效性.
    Validity {
        Valid = ("valid", "有效"),
        Expired = ("expired", "失效"),
        Repealed = ("repealed", "废止"),
        Amended = ("amended", "修订"),
    } what = "有效性"
);

named_enum!(
    /// 公开属性, set when the document is made.
    DisclosureAttribute {
        Proactive = ("proactive", "主动公开"),
        OnRequest = ("on_request", "依申请公开"),
        Withheld = ("withheld", "不予公开"),
    } what = "公开属性"
);

named_enum!(
    /// Where an item was released.
    ChannelKind {
        Portal = ("portal", "政府网站"),
        Wechat = ("wechat", "政务微信公众号"),
        OtherMedia = ("other_media", "其他政务新媒体"),
    } what = "发布渠道"
);

named_enum!(
    /// Where a publication is in its lifecycle.
    PublicationStatus {
        Draft = ("draft", "草稿"),
        Submitted = ("submitted", "待保密审查"),
        Reviewed = ("reviewed", "待审批发布"),
        Published = ("published", "已发布"),
        Withdrawn = ("withdrawn", "已撤回"),
        Repealed = ("repealed", "已废止"),
    } what = "状态"
);

impl PublicationStatus {
    /// Shown to the public (item page, lists, search).
    pub fn is_public(self) -> bool {
        matches!(
            self,
            PublicationStatus::Published | PublicationStatus::Repealed
        )
    }
    /// Content and metadata may be edited (by the drafter).
    pub fn is_editable(self) -> bool {
        self == PublicationStatus::Draft
    }
}

named_enum!(
    /// A step of the lifecycle.
    PublicationAction {
        Submit = ("submit", "提交审查"),
        PassReview = ("pass_review", "通过保密审查"),
        Return = ("return", "退回修改"),
        Approve = ("approve", "审批发布"),
        Withdraw = ("withdraw", "撤回"),
        Repeal = ("repeal", "废止"),
    } what = "操作"
);

/// A step that the current status does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("当前状态为“{}”，不能{}{}", from.label_zh(), action.label_zh(), hint(*from, *action))]
pub struct TransitionError {
    pub from: PublicationStatus,
    pub action: PublicationAction,
}

impl TransitionError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        "invalid_transition"
    }
}

fn hint(from: PublicationStatus, action: PublicationAction) -> &'static str {
    use PublicationAction as A;
    use PublicationStatus as S;
    match (from, action) {
        (S::Draft | S::Submitted, A::Approve) => "：发布前须先通过保密审查",
        (S::Draft, A::PassReview) => "：须先由信息员提交审查",
        (S::Reviewed, A::PassReview) => "：已通过审查，待负责人审批",
        (S::Withdrawn | S::Repealed, _) => "：该信息已结束流程",
        _ => "",
    }
}

/// The lifecycle as a pure function: the status after `action`, or why not.
pub fn next_status(
    from: PublicationStatus,
    action: PublicationAction,
) -> Result<PublicationStatus, TransitionError> {
    use PublicationAction as A;
    use PublicationStatus as S;
    match (from, action) {
        (S::Draft, A::Submit) => Ok(S::Submitted),
        (S::Submitted, A::PassReview) => Ok(S::Reviewed),
        (S::Submitted | S::Reviewed, A::Return) => Ok(S::Draft),
        (S::Reviewed, A::Approve) => Ok(S::Published),
        (S::Published, A::Withdraw) => Ok(S::Withdrawn),
        (S::Published, A::Repeal) => Ok(S::Repealed),
        _ => Err(TransitionError { from, action }),
    }
}

// ---- 索引号 ----

/// A per-agency 索引号 pattern. Placeholders: `{机构代码}` (the agency's
/// organisation code), `{机关代码}` (its code in this system), `{YYYY}` (the
/// year), and one serial `{N…}` whose number of `N` (1–10) is the zero-padded
/// width. Anything else is copied as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPattern(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexPatternError {
    #[error("字段 index_pattern：索引号格式不能为空，且不超过100个字符")]
    Length,
    #[error(
        "字段 index_pattern：索引号格式须包含且只包含一个流水号占位符，如 {{NNNNN}}（1至10个N）"
    )]
    Serial,
    #[error("字段 index_pattern：未知的占位符 {{{0}}}，可用 {{机构代码}}、{{机关代码}}、{{YYYY}}、{{NNNNN}}")]
    Unknown(String),
    #[error("字段 index_pattern：花括号不成对")]
    Braces,
}

enum Piece<'a> {
    Lit(&'a str),
    OrgCode,
    AgencyCode,
    Year,
    Serial(usize),
}

fn pieces(pattern: &str) -> Result<Vec<Piece<'_>>, IndexPatternError> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while !rest.is_empty() {
        match rest.find(['{', '}']) {
            None => {
                out.push(Piece::Lit(rest));
                break;
            }
            Some(i) => {
                if rest[i..].starts_with('}') {
                    return Err(IndexPatternError::Braces);
                }
                if i > 0 {
                    out.push(Piece::Lit(&rest[..i]));
                }
                let after = &rest[i + 1..];
                let end = after.find('}').ok_or(IndexPatternError::Braces)?;
                let name = &after[..end];
                if name.contains('{') {
                    return Err(IndexPatternError::Braces);
                }
                out.push(match name {
                    "机构代码" => Piece::OrgCode,
                    "机关代码" => Piece::AgencyCode,
                    "YYYY" => Piece::Year,
                    n if !n.is_empty() && n.len() <= 10 && n.bytes().all(|b| b == b'N') => {
                        Piece::Serial(n.len())
                    }
                    other => return Err(IndexPatternError::Unknown(other.to_string())),
                });
                rest = &after[end + 1..];
            }
        }
    }
    Ok(out)
}

impl IndexPattern {
    pub fn parse(text: &str) -> Result<IndexPattern, IndexPatternError> {
        let t = text.trim();
        if t.is_empty() || t.chars().count() > 100 {
            return Err(IndexPatternError::Length);
        }
        let serials = pieces(t)?
            .iter()
            .filter(|p| matches!(p, Piece::Serial(_)))
            .count();
        if serials != 1 {
            return Err(IndexPatternError::Serial);
        }
        Ok(IndexPattern(t.to_string()))
    }

    pub fn default_pattern() -> IndexPattern {
        IndexPattern(DEFAULT_INDEX_PATTERN.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 索引号 for `serial` (1-based) of `year`.
    pub fn format(&self, org_code: &str, agency_code: &str, year: i32, serial: u64) -> String {
        let mut out = String::new();
        for p in pieces(&self.0).unwrap_or_default() {
            match p {
                Piece::Lit(s) => out.push_str(s),
                Piece::OrgCode => out.push_str(org_code),
                Piece::AgencyCode => out.push_str(agency_code),
                Piece::Year => out.push_str(&format!("{year:04}")),
                Piece::Serial(w) => out.push_str(&format!("{serial:0w$}")),
            }
        }
        out
    }
}

impl Default for IndexPattern {
    fn default() -> Self {
        IndexPattern::default_pattern()
    }
}

// ---- body ----

/// The body as stored: HTML with scripts, styles, event handlers and
/// `javascript:` links removed (ammonia's safe subset; links get
/// `rel="noopener noreferrer"`).
pub fn sanitize_body(html: &str) -> String {
    ammonia::Builder::default()
        .add_tags(["figure", "figcaption", "caption"])
        .add_generic_attributes(["align"])
        .clean(html)
        .to_string()
}

/// The body's text (tags stripped, entities decoded, one paragraph per line),
/// for search, the PII scan and feeds.
pub fn body_text(html: &str) -> String {
    match gongkai_docs::read_html(html.as_bytes()) {
        Ok(doc) => String::from_utf8_lossy(&gongkai_docs::write_text(&doc))
            .trim()
            .to_string(),
        Err(_) => ammonia::Builder::empty().clean(html).to_string(),
    }
}

// ---- metadata ----

/// A publication's metadata and body as entered (by form, API or import).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicationDraft {
    pub title: String,
    /// HTML (sanitised on validation).
    pub body: String,
    pub document_type: Option<DocumentType>,
    /// Catalog key; the store checks it exists in the agency's catalog.
    pub category: Option<String>,
    /// 发布机构; defaults to the agency's name.
    pub issuer: Option<String>,
    /// 联合发文单位.
    pub co_issuers: Vec<String>,
    /// 文号, e.g. 鼓政发〔2025〕3号.
    pub document_number: Option<String>,
    pub written_on: Option<Date>,
    pub effective_on: Option<Date>,
    /// 废止日期 known in advance (a repeal records its own date).
    pub expires_on: Option<Date>,
    pub validity: Option<Validity>,
    /// 主题分类.
    pub topic: Option<String>,
    pub keywords: Vec<String>,
    /// 内容概述.
    pub summary: Option<String>,
    pub attribute: Option<DisclosureAttribute>,
    /// Why not 主动公开 (required for 依申请公开 / 不予公开).
    pub attribute_reason: Option<String>,
}

/// Checked metadata with the sanitised body and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicationMeta {
    pub title: String,
    pub body_html: String,
    pub body_text: String,
    pub document_type: DocumentType,
    pub category: Option<String>,
    pub issuer: String,
    pub co_issuers: Vec<String>,
    pub document_number: Option<String>,
    pub written_on: Date,
    pub effective_on: Option<Date>,
    pub expires_on: Option<Date>,
    pub validity: Validity,
    pub topic: Option<String>,
    pub keywords: Vec<String>,
    pub summary: Option<String>,
    pub attribute: DisclosureAttribute,
    pub attribute_reason: Option<String>,
    /// Whether sanitising changed the body (scripts or unsafe markup removed).
    pub body_was_cleaned: bool,
}

fn clean_opt(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn clean_list(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in v {
        for part in s.split([',', '，', '、', ';', '；']) {
            let p = part.trim().to_string();
            if !p.is_empty() && !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

fn too_long(v: &Option<String>, max: usize) -> bool {
    v.as_ref().is_some_and(|s| s.chars().count() > max)
}

fn normalize_number(n: &str) -> String {
    // 文号 brackets are written many ways; store the official 〔〕.
    n.trim()
        .replace(['[', '［', '【'], "〔")
        .replace([']', '］', '】'], "〕")
}

impl PublicationDraft {
    /// Checks every field; all problems are reported at once, each naming
    /// its field. `today` bounds 成文日期; `agency_name` is the default 发布机构.
    pub fn validate(
        self,
        today: Date,
        agency_name: &str,
    ) -> Result<PublicationMeta, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = self.title.trim().to_string();
        if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
            errors.push(field_error(
                "title",
                format!("标题不能为空，且不超过{MAX_TITLE_CHARS}个字符"),
            ));
        }
        if self.body.len() > MAX_BODY_BYTES {
            errors.push(field_error(
                "body",
                format!("正文过长（超过 {} KB）", MAX_BODY_BYTES / 1024),
            ));
        }
        let too_deep = self.body.len() <= MAX_BODY_BYTES && gongkai_docs::html_too_deep(&self.body);
        if too_deep {
            errors.push(field_error(
                "body",
                format!(
                    "正文的标签嵌套过深（超过 {} 层），请简化格式后重新提交",
                    gongkai_docs::limits::MAX_HTML_DEPTH
                ),
            ));
        }
        let body_html = if self.body.len() > MAX_BODY_BYTES || too_deep {
            String::new()
        } else {
            sanitize_body(&self.body)
        };
        let body_text = body_text(&body_html);
        let body_was_cleaned = normalized_markup(&body_html) != normalized_markup(&self.body);
        let document_type = self.document_type;
        if document_type.is_none() {
            errors.push(field_error(
                "document_type",
                "请选择文件类型：rule（规章）、normative_document（行政规范性文件）或 other（其他）",
            ));
        }
        let issuer = clean_opt(self.issuer).unwrap_or_else(|| agency_name.to_string());
        if issuer.chars().count() > MAX_SHORT_CHARS {
            errors.push(field_error(
                "issuer",
                format!("发布机构不超过{MAX_SHORT_CHARS}个字符"),
            ));
        }
        let co_issuers = clean_list(self.co_issuers);
        if co_issuers.len() > MAX_LIST_ITEMS
            || co_issuers
                .iter()
                .any(|c| c.chars().count() > MAX_SHORT_CHARS)
        {
            errors.push(field_error(
                "co_issuers",
                format!("联合发文单位最多{MAX_LIST_ITEMS}个，每个不超过{MAX_SHORT_CHARS}个字符"),
            ));
        }
        let document_number = clean_opt(self.document_number).map(|n| normalize_number(&n));
        if too_long(&document_number, MAX_SHORT_CHARS) {
            errors.push(field_error(
                "document_number",
                format!("文号不超过{MAX_SHORT_CHARS}个字符"),
            ));
        }
        match self.written_on {
            None => errors.push(field_error("written_on", "请填写成文日期（YYYY-MM-DD）")),
            Some(d) if d > today => errors.push(field_error(
                "written_on",
                format!("成文日期 {d} 晚于今天（{today}）"),
            )),
            Some(_) => {}
        }
        if let (Some(w), Some(e)) = (self.written_on, self.effective_on) {
            if e < w {
                errors.push(field_error(
                    "effective_on",
                    format!("实施日期 {e} 早于成文日期 {w}"),
                ));
            }
        }
        if let Some(x) = self.expires_on {
            let start = self.effective_on.or(self.written_on);
            if let Some(s) = start.filter(|s| x < *s) {
                errors.push(field_error(
                    "expires_on",
                    format!("废止日期 {x} 早于实施（成文）日期 {s}"),
                ));
            }
        }
        let topic = clean_opt(self.topic);
        if too_long(&topic, MAX_SHORT_CHARS) {
            errors.push(field_error(
                "topic",
                format!("主题分类不超过{MAX_SHORT_CHARS}个字符"),
            ));
        }
        let keywords = clean_list(self.keywords);
        if keywords.len() > MAX_LIST_ITEMS || keywords.iter().any(|k| k.chars().count() > 50) {
            errors.push(field_error(
                "keywords",
                format!("关键词最多{MAX_LIST_ITEMS}个，每个不超过50个字符"),
            ));
        }
        let summary = clean_opt(self.summary);
        if too_long(&summary, MAX_SUMMARY_CHARS) {
            errors.push(field_error(
                "summary",
                format!("内容概述不超过{MAX_SUMMARY_CHARS}个字符"),
            ));
        }
        let attribute = self.attribute.unwrap_or(DisclosureAttribute::Proactive);
        let attribute_reason = clean_opt(self.attribute_reason);
        if attribute != DisclosureAttribute::Proactive && attribute_reason.is_none() {
            errors.push(field_error(
                "attribute_reason",
                format!("公开属性为“{}”时须说明理由", attribute.label_zh()),
            ));
        }
        if too_long(&attribute_reason, MAX_SUMMARY_CHARS) {
            errors.push(field_error(
                "attribute_reason",
                format!("理由不超过{MAX_SUMMARY_CHARS}个字符"),
            ));
        }
        let validity = self.validity.unwrap_or(Validity::Valid);
        let (Some(document_type), Some(written_on), true) =
            (document_type, self.written_on, errors.is_empty())
        else {
            return Err(errors);
        };
        Ok(PublicationMeta {
            title,
            body_html,
            body_text,
            document_type,
            category: clean_opt(self.category),
            issuer,
            co_issuers,
            document_number,
            written_on,
            effective_on: self.effective_on,
            expires_on: self.expires_on,
            validity,
            topic,
            keywords,
            summary,
            attribute,
            attribute_reason,
            body_was_cleaned,
        })
    }
}

/// Markup without whitespace and quotes, to tell whether sanitising removed
/// anything more than formatting.
fn normalized_markup(html: &str) -> String {
    html.chars()
        .filter(|c| !c.is_whitespace() && *c != '"' && *c != '\'' && *c != '/')
        .collect::<String>()
        .to_ascii_lowercase()
}

// ---- Art. 26 ----

/// The Art. 26 warning when `published_on` is more than 20 working days
/// after `written_on` (or the calendar cannot tell).
pub fn lateness_warning(
    calendar: &Calendar,
    written_on: Date,
    published_on: Date,
) -> Option<String> {
    match calendar.working_days_between(written_on, published_on) {
        Ok(n) if n > PUBLISH_WITHIN_WORKING_DAYS => Some(format!(
            "发布日期 {published_on} 距成文日期 {written_on} 已过{n}个工作日，超过《政府信息公开条例》第二十六条规定的20个工作日"
        )),
        Ok(_) => None,
        Err(e) => Some(format!("无法核对第二十六条发布时限：{e}")),
    }
}

// ---- attachments ----

/// What an attachment's bytes were recognised as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentContent {
    /// MIME type from the content (not the name).
    pub media_type: &'static str,
    /// The text (DOCX, XLSX, HTML, text, a PDF's text layer) for the PII
    /// scan and search; `None` when no text could be taken (a scanned or
    /// encrypted PDF, images, legacy Office): the reviewer checks those by eye.
    pub text: Option<String>,
    /// What the automatic check could not cover, for the reviewer (e.g.
    /// `PDF 无文字层（可能是扫描件），无法自动检查，请人工核对`).
    pub note: Option<String>,
}

/// Note on an image attachment.
const IMAGE_NOTE: &str = "图片中的文字无法自动检查，请人工核对";
/// Note on a legacy Office attachment.
const LEGACY_NOTE: &str = "旧版 Office 文件（.doc/.xls）的文字无法自动检查，请人工核对";

/// The text layer of a PDF attachment and what could not be read of it.
fn pdf_content(name: &str, bytes: &[u8]) -> Result<AttachmentContent, AttachmentError> {
    let unreadable = |e: gongkai_docs::DocError| AttachmentError::Unreadable {
        name: name.to_string(),
        reason: e.to_string(),
    };
    let read = match gongkai_docs::read_pdf_text(bytes) {
        Ok(t) => t,
        Err(gongkai_docs::DocError::PdfEncrypted) => {
            return Ok(AttachmentContent {
                media_type: "application/pdf",
                text: None,
                note: Some("PDF 已加密，无法读取文字，请人工核对".to_string()),
            })
        }
        Err(e) => return Err(unreadable(e)),
    };
    let mut notes = Vec::new();
    if !read.has_text() {
        notes.push("PDF 无文字层（可能是扫描件），无法自动检查，请人工核对".to_string());
    } else if !read.unreadable_pages.is_empty() {
        let pages: Vec<String> = read
            .unreadable_pages
            .iter()
            .take(20)
            .map(u32::to_string)
            .collect();
        let more = if read.unreadable_pages.len() > 20 {
            "等"
        } else {
            ""
        };
        notes.push(format!(
            "PDF 第{}{more}页的文字无法读取，请人工核对这些页",
            pages.join("、")
        ));
    }
    if read.truncated {
        notes.push(format!(
            "PDF 共{}页，内容过多，只自动检查了前{}页或前{}个字符，请人工核对其余部分",
            read.pages,
            gongkai_docs::limits::MAX_PDF_PAGES,
            gongkai_docs::limits::MAX_PDF_TEXT_CHARS
        ));
    }
    let has_text = read.has_text();
    Ok(AttachmentContent {
        media_type: "application/pdf",
        text: has_text.then_some(read.text),
        note: (!notes.is_empty()).then(|| notes.join("；")),
    })
}

/// A refused attachment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("字段 file_name：附件文件名不能为空，不超过200个字符，且须带扩展名")]
    Name,
    #[error("附件“{0}”为空文件")]
    Empty(String),
    #[error("附件“{name}”过大：{size} 字节，上限 {limit} 字节")]
    TooLarge {
        name: String,
        size: usize,
        limit: usize,
    },
    #[error("附件“{name}”的扩展名 .{ext} 与文件内容（{found}）不符，可能是伪装的文件，已拒绝")]
    Disguised {
        name: String,
        ext: String,
        found: &'static str,
    },
    #[error("附件“{name}”的类型 .{ext} 不允许上传；允许 PDF、DOCX、XLSX、DOC、XLS、HTML、TXT、CSV、JPG、PNG")]
    Type { name: String, ext: String },
    #[error("附件“{name}”无法读取：{reason}")]
    Unreadable { name: String, reason: String },
}

impl AttachmentError {
    pub fn code(&self) -> &'static str {
        match self {
            AttachmentError::Name => "invalid_input",
            AttachmentError::Empty(_) | AttachmentError::Unreadable { .. } => "invalid_attachment",
            AttachmentError::TooLarge { .. } => "attachment_too_large",
            AttachmentError::Disguised { .. } => "disguised_attachment",
            AttachmentError::Type { .. } => "attachment_type",
        }
    }
}

fn doc_text(doc: &gongkai_docs::Doc) -> String {
    String::from_utf8_lossy(&gongkai_docs::write_text(doc)).into_owned()
}

/// Checks an attachment by its bytes: size, an allowed extension that
/// matches the content (a `.docx` that is not a DOCX, an executable named
/// `.pdf`, a ZIP bomb are refused), and takes its text where it has one.
pub fn inspect_attachment(
    file_name: &str,
    bytes: &[u8],
) -> Result<AttachmentContent, AttachmentError> {
    use gongkai_docs::DocKind;
    let name = file_name.trim().to_string();
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| !e.is_empty());
    let Some(ext) = ext.filter(|_| name.chars().count() <= 200 && !name.contains(['/', '\\']))
    else {
        return Err(AttachmentError::Name);
    };
    if bytes.is_empty() {
        return Err(AttachmentError::Empty(name));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(AttachmentError::TooLarge {
            name,
            size: bytes.len(),
            limit: MAX_ATTACHMENT_BYTES,
        });
    }
    let disguised = |found: &'static str| AttachmentError::Disguised {
        name: name.clone(),
        ext: ext.clone(),
        found,
    };
    let unreadable = |e: gongkai_docs::DocError| AttachmentError::Unreadable {
        name: name.clone(),
        reason: e.to_string(),
    };
    let is_png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
    let is_jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
    let kind = gongkai_docs::sniff(bytes, Some(&name));
    let found = match kind {
        _ if is_png => "PNG 图片",
        _ if is_jpeg => "JPEG 图片",
        DocKind::Docx => "DOCX 文档",
        DocKind::Xlsx => "XLSX 表格",
        DocKind::Pdf => "PDF 文档",
        DocKind::LegacyOffice => "旧版 Office 文件",
        DocKind::Zip => "ZIP 压缩包",
        DocKind::Html => "HTML 网页",
        DocKind::Text => "文本或未知二进制内容",
    };
    match ext.as_str() {
        "pdf" if kind == DocKind::Pdf => pdf_content(&name, bytes),
        "png" if is_png => Ok(AttachmentContent {
            media_type: "image/png",
            text: None,
            note: Some(IMAGE_NOTE.to_string()),
        }),
        "jpg" | "jpeg" if is_jpeg => Ok(AttachmentContent {
            media_type: "image/jpeg",
            text: None,
            note: Some(IMAGE_NOTE.to_string()),
        }),
        "doc" | "xls" if kind == DocKind::LegacyOffice => Ok(AttachmentContent {
            media_type: if ext == "doc" {
                "application/msword"
            } else {
                "application/vnd.ms-excel"
            },
            text: None,
            note: Some(LEGACY_NOTE.to_string()),
        }),
        "docx" if kind == DocKind::Docx => {
            let doc = gongkai_docs::read_docx(bytes).map_err(unreadable)?;
            Ok(AttachmentContent {
                media_type:
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                text: Some(doc_text(&doc)),
                note: None,
            })
        }
        "xlsx" if kind == DocKind::Xlsx => {
            let doc = gongkai_docs::read_xlsx(bytes).map_err(unreadable)?;
            Ok(AttachmentContent {
                media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                text: Some(doc_text(&doc)),
                note: None,
            })
        }
        "html" | "htm" if kind == DocKind::Html => {
            let doc = gongkai_docs::read_html(bytes).map_err(unreadable)?;
            Ok(AttachmentContent {
                media_type: "text/html",
                text: Some(doc_text(&doc)),
                note: None,
            })
        }
        "txt" | "csv" if kind == DocKind::Text && !is_png && !is_jpeg => {
            let text = gongkai_docs::decode_text(bytes).map_err(|e| match e {
                gongkai_docs::DocError::NotText => disguised("二进制内容"),
                other => unreadable(other),
            })?;
            Ok(AttachmentContent {
                media_type: if ext == "csv" {
                    "text/csv"
                } else {
                    "text/plain"
                },
                text: Some(text),
                note: None,
            })
        }
        "pdf" | "png" | "jpg" | "jpeg" | "doc" | "xls" | "docx" | "xlsx" | "html" | "htm"
        | "txt" | "csv" => Err(disguised(found)),
        _ => Err(AttachmentError::Type {
            name: name.clone(),
            ext: ext.clone(),
        }),
    }
}

// ---- PII gate ----

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "in", rename_all = "snake_case")]
pub enum FindingSource {
    /// The body's text.
    Body,
    /// An attachment's text.
    Attachment {
        attachment_id: i64,
        file_name: String,
    },
}

impl FindingSource {
    pub fn label_zh(&self) -> String {
        match self {
            FindingSource::Body => "正文".to_string(),
            FindingSource::Attachment { file_name, .. } => format!("附件“{file_name}”"),
        }
    }
}

/// A finding with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LocatedFinding {
    pub source: FindingSource,
    #[serde(flatten)]
    pub finding: PiiFinding,
}

impl LocatedFinding {
    /// e.g. `正文第12个字符起：居民身份证号 3708**********1234`.
    pub fn describe(&self) -> String {
        format!(
            "{}第{}个字符起：{} {}",
            self.source.label_zh(),
            self.finding.chars.start + 1,
            self.finding.kind.label_zh(),
            self.finding.preview
        )
    }
}

/// One attachment's text for the scan.
#[derive(Debug, Clone)]
pub struct AttachmentText<'a> {
    pub id: i64,
    pub file_name: &'a str,
    pub text: Option<&'a str>,
}

/// The PII gate: every finding in the body text and the attachments' text.
pub fn scan_publication(
    body_text: &str,
    attachments: &[AttachmentText<'_>],
    today: Date,
) -> Vec<LocatedFinding> {
    let mut out: Vec<LocatedFinding> = scan(body_text, today)
        .into_iter()
        .map(|finding| LocatedFinding {
            source: FindingSource::Body,
            finding,
        })
        .collect();
    for a in attachments {
        if let Some(text) = a.text {
            out.extend(scan(text, today).into_iter().map(|finding| LocatedFinding {
                source: FindingSource::Attachment {
                    attachment_id: a.id,
                    file_name: a.file_name.to_string(),
                },
                finding,
            }));
        }
    }
    out
}

/// The body HTML with every piece of personal data in its text masked in
/// place (`138****5678`). Returns the new HTML and how many findings remain
/// (numbers split by markup cannot be masked automatically).
pub fn mask_body(body_html: &str, today: Date) -> (String, usize) {
    let findings = scan(body_html, today);
    let masked = crate::pii::mask_in_place(body_html, &findings);
    let masked = sanitize_body(&masked);
    let remaining = scan(&body_text(&masked), today).len();
    (masked, remaining)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 06 - 30);

    fn draft() -> PublicationDraft {
        PublicationDraft {
            title: "关于印发《鼓楼街道老旧小区改造实施办法》的通知".into(),
            body: "<p>各社区：</p><p>现将实施办法印发给你们。</p>".into(),
            document_type: Some(DocumentType::NormativeDocument),
            document_number: Some("鼓政发[2025]3号".into()),
            written_on: Some(date!(2025 - 06 - 03)),
            keywords: vec!["老旧小区，改造".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_good_draft_is_normalised() {
        let m = draft().validate(TODAY, "鼓楼街道办事处").unwrap();
        assert_eq!(m.issuer, "鼓楼街道办事处");
        assert_eq!(m.document_number.as_deref(), Some("鼓政发〔2025〕3号"));
        assert_eq!(m.keywords, vec!["老旧小区", "改造"]);
        assert_eq!(m.validity, Validity::Valid);
        assert_eq!(m.attribute, DisclosureAttribute::Proactive);
        assert!(m.body_text.contains("现将实施办法印发给你们"));
        assert!(!m.body_was_cleaned);
    }

    #[test]
    fn deeply_nested_bodies_are_refused_before_parsing() {
        let depth = 50_000;
        let mut d = draft();
        d.body = format!("{}深{}", "<div>".repeat(depth), "</div>".repeat(depth));
        let start = std::time::Instant::now();
        let errors = d.validate(TODAY, "x").unwrap_err();
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "body");
        assert!(
            errors[0].message.contains("嵌套过深"),
            "{}",
            errors[0].message
        );
        // Ordinary nesting is fine.
        let mut d = draft();
        d.body = format!("{}浅{}", "<div>".repeat(50), "</div>".repeat(50));
        assert!(d.validate(TODAY, "x").is_ok());
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut d = draft();
        d.title = " ".into();
        d.document_type = None;
        d.written_on = Some(date!(2025 - 07 - 01));
        d.effective_on = Some(date!(2025 - 06 - 01));
        d.attribute = Some(DisclosureAttribute::Withheld);
        let errors = d.validate(TODAY, "x").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec![
                "title",
                "document_type",
                "written_on",
                "effective_on",
                "attribute_reason"
            ]
        );
        assert!(errors[2]
            .to_string()
            .starts_with("字段 written_on：成文日期"));
        let mut d = draft();
        d.written_on = None;
        assert_eq!(d.validate(TODAY, "x").unwrap_err()[0].field, "written_on");
    }

    #[test]
    fn scripts_are_removed_from_the_body() {
        let mut d = draft();
        d.body = r#"<p onclick="steal()">正文</p><script>alert(1)</script><a href="javascript:x()">链接</a><img src=x onerror=alert(1)>"#.into();
        let m = d.validate(TODAY, "x").unwrap();
        assert!(!m.body_html.contains("script"), "{}", m.body_html);
        assert!(!m.body_html.contains("onclick"));
        assert!(!m.body_html.contains("onerror"));
        assert!(!m.body_html.contains("javascript"));
        assert!(m.body_html.contains("正文"));
        assert!(m.body_was_cleaned);
        assert!(!m.body_text.contains("alert"));
    }

    #[test]
    fn index_numbers_follow_the_pattern() {
        let p = IndexPattern::default();
        assert_eq!(
            p.format("000014349", "gulou", 2018, 222),
            "000014349/2018-00222"
        );
        let p = IndexPattern::parse("{机关代码}-{YYYY}-{NNN}").unwrap();
        assert_eq!(p.format("x", "gulou", 2025, 7), "gulou-2025-007");
        assert_eq!(
            IndexPattern::parse("{YYYY}"),
            Err(IndexPatternError::Serial)
        );
        assert_eq!(
            IndexPattern::parse("{NN}{NN}"),
            Err(IndexPatternError::Serial)
        );
        assert!(matches!(
            IndexPattern::parse("{foo}/{NN}"),
            Err(IndexPatternError::Unknown(_))
        ));
        assert_eq!(IndexPattern::parse("{NN"), Err(IndexPatternError::Braces));
        assert_eq!(IndexPattern::parse("}{NN}"), Err(IndexPatternError::Braces));
        assert_eq!(
            IndexPattern::parse("{YYYY-{NNN}"),
            Err(IndexPatternError::Braces)
        );
    }

    #[test]
    fn lifecycle_steps() {
        use PublicationAction as A;
        use PublicationStatus as S;
        assert_eq!(next_status(S::Draft, A::Submit), Ok(S::Submitted));
        assert_eq!(next_status(S::Submitted, A::PassReview), Ok(S::Reviewed));
        assert_eq!(next_status(S::Reviewed, A::Approve), Ok(S::Published));
        assert_eq!(next_status(S::Reviewed, A::Return), Ok(S::Draft));
        assert_eq!(next_status(S::Published, A::Repeal), Ok(S::Repealed));
        let e = next_status(S::Submitted, A::Approve).unwrap_err();
        assert!(e.to_string().contains("保密审查"), "{e}");
        assert!(next_status(S::Repealed, A::Withdraw).is_err());
        assert!(next_status(S::Published, A::Return).is_err());
        assert!(S::Repealed.is_public() && !S::Withdrawn.is_public());
    }

    fn action() -> impl Strategy<Value = PublicationAction> {
        prop::sample::select(PublicationAction::ALL.to_vec())
    }

    proptest! {
        /// No random sequence of steps publishes without a review pass
        /// after the last submit, and every publication comes from `reviewed`.
        #[test]
        fn nothing_is_published_without_review(actions in prop::collection::vec(action(), 0..40)) {
            let mut s = PublicationStatus::Draft;
            let mut reviewed_since_submit = false;
            for a in actions {
                let Ok(next) = next_status(s, a) else { continue };
                match a {
                    PublicationAction::Submit | PublicationAction::Return => reviewed_since_submit = false,
                    PublicationAction::PassReview => reviewed_since_submit = true,
                    _ => {}
                }
                if next == PublicationStatus::Published {
                    prop_assert_eq!(s, PublicationStatus::Reviewed);
                    prop_assert!(reviewed_since_submit);
                }
                s = next;
            }
        }

        #[test]
        fn sanitising_never_panics_and_strips_scripts(body in ".{0,200}") {
            let html = format!("<p>{body}</p><script>evil()</script>");
            let clean = sanitize_body(&html);
            prop_assert!(!clean.contains("<script"));
            let _ = body_text(&clean);
        }
    }

    #[test]
    fn attachments_are_sniffed() {
        let ok = inspect_attachment("名单.txt", "张三 13812345678\n".as_bytes()).unwrap();
        assert_eq!(ok.media_type, "text/plain");
        assert!(ok.text.unwrap().contains("13812345678"));
        let e = inspect_attachment("通知.docx", b"this is not a zip").unwrap_err();
        assert_eq!(e.code(), "disguised_attachment");
        assert!(e.to_string().contains("伪装"), "{e}");
        let e = inspect_attachment("a.pdf", b"MZ\x90\x00binary").unwrap_err();
        assert_eq!(e.code(), "disguised_attachment");
        let e = inspect_attachment("a.exe", b"MZ").unwrap_err();
        assert_eq!(e.code(), "attachment_type");
        // A damaged PDF is refused with the reason; one without a text
        // layer is taken with a note for the reviewer.
        let e = inspect_attachment("a.pdf", b"%PDF-1.7\n").unwrap_err();
        assert_eq!(e.code(), "invalid_attachment");
        assert!(e.to_string().contains("PDF 文件无法解析"), "{e}");
        assert_eq!(
            inspect_attachment("noext", b"x").unwrap_err(),
            AttachmentError::Name
        );
        assert!(matches!(
            inspect_attachment("a.txt", b""),
            Err(AttachmentError::Empty(_))
        ));
    }

    #[test]
    fn the_gate_finds_and_masks_body_numbers() {
        let id = format!(
            "11010519491231002{}",
            crate::pii::expected_id_check("11010519491231002").unwrap()
        );
        let html = format!("<p>联系人：张三，电话13812345678，身份证{id}。</p>");
        let text = body_text(&sanitize_body(&html));
        let atts = [AttachmentText {
            id: 9,
            file_name: "名单.txt",
            text: Some("李四 13900001111"),
        }];
        let found = scan_publication(&text, &atts, TODAY);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].finding.preview, "138****5678");
        assert!(
            found[1].describe().contains("居民身份证号 1101**********"),
            "{}",
            found[1].describe()
        );
        assert_eq!(
            found[2].source,
            FindingSource::Attachment {
                attachment_id: 9,
                file_name: "名单.txt".into()
            }
        );
        let (masked, remaining) = mask_body(&sanitize_body(&html), TODAY);
        assert_eq!(remaining, 0);
        assert!(masked.contains("138****5678"), "{masked}");
        assert!(!masked.contains(&id));
    }

    #[test]
    fn art26_lateness() {
        let cal = Calendar::builtin();
        assert!(lateness_warning(&cal, date!(2025 - 06 - 03), date!(2025 - 06 - 10)).is_none());
        let w = lateness_warning(&cal, date!(2025 - 03 - 03), date!(2025 - 06 - 10)).unwrap();
        assert!(w.contains("第二十六条"), "{w}");
    }
}

//! Online intake (网上申请): what a citizen submits on `/apply` or through
//! the public API before the office confirms it (条例 Art. 31: an online
//! application counts as received on the day both sides confirm it).
//!
//! - the preferred form of the information (Art. 29: 纸质、电子、其他) and the
//!   way it is delivered (邮寄、电子邮件、自行领取、传真、网上获取);
//! - the identity document of a natural person (居民身份证 with its check
//!   character, or another document checked for shape only);
//! - attachments: at most [`MAX_ATTACHMENTS`] files of at most
//!   [`MAX_ATTACHMENT_BYTES`] each, of the kinds in [`ALLOWED_EXTENSIONS`],
//!   recognised by their bytes (a `.docx` that is not a Word ZIP, a `.pdf`
//!   that is not a PDF, … is refused as disguised).
//!
//! Every error names its field (the form field and API field names are the
//! same) with one Chinese sentence.

use crate::applicant::{normalize, Applicant, ApplicantDraft, ApplicantKind};
use gongkai_docs::DocKind;
use serde::{Deserialize, Serialize};
use time::Date;

/// Most attachments per submission.
pub const MAX_ATTACHMENTS: usize = 5;
/// Largest attachment (bytes): 10 MB.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// Longest attachment file name (characters).
pub const MAX_FILE_NAME_CHARS: usize = 120;
/// Longest request text (characters).
pub const MAX_REQUEST_CHARS: usize = 10_000;
/// File kinds accepted as attachments.
pub const ALLOWED_EXTENSIONS: [&str; 9] = [
    "pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "txt",
];

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Form and API field name, e.g. `id_number`.
    pub field: &'static str,
    /// Chinese label of the field, e.g. `证件号码`.
    pub label: &'static str,
    pub message: String,
}

impl FieldError {
    fn new(field: &'static str, message: impl Into<String>) -> FieldError {
        FieldError {
            field,
            label: field_label(field),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}（{}）：{}", self.label, self.field, self.message)
    }
}

/// The Chinese label of a form field.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "agency" => "受理机关",
        "kind" => "申请人类型",
        "name" => "姓名或名称",
        "id_type" => "证件类型",
        "id_number" => "证件号码",
        "credit_code" => "统一社会信用代码",
        "phone" => "联系电话",
        "email" => "电子邮箱",
        "address" => "通信地址",
        "request" => "所需信息的描述",
        "preferred_form" => "获取信息的形式",
        "delivery" => "获取信息的方式",
        "attachments" => "附件",
        _ => "表单",
    }
}

macro_rules! choice_enum {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($(#[$vm:meta])* $variant:ident => $value:literal, $label:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// The stored and API name.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $value,)+ }
            }
            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }
            /// By its name (`paper`) or its Chinese label (`纸质`).
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim();
                $name::ALL.iter().copied().find(|v| v.name() == t || v.label_zh() == t)
            }
            /// `paper（纸质）、electronic（电子）…` for error messages.
            pub fn choices_text() -> String {
                $name::ALL
                    .iter()
                    .map(|v| format!("{}（{}）", v.name(), v.label_zh()))
                    .collect::<Vec<_>>()
                    .join("、")
            }
            #[doc = $what]
            pub const WHAT: &'static str = $what;
        }
    };
}

choice_enum!(
    /// The form in which the applicant wants the information (条例 Art. 29).
    InfoForm, "获取信息的形式", {
        Paper => "paper", "纸质";
        Electronic => "electronic", "电子";
        Other => "other", "其他";
    }
);

choice_enum!(
    /// How the information reaches the applicant.
    Delivery, "获取信息的方式", {
        Post => "post", "邮寄";
        Email => "email", "电子邮件";
        Pickup => "pickup", "自行领取";
        Fax => "fax", "传真";
        Online => "online", "网上获取";
    }
);

choice_enum!(
    /// The identity document of a natural person.
    IdDocument, "证件类型", {
        ResidentId => "resident_id", "居民身份证";
        Passport => "passport", "护照";
        HkMacaoPermit => "hk_macao_permit", "港澳居民来往内地通行证";
        TaiwanPermit => "taiwan_permit", "台湾居民来往大陆通行证";
        ForeignPermanentId => "foreign_permanent_id", "外国人永久居留身份证";
    }
);

/// What the applicant typed, every field as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionDraft {
    /// `natural_person`, `commercial`, … (see [`ApplicantKind`]).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    /// [`IdDocument`] name; natural persons only (defaults to `resident_id`).
    #[serde(default)]
    pub id_type: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub request: String,
    #[serde(default)]
    pub preferred_form: String,
    #[serde(default)]
    pub delivery: String,
}

/// A checked submission, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSubmission {
    /// The applicant as an application will hold it (`id_number` set only
    /// for a 居民身份证).
    pub applicant: Applicant,
    /// The document type of a natural person.
    pub id_type: Option<IdDocument>,
    /// The document number of a natural person, normalised (any type).
    pub id_doc_number: Option<String>,
    pub request: String,
    pub preferred_form: InfoForm,
    pub delivery: Delivery,
}

impl ValidSubmission {
    /// The applicant draft an application is registered with.
    pub fn applicant_draft(&self) -> ApplicantDraft {
        let a = &self.applicant;
        ApplicantDraft {
            kind: Some(a.kind),
            name: a.name.clone(),
            id_number: a.id_number.as_ref().map(|v| v.as_str().to_string()),
            credit_code: a.credit_code.as_ref().map(|v| v.as_str().to_string()),
            phone: a.phone.as_ref().map(|v| v.as_str().to_string()),
            email: a.email.clone(),
            address: a.address.clone(),
        }
    }
}

fn blank(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Passport and permit numbers: letters and digits (and brackets), 5–20.
fn other_document_ok(norm: &str) -> bool {
    (5..=20).contains(&norm.chars().count())
        && norm
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '(' | ')'))
}

impl SubmissionDraft {
    /// Checks everything as of `today` and returns all errors at once.
    /// Online applicants must give an identity document (居民身份证 or
    /// another document for natural persons, the 统一社会信用代码 for
    /// organisations) and a phone number (`/track` asks for its last four
    /// digits); the delivery channel needs its contact (post → address,
    /// e-mail → address of the mailbox, fax → phone).
    pub fn validate(&self, today: Date) -> Result<ValidSubmission, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = match self.kind.trim() {
            "" => {
                errors.push(FieldError::new("kind", "请选择申请人类型"));
                None
            }
            text => match text.parse::<ApplicantKind>() {
                Ok(k) => Some(k),
                Err(e) => {
                    errors.push(FieldError::new("kind", e.to_string()));
                    None
                }
            },
        };
        let person = kind.is_none_or(|k| !k.is_organization());
        let mut id_type = None;
        let mut id_doc_number = None;
        let mut resident_id = None;
        if person {
            let doc = match self.id_type.trim() {
                "" => Some(IdDocument::ResidentId),
                t => IdDocument::parse(t),
            };
            match doc {
                None => errors.push(FieldError::new(
                    "id_type",
                    format!("证件类型无效，应为{}", IdDocument::choices_text()),
                )),
                Some(doc) => {
                    id_type = Some(doc);
                    match blank(&self.id_number) {
                        None => errors.push(FieldError::new(
                            "id_number",
                            format!("请填写{}号码", doc.label_zh()),
                        )),
                        Some(number) if doc == IdDocument::ResidentId => {
                            resident_id = Some(number);
                        }
                        Some(number) => {
                            let norm = normalize(&number);
                            if other_document_ok(&norm) {
                                id_doc_number = Some(norm);
                            } else {
                                errors.push(FieldError::new(
                                    "id_number",
                                    format!(
                                        "{}号码“{number}”格式不正确，应为5至20位字母或数字",
                                        doc.label_zh()
                                    ),
                                ));
                            }
                        }
                    }
                }
            }
            if blank(&self.credit_code).is_some() {
                errors.push(FieldError::new(
                    "credit_code",
                    "自然人申请人不填写统一社会信用代码",
                ));
            }
        } else {
            if blank(&self.credit_code).is_none() {
                errors.push(FieldError::new(
                    "credit_code",
                    "法人或其他组织请填写统一社会信用代码",
                ));
            }
            if blank(&self.id_number).is_some() {
                errors.push(FieldError::new(
                    "id_number",
                    "法人或其他组织申请人不填写证件号码，请填写统一社会信用代码",
                ));
            }
        }
        if blank(&self.phone).is_none() {
            errors.push(FieldError::new(
                "phone",
                "请填写联系电话（查询办理进度时需要输入其后四位）",
            ));
        }
        let draft = ApplicantDraft {
            kind,
            name: self.name.clone(),
            id_number: resident_id,
            credit_code: if person {
                None
            } else {
                blank(&self.credit_code)
            },
            phone: blank(&self.phone),
            email: blank(&self.email),
            address: blank(&self.address),
        };
        let applicant = match draft.validate(today) {
            Ok(a) => Some(a),
            Err(list) => {
                for e in list {
                    let field = match e.field() {
                        "kind" => "kind",
                        "name" => "name",
                        "id_number" => "id_number",
                        "credit_code" => "credit_code",
                        "email" => "email",
                        "address" => "address",
                        _ => "phone",
                    };
                    // The checks above already said what is missing.
                    if errors.iter().any(|x| x.field == field) {
                        continue;
                    }
                    errors.push(FieldError::new(field, e.to_string()));
                }
                None
            }
        };
        let request = self.request.trim().to_string();
        if request.is_empty() {
            errors.push(FieldError::new(
                "request",
                "请描述所需的政府信息（名称、文号或其他便于查找的特征）",
            ));
        } else if request.chars().count() > MAX_REQUEST_CHARS {
            errors.push(FieldError::new(
                "request",
                format!("所需信息的描述不能超过{MAX_REQUEST_CHARS}个字符"),
            ));
        }
        let preferred_form = InfoForm::parse(&self.preferred_form);
        if preferred_form.is_none() {
            errors.push(FieldError::new(
                "preferred_form",
                format!("请选择获取信息的形式：{}", InfoForm::choices_text()),
            ));
        }
        let delivery = Delivery::parse(&self.delivery);
        match delivery {
            None => errors.push(FieldError::new(
                "delivery",
                format!("请选择获取信息的方式：{}", Delivery::choices_text()),
            )),
            Some(Delivery::Post) if blank(&self.address).is_none() => errors.push(FieldError::new(
                "address",
                "选择邮寄时请填写通信地址（含邮政编码）",
            )),
            Some(Delivery::Email) if blank(&self.email).is_none() => {
                errors.push(FieldError::new("email", "选择电子邮件方式时请填写电子邮箱"))
            }
            Some(_) => {}
        }
        match (applicant, preferred_form, delivery) {
            (Some(applicant), Some(preferred_form), Some(delivery)) if errors.is_empty() => {
                Ok(ValidSubmission {
                    applicant,
                    id_type,
                    id_doc_number,
                    request,
                    preferred_form,
                    delivery,
                })
            }
            _ => Err(errors),
        }
    }
}

/// An attachment that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAttachment {
    /// The file name without any path, control characters or quotes.
    pub file_name: String,
    /// From the recognised content, never from the client's claim.
    pub content_type: &'static str,
}

/// The file name without a path (browsers on Windows sent full paths), with
/// control characters, quotes and angle brackets removed.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    last.chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '\u{202E}'))
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_string()
}

fn kind_name(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Text => "纯文本",
        DocKind::Html => "网页（HTML）",
        DocKind::Docx => "Word 文档（DOCX）",
        DocKind::Xlsx => "Excel 表格（XLSX）",
        DocKind::Pdf => "PDF 文件",
        DocKind::LegacyOffice => "旧版 Office 文件",
        DocKind::Zip => "ZIP 压缩包",
    }
}

/// Checks one attachment by its name and bytes: size, kind allowed, and
/// the content matching the extension.
pub fn check_attachment(raw_name: &str, bytes: &[u8]) -> Result<CheckedAttachment, FieldError> {
    let file_name = clean_file_name(raw_name);
    let shown = if file_name.is_empty() {
        "（无文件名）".to_string()
    } else {
        file_name.clone()
    };
    let err = |m: String| FieldError::new("attachments", m);
    if file_name.is_empty() || file_name.chars().count() > MAX_FILE_NAME_CHARS {
        return Err(err(format!(
            "附件“{shown}”的文件名为空或超过{MAX_FILE_NAME_CHARS}个字符"
        )));
    }
    if bytes.is_empty() {
        return Err(err(format!("附件“{shown}”是空文件")));
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(err(format!(
            "附件“{shown}”大小为{:.1} MB，超过每个附件10 MB的上限",
            bytes.len() as f64 / (1024.0 * 1024.0)
        )));
    }
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if !ALLOWED_EXTENSIONS.contains(&ext.as_str()) {
        return Err(err(format!(
            "附件“{shown}”的类型不受支持；只接受 PDF、Word（DOC/DOCX）、Excel（XLS/XLSX）、JPEG、PNG 图片和纯文本（TXT）"
        )));
    }
    let kind = gongkai_docs::sniff(bytes, Some(&file_name));
    let is_jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
    let is_png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
    let (ok, content_type) = match ext.as_str() {
        "pdf" => (kind == DocKind::Pdf, "application/pdf"),
        "docx" => (
            kind == DocKind::Docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "xlsx" => (
            kind == DocKind::Xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "doc" => (kind == DocKind::LegacyOffice, "application/msword"),
        "xls" => (kind == DocKind::LegacyOffice, "application/vnd.ms-excel"),
        "jpg" | "jpeg" => (is_jpeg, "image/jpeg"),
        "png" => (is_png, "image/png"),
        // Text: no recognised binary kind, no NUL bytes, and not markup.
        _ => (
            kind == DocKind::Text && !is_jpeg && !is_png && !bytes.contains(&0),
            "text/plain; charset=utf-8",
        ),
    };
    if !ok {
        let actual = if is_jpeg {
            "JPEG 图片"
        } else if is_png {
            "PNG 图片"
        } else if kind == DocKind::Text && bytes.contains(&0) {
            "二进制文件"
        } else {
            kind_name(kind)
        };
        return Err(err(format!(
            "附件“{shown}”的扩展名为 .{ext}，但内容是{actual}，与扩展名不符（可能是改了扩展名的其他文件），已拒绝"
        )));
    }
    Ok(CheckedAttachment {
        file_name,
        content_type,
    })
}

/// Checks the number of attachments, then each one.
pub fn check_attachments(
    files: &[(&str, &[u8])],
) -> Result<Vec<CheckedAttachment>, Vec<FieldError>> {
    if files.len() > MAX_ATTACHMENTS {
        return Err(vec![FieldError::new(
            "attachments",
            format!(
                "最多上传{MAX_ATTACHMENTS}个附件，本次选择了{}个",
                files.len()
            ),
        )]);
    }
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for (name, bytes) in files {
        match check_attachment(name, bytes) {
            Ok(c) => ok.push(c),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

/// Joins field errors into one API message: `字段 id_number：…；字段 phone：…`.
pub fn errors_text(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("字段 {}（{}）：{}", e.field, e.label, e.message))
        .collect::<Vec<_>>()
        .join("；")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::applicant::id_check_char;
    use time::macros::date;

    fn id_number() -> String {
        let first = "11010519491231002";
        format!("{first}{}", id_check_char(first.as_bytes()).unwrap())
    }

    fn person() -> SubmissionDraft {
        SubmissionDraft {
            kind: "natural_person".into(),
            name: "张三".into(),
            id_type: "resident_id".into(),
            id_number: id_number(),
            phone: "13812345678".into(),
            request: "2024年老旧小区改造资金使用情况".into(),
            preferred_form: "electronic".into(),
            delivery: "email".into(),
            email: "zs@example.com".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_person() {
        let v = person().validate(date!(2025 - 06 - 01)).unwrap();
        assert_eq!(v.id_type, Some(IdDocument::ResidentId));
        assert!(v.applicant.id_number.is_some());
        assert_eq!(v.delivery, Delivery::Email);
        assert_eq!(InfoForm::parse("纸质"), Some(InfoForm::Paper));
    }

    #[test]
    fn errors_name_their_fields() {
        let mut d = person();
        d.id_number = format!("{}0", &id_number()[..17]);
        if d.id_number == id_number() {
            d.id_number = format!("{}1", &id_number()[..17]);
        }
        d.phone = String::new();
        d.delivery = "post".into();
        let errs = d.validate(date!(2025 - 06 - 01)).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        assert!(fields.contains(&"id_number"), "{errs:?}");
        assert!(fields.contains(&"phone"), "{errs:?}");
        assert!(fields.contains(&"address"), "{errs:?}");
        assert!(
            errs.iter().any(|e| e.message.contains("校验位")),
            "{errs:?}"
        );
    }

    #[test]
    fn other_documents_and_organisations() {
        let mut d = person();
        d.id_type = "passport".into();
        d.id_number = "E1234 5678".into();
        let v = d.validate(date!(2025 - 06 - 01)).unwrap();
        assert_eq!(v.id_doc_number.as_deref(), Some("E12345678"));
        assert!(v.applicant.id_number.is_none());

        let mut o = person();
        o.kind = "commercial".into();
        o.name = "某某公司".into();
        let errs = o.validate(date!(2025 - 06 - 01)).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        assert!(fields.contains(&"credit_code") && fields.contains(&"id_number"));
    }

    #[test]
    fn disguised_and_oversized_attachments() {
        assert!(check_attachment("a.pdf", b"%PDF-1.7 ...").is_ok());
        let e = check_attachment("C:\\x\\申请.docx", b"just text").unwrap_err();
        assert!(
            e.message.contains("申请.docx") && e.message.contains("不符"),
            "{e}"
        );
        assert!(check_attachment("a.png", b"%PDF-1.7").is_err());
        assert!(check_attachment("a.exe", b"MZ").is_err());
        assert!(check_attachment("a.txt", b"hello\0world").is_err());
        assert!(check_attachment("a.txt", "你好".as_bytes()).is_ok());
        let big = vec![b'a'; MAX_ATTACHMENT_BYTES + 1];
        assert!(check_attachment("a.txt", &big)
            .unwrap_err()
            .message
            .contains("10 MB"));
        let six: Vec<(&str, &[u8])> = (0..6).map(|_| ("a.txt", b"x".as_slice())).collect();
        assert!(check_attachments(&six).is_err());
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
    }
}

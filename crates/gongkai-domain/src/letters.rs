//! Letters of a disclosure application (答复书 and 告知书), generated from
//! minijinja templates into a [`gongkai_docs::Doc`] (then DOCX or HTML).
//!
//! One letter per event that the applicant (or a consulted party) must be
//! told of: [`LetterKind`]. Each kind has a default template compiled in
//! ([`LetterKind::default_template`]), in Chinese, following the letter
//! contents in `shared/spec/applications.md` ("Answer letters"): agency name,
//! letter number (agency abbreviation + year + serial, e.g. `××公复〔2025〕12号`),
//! applicant, receipt date and channel, the request, the answer with its legal
//! basis and reasons, delivery, fees, the remedy notice, contact person and
//! phone, and date. Agencies may replace any template ([`check_template`]
//! validates a replacement against sample data before it is saved).
//!
//! Template text is plain text with two marks: a line starting with `# ` is
//! the title, `## ` a subheading; every other non-blank line is a paragraph.
//! Variables are those of [`LetterContext`] (strict: a misspelt variable is
//! an error, reported with its line).
//!
//! The remedy notice ([`remedy_notice`]) follows the revised 行政复议法 in
//! force since 2024-01-01: for refusals reconsideration comes first (复议前置,
//! Art. 23), within 60 days; otherwise reconsideration within 60 days or a
//! lawsuit within 6 months; after a reconsideration decision, 15 days.

use gongkai_docs::{Block, Doc};
use minijinja::{Environment, ErrorKind, UndefinedBehavior};
use serde::{Deserialize, Serialize};
use time::Date;

use crate::clock::{ConsultationParty, EventKindName, CONSULTATION_WORKING_DAYS};
use crate::outcome::{NotProcessedReason, OtherReason, Outcome, UnavailableReason, WithholdReason};

/// Longest template (characters).
pub const MAX_TEMPLATE_CHARS: usize = 20_000;

/// Which letter an event produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LetterKind {
    /// 补正告知书 (correction_requested).
    Correction,
    /// 延期答复告知书 (extension_approved).
    Extension,
    /// 征求意见书 (consultation_started), to the third party or co-author agency.
    Consultation,
    /// 收费通知书 (fee_notice).
    Fee,
    /// 答复书 (answered), one template per outcome.
    Answer(Outcome),
}

impl LetterKind {
    /// The letter of an event of `kind` (with the answer's outcome), if any.
    pub fn for_event(kind: EventKindName, outcome: Option<Outcome>) -> Option<LetterKind> {
        Some(match kind {
            EventKindName::CorrectionRequested => LetterKind::Correction,
            EventKindName::ExtensionApproved => LetterKind::Extension,
            EventKindName::ConsultationStarted => LetterKind::Consultation,
            EventKindName::FeeNotice => LetterKind::Fee,
            EventKindName::Answered => LetterKind::Answer(outcome?),
            _ => return None,
        })
    }

    /// Every kind: the four notices, then the answers in the order of table 三.
    pub fn all() -> Vec<LetterKind> {
        let mut out = vec![
            LetterKind::Correction,
            LetterKind::Extension,
            LetterKind::Consultation,
            LetterKind::Fee,
        ];
        out.extend(Outcome::ALL.into_iter().map(LetterKind::Answer));
        out
    }

    /// The template key: the event kind, or `answered.` + the outcome id.
    pub fn key(self) -> String {
        match self {
            LetterKind::Correction => "correction_requested".into(),
            LetterKind::Extension => "extension_approved".into(),
            LetterKind::Consultation => "consultation_started".into(),
            LetterKind::Fee => "fee_notice".into(),
            LetterKind::Answer(o) => format!("answered.{}", o.id()),
        }
    }

    pub fn parse_key(key: &str) -> Option<LetterKind> {
        LetterKind::all()
            .into_iter()
            .find(|k| k.key() == key.trim())
    }

    /// The letter's title, e.g. `政府信息公开申请答复书`.
    pub fn title(self) -> &'static str {
        match self {
            LetterKind::Correction => "政府信息公开申请补正告知书",
            LetterKind::Extension => "政府信息公开申请延期答复告知书",
            LetterKind::Consultation => "政府信息公开征求意见书",
            LetterKind::Fee => "政府信息公开信息处理费收费通知书",
            LetterKind::Answer(_) => "政府信息公开申请答复书",
        }
    }

    /// A label for lists, e.g. `答复书（部分公开）`.
    pub fn label(self) -> String {
        match self {
            LetterKind::Correction => "补正告知书".into(),
            LetterKind::Extension => "延期答复告知书".into(),
            LetterKind::Consultation => "征求意见书".into(),
            LetterKind::Fee => "收费通知书".into(),
            LetterKind::Answer(o) => format!("答复书（{}）", o.summary_zh()),
        }
    }

    /// The character of the letter number after the abbreviation: 复 in `××公复〔2025〕12号`.
    pub fn number_code(self) -> &'static str {
        match self {
            LetterKind::Correction => "补",
            LetterKind::Extension => "延",
            LetterKind::Consultation => "征",
            LetterKind::Fee => "费",
            LetterKind::Answer(_) => "复",
        }
    }

    /// The template compiled in, used until the agency saves its own.
    pub fn default_template(self) -> String {
        match self {
            LetterKind::Correction => CORRECTION_TEMPLATE.to_string(),
            LetterKind::Extension => EXTENSION_TEMPLATE.to_string(),
            LetterKind::Consultation => CONSULTATION_TEMPLATE.to_string(),
            LetterKind::Fee => FEE_TEMPLATE.to_string(),
            LetterKind::Answer(o) => ANSWER_TEMPLATE.replace("{{ ANSWER }}", answer_paragraph(o)),
        }
    }
}

/// The letter number: `{abbreviation}{code}〔{year}〕{serial}号`, e.g. `鼓楼公复〔2025〕12号`.
pub fn letter_number(abbreviation: &str, kind: LetterKind, year: i32, serial: i64) -> String {
    format!(
        "{}{}〔{year}〕{serial}号",
        abbreviation.trim(),
        kind.number_code()
    )
}

/// "2025年3月3日".
pub fn date_zh(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

/// Per-agency letter settings (admin-edited with the templates).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterSettings {
    /// Abbreviation before the number code, e.g. `鼓楼公` in `鼓楼公复〔2025〕12号`.
    pub abbreviation: String,
    /// Contact person printed on letters.
    pub contact_person: String,
    /// Where reconsideration is applied for, e.g. `测试区人民政府`.
    pub reconsideration_body: String,
    /// Where a lawsuit is filed, e.g. `测试区人民法院`.
    pub court: String,
}

impl LetterSettings {
    /// Blank fields filled from the agency: abbreviation = short name + 公.
    pub fn or_defaults(&self, agency_short_name: &str) -> LetterSettings {
        let pick = |v: &str, d: String| {
            if v.trim().is_empty() {
                d
            } else {
                v.trim().to_string()
            }
        };
        LetterSettings {
            abbreviation: pick(
                &self.abbreviation,
                format!("{}公", agency_short_name.trim()),
            ),
            contact_person: pick(&self.contact_person, "政府信息公开工作机构".into()),
            reconsideration_body: pick(&self.reconsideration_body, "有管辖权的行政复议机关".into()),
            court: pick(&self.court, "有管辖权的人民法院".into()),
        }
    }
}

/// Whether the revised 行政复议法 (Art. 23 ¶1(4): 申请政府信息公开，行政机关不予公开)
/// requires reconsideration before a lawsuit. Read broadly for every answer
/// that does not give the applicant what was asked (部分公开 included).
pub fn reconsideration_first(outcome: Outcome) -> bool {
    outcome != Outcome::Disclosed
}

/// The remedy notice (救济途径告知) of a letter.
pub fn remedy_notice(outcome: Option<Outcome>, settings: &LetterSettings) -> String {
    let body = &settings.reconsideration_body;
    let court = &settings.court;
    if outcome.is_some_and(reconsideration_first) {
        format!(
            "如对本答复不服，根据《中华人民共和国行政复议法》（2023年修订，2024年1月1日起施行）第二十三条的规定，应当先申请行政复议：可以自知道本答复之日起六十日内向{body}申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内向{court}提起行政诉讼。"
        )
    } else {
        format!(
            "如对本{}不服，可以自知道之日起六十日内向{body}申请行政复议，也可以自知道之日起六个月内向{court}提起行政诉讼；属于《中华人民共和国行政复议法》（2023年修订，2024年1月1日起施行）第二十三条规定应当先申请行政复议情形的，应当先申请行政复议，对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内提起行政诉讼。",
            if outcome.is_some() { "答复" } else { "通知" }
        )
    }
}

// ---------------------------------------------------------------------------
// The context a template sees.

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AgencyContext {
    pub name: String,
    pub short_name: String,
    pub address: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    pub hours: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LetterMeta {
    /// e.g. `鼓楼公复〔2025〕12号`.
    pub number: String,
    pub title: String,
    /// The letter's date (the event's date), e.g. `2025年3月20日`.
    pub date: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ContactContext {
    pub person: String,
    pub phone: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplicantContext {
    pub name: String,
    pub address: String,
    /// e.g. `自然人`.
    pub kind: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ApplicationContext {
    pub tracking_code: String,
    pub received_on: String,
    /// e.g. `当面`.
    pub channel: String,
    /// e.g. `当面提交`.
    pub receipt: String,
    pub request: String,
    /// The due date after this event, if any.
    pub due_on: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CorrectionContext {
    pub items: Vec<String>,
    pub deadline: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExtensionContext {
    pub days: u32,
    pub approver: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConsultationContext {
    /// `第三方` or `共同制作机关`.
    pub party: String,
    pub co_author: bool,
    pub party_name: String,
    pub party_contact: String,
    pub days: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FeeContext {
    pub method: String,
    pub quantity: u32,
    pub amount: u64,
    pub basis: Vec<String>,
    pub pay_days: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AnswerContext {
    pub outcome_id: String,
    /// e.g. `不予公开（保护第三方合法权益）`.
    pub outcome: String,
    pub legal_basis: String,
    pub reasons: String,
    pub delivery_method: String,
    pub delivery_on: String,
    pub public_location: String,
    pub competent_agency: String,
    pub competent_contact: String,
    pub attachments: Vec<String>,
    pub transferred_to: String,
    pub transfer_tracking_code: String,
}

/// Everything a template may use. Every section is always present (empty
/// where it does not apply), so strict templates can test any of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LetterContext {
    pub agency: AgencyContext,
    pub letter: LetterMeta,
    pub contact: ContactContext,
    pub applicant: ApplicantContext,
    pub application: ApplicationContext,
    pub correction: CorrectionContext,
    pub extension: ExtensionContext,
    pub consultation: ConsultationContext,
    pub fee: FeeContext,
    pub answer: AnswerContext,
    /// The remedy notice (救济途径告知).
    pub remedy: String,
}

impl ConsultationContext {
    pub fn new(party: ConsultationParty, name: &str, contact: &str) -> Self {
        ConsultationContext {
            party: party.label_zh().to_string(),
            co_author: party == ConsultationParty::CoAuthor,
            party_name: name.to_string(),
            party_contact: contact.to_string(),
            days: CONSULTATION_WORKING_DAYS,
        }
    }
}

/// A complete context with made-up data, for previews and template checks.
pub fn sample_context(kind: LetterKind) -> LetterContext {
    let settings = LetterSettings {
        abbreviation: "鼓楼公".into(),
        contact_person: "王老师".into(),
        reconsideration_body: "测试区人民政府".into(),
        court: "测试区人民法院".into(),
    };
    let outcome = match kind {
        LetterKind::Answer(o) => Some(o),
        _ => None,
    };
    LetterContext {
        agency: AgencyContext {
            name: "测试区鼓楼街道办事处".into(),
            short_name: "鼓楼街道".into(),
            address: "测试区鼓楼路1号".into(),
            phone: "0537-1234567".into(),
            fax: "0537-1234568".into(),
            email: "gk@example.gov.cn".into(),
            hours: "工作日9:00—17:00".into(),
        },
        letter: LetterMeta {
            number: letter_number(&settings.abbreviation, kind, 2025, 12),
            title: kind.title().into(),
            date: "2025年3月20日".into(),
        },
        contact: ContactContext {
            person: settings.contact_person.clone(),
            phone: "0537-1234567".into(),
        },
        applicant: ApplicantContext {
            name: "张三".into(),
            address: "测试区鼓楼路2号".into(),
            kind: "自然人".into(),
        },
        application: ApplicationContext {
            tracking_code: "K7M2QX9ARB4T".into(),
            received_on: "2025年3月3日".into(),
            channel: "当面".into(),
            receipt: "当面提交".into(),
            request: "本街道2024年老旧小区改造资金使用情况".into(),
            due_on: "2025年3月31日".into(),
        },
        correction: CorrectionContext {
            items: vec![
                "所需信息的文件名称或文号".into(),
                "所需信息的时间范围".into(),
            ],
            deadline: "2025年3月31日".into(),
        },
        extension: ExtensionContext {
            days: 20,
            approver: "李主任".into(),
            reason: "所需信息涉及多个单位，需协调".into(),
        },
        consultation: ConsultationContext::new(
            ConsultationParty::ThirdParty,
            "某某建设有限公司",
            "0537-7654321",
        ),
        fee: FeeContext {
            method: "按件计收".into(),
            quantity: 12,
            amount: 100,
            basis: vec![
                "按件计收（国办函〔2020〕109号，分档累进）：同一申请人本自然月共12件".into(),
                "其中本件（第12件）收费100元".into(),
            ],
            pay_days: crate::clock::FEE_PAYMENT_WORKING_DAYS,
        },
        answer: AnswerContext {
            outcome_id: outcome.map(|o| o.id().to_string()).unwrap_or_default(),
            outcome: outcome.map(|o| o.summary_zh()).unwrap_or_default(),
            legal_basis: outcome
                .and_then(|o| o.basis())
                .map(|b| b.text())
                .unwrap_or_default(),
            reasons: "涉及第三方商业秘密".into(),
            delivery_method: "电子邮件".into(),
            delivery_on: "2025年3月20日".into(),
            public_location: "本机关政府信息公开专栏".into(),
            competent_agency: "测试区住房和城乡建设局".into(),
            competent_contact: "0537-2222222".into(),
            attachments: vec!["2024年老旧小区改造资金使用情况表".into()],
            transferred_to: String::new(),
            transfer_tracking_code: String::new(),
        },
        remedy: remedy_notice(outcome, &settings),
    }
}

// ---------------------------------------------------------------------------
// Rendering.

/// A template that cannot be used: the line (when known) and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("模板第{l}行：")).unwrap_or_default())]
pub struct LetterError {
    pub line: Option<usize>,
    pub message: String,
}

fn kind_zh(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::SyntaxError => "语法错误",
        ErrorKind::UndefinedError => "使用了不存在的变量",
        ErrorKind::UnknownFilter => "使用了不存在的过滤器",
        ErrorKind::UnknownTest => "使用了不存在的测试",
        ErrorKind::UnknownFunction => "使用了不存在的函数",
        ErrorKind::UnknownMethod => "使用了不存在的方法",
        ErrorKind::TooManyArguments => "参数过多",
        ErrorKind::MissingArgument => "缺少参数",
        ErrorKind::TemplateNotFound | ErrorKind::BadInclude => "不能引用其他模板",
        ErrorKind::CannotUnpack => "无法拆分该值",
        ErrorKind::InvalidOperation => "运算无效",
        _ => "模板无法渲染",
    }
}

fn letter_error(e: &minijinja::Error) -> LetterError {
    let detail = e.detail().map(|d| format!("（{d}）")).unwrap_or_default();
    LetterError {
        line: e.line(),
        message: format!("{}{detail}", kind_zh(e.kind())),
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // No loops that never end, no templates that include others.
    env.set_fuel(Some(200_000));
    env
}

/// Renders `source` with `ctx` to text.
pub fn render_text(source: &str, ctx: &LetterContext) -> Result<String, LetterError> {
    if source.chars().count() > MAX_TEMPLATE_CHARS {
        return Err(LetterError {
            line: None,
            message: format!("模板不能超过{MAX_TEMPLATE_CHARS}个字符"),
        });
    }
    let env = environment();
    let template = env
        .template_from_str(source)
        .map_err(|e| letter_error(&e))?;
    template
        .render(minijinja::Value::from(minijinja::value::Serde(ctx)))
        .map_err(|e| letter_error(&e))
}

/// Text to blocks: `# ` title, `## ` subheading, other non-blank lines paragraphs.
pub fn text_to_doc(text: &str) -> Doc {
    let blocks = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            if let Some(t) = l.strip_prefix("## ") {
                Block::Heading {
                    level: 2,
                    text: t.trim().to_string(),
                }
            } else if let Some(t) = l.strip_prefix("# ") {
                Block::Heading {
                    level: 1,
                    text: t.trim().to_string(),
                }
            } else {
                Block::Paragraph(l.to_string())
            }
        })
        .collect();
    Doc { blocks }
}

/// Renders a letter from `source` (an agency's template or the default).
pub fn render_letter(source: &str, ctx: &LetterContext) -> Result<Doc, LetterError> {
    Ok(text_to_doc(&render_text(source, ctx)?))
}

/// Checks a template an admin wants to save for `kind`: it must parse, render
/// with sample data, and (for answers) keep the remedy notice.
pub fn check_template(kind: LetterKind, source: &str) -> Result<Doc, LetterError> {
    if source.trim().is_empty() {
        return Err(LetterError {
            line: None,
            message: "模板不能为空".into(),
        });
    }
    if matches!(kind, LetterKind::Answer(_)) && !source.contains("remedy") {
        return Err(LetterError {
            line: None,
            message: "答复书模板必须包含救济途径告知 {{ remedy }}（行政复议法第二十三条：复议前置、六十日、六个月）".into(),
        });
    }
    render_letter(source, &sample_context(kind))
}

// ---------------------------------------------------------------------------
// Default templates.

const CORRECTION_TEMPLATE: &str = concat!(
    "# {{ agency.name }}\n# {{ letter.title }}\n{{ letter.number }}\n",
    "{{ applicant.name }}：\n",
    "本机关于{{ application.received_on }}收到您通过{{ application.channel }}方式提出的政府信息公开申请（{{ application.receipt }}），申请获取“{{ application.request }}”。",
    "经审查，您的申请内容不明确，根据《中华人民共和国政府信息公开条例》第三十条的规定，请您对以下事项一并作出补正：\n",
    "{% for item in correction.items %}{{ loop.index }}. {{ item }}\n{% endfor %}",
    "{% if correction.deadline %}请于{{ correction.deadline }}前{% else %}请在合理期限内{% endif %}将补正后的申请提交本机关。答复期限自本机关收到补正后的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。\n",
    "联系人：{{ contact.person }}　联系电话：{{ contact.phone }}\n{{ agency.name }}\n{{ letter.date }}\n",
);

const EXTENSION_TEMPLATE: &str = concat!(
    "# {{ agency.name }}\n# {{ letter.title }}\n{{ letter.number }}\n",
    "{{ applicant.name }}：\n",
    "本机关于{{ application.received_on }}收到您通过{{ application.channel }}方式提出的政府信息公开申请（{{ application.receipt }}），申请获取“{{ application.request }}”。",
    "{% if extension.reason %}因{{ extension.reason }}，{% else %}因情况复杂，{% endif %}本机关不能在规定期限内作出答复。经本机关政府信息公开工作机构负责人{{ extension.approver }}同意，根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，答复期限延长{{ extension.days }}个工作日{% if application.due_on %}，延长后的答复期限截至{{ application.due_on }}{% endif %}。\n",
    "特此告知。\n",
    "联系人：{{ contact.person }}　联系电话：{{ contact.phone }}\n{{ agency.name }}\n{{ letter.date }}\n",
);

const CONSULTATION_TEMPLATE: &str = concat!(
    "# {{ agency.name }}\n# {{ letter.title }}\n{{ letter.number }}\n",
    "{{ consultation.party_name }}：\n",
    "本机关于{{ application.received_on }}收到一份政府信息公开申请，申请获取“{{ application.request }}”。",
    "{% if consultation.co_author %}该信息由本机关与贵机关共同制作，根据《中华人民共和国政府信息公开条例》第三十四条的规定，现征求贵机关意见。请于收到本意见书之日起{{ consultation.days }}个工作日内提出意见，逾期未提出意见的，视为同意公开。",
    "{% else %}该信息的公开可能损害贵方合法权益，根据《中华人民共和国政府信息公开条例》第三十二条的规定，现书面征求贵方意见。请于收到本意见书之日起{{ consultation.days }}个工作日内提出书面意见，不同意公开的，请说明理由。逾期未提出意见的，由本机关依照条例的规定决定是否公开；第三方不同意公开且有合理理由的，本机关不予公开，但不公开可能对公共利益造成重大影响的除外。{% endif %}\n",
    "联系人：{{ contact.person }}　联系电话：{{ contact.phone }}\n{{ agency.name }}\n{{ letter.date }}\n",
);

const FEE_TEMPLATE: &str = concat!(
    "# {{ agency.name }}\n# {{ letter.title }}\n{{ letter.number }}\n",
    "{{ applicant.name }}：\n",
    "本机关于{{ application.received_on }}收到您通过{{ application.channel }}方式提出的政府信息公开申请（{{ application.receipt }}），申请获取“{{ application.request }}”。",
    "您申请公开政府信息的数量、频次明显超过合理范围，根据《中华人民共和国政府信息公开条例》第四十二条和《政府信息公开信息处理费管理办法》的规定，本机关收取信息处理费{{ fee.amount }}元（{{ fee.method }}）。计算依据：\n",
    "{% for line in fee.basis %}{{ line }}\n{% endfor %}",
    "请自收到本通知次日起{{ fee.pay_days }}个工作日内缴纳。逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。\n",
    "{{ remedy }}\n",
    "联系人：{{ contact.person }}　联系电话：{{ contact.phone }}\n{{ agency.name }}\n{{ letter.date }}\n",
);

const ANSWER_TEMPLATE: &str = concat!(
    "# {{ agency.name }}\n# {{ letter.title }}\n{{ letter.number }}\n",
    "{{ applicant.name }}：\n",
    "本机关于{{ application.received_on }}收到您通过{{ application.channel }}方式提出的政府信息公开申请（{{ application.receipt }}），申请获取“{{ application.request }}”。现答复如下：\n",
    "{{ ANSWER }}\n",
    "{% if answer.attachments %}随本答复提供的信息：\n{% for a in answer.attachments %}{{ loop.index }}. {{ a }}\n{% endfor %}{% endif %}",
    "{{ remedy }}\n",
    "联系人：{{ contact.person }}　联系电话：{{ contact.phone }}\n{{ agency.name }}\n{{ letter.date }}\n",
);

const BASIS: &str = "{% if answer.legal_basis %}根据{{ answer.legal_basis }}的规定，{% endif %}";
const DELIVERY: &str = "{% if answer.public_location %}该信息已经主动公开，您可以通过以下途径获取：{{ answer.public_location }}。{% endif %}{% if answer.delivery_method %}本机关于{{ answer.delivery_on }}通过{{ answer.delivery_method }}方式向您提供。{% endif %}";
const REASONS: &str = "{% if answer.reasons %}理由：{{ answer.reasons }}。{% endif %}";

fn answer_paragraph(o: Outcome) -> &'static str {
    // Each arm is a literal, so the templates stay 'static strings.
    macro_rules! p {
        ($($part:expr),* $(,)?) => {{
            static CELL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            CELL.get_or_init(|| [$($part),*].concat()).as_str()
        }};
    }
    match o {
        Outcome::Disclosed => p!(
            "经审查，您申请获取的政府信息属于公开范围，",
            BASIS,
            "本机关予以公开。",
            DELIVERY
        ),
        Outcome::PartlyDisclosed => p!(
            "经审查，您申请获取的政府信息中含有不应当公开或者不属于政府信息的内容，",
            BASIS,
            "本机关作区分处理后，向您提供可以公开的部分。",
            REASONS,
            DELIVERY
        ),
        Outcome::Withheld(r) => match r {
            WithholdReason::StateSecret => {
                p!("经审查，您申请获取的政府信息属于国家秘密，", BASIS, "本机关不予公开。", REASONS)
            }
            WithholdReason::ForbiddenByLaw => p!(
                "经审查，您申请获取的政府信息属于法律、行政法规禁止公开的信息，",
                BASIS,
                "本机关不予公开。",
                REASONS
            ),
            WithholdReason::ThreeSecurityOneStability => p!(
                "经审查，您申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，",
                BASIS,
                "本机关不予公开。",
                REASONS
            ),
            WithholdReason::ThirdPartyRights => p!(
                "经审查，您申请获取的政府信息涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的内容，",
                BASIS,
                "本机关不予公开。",
                REASONS
            ),
            WithholdReason::InternalAffairs => p!(
                "经审查，您申请获取的政府信息属于人事管理、后勤管理、内部工作流程等方面的内部事务信息，",
                BASIS,
                "本机关不予公开。",
                REASONS
            ),
            WithholdReason::ProcessInformation => p!(
                "经审查，您申请获取的政府信息属于本机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息，",
                BASIS,
                "本机关不予公开。",
                REASONS
            ),
            WithholdReason::EnforcementCaseFile => p!(
                "经审查，您申请获取的政府信息属于行政执法案卷信息，",
                BASIS,
                "本机关不予公开。",
                REASONS
            ),
            WithholdReason::AdministrativeInquiry => p!(
                "经审查，您申请获取的信息属于工商、不动产登记资料等有关法律、行政法规对信息的获取有特别规定的事项，",
                BASIS,
                "请您依照有关法律、行政法规的规定办理。",
                REASONS
            ),
        },
        Outcome::Unavailable(r) => match r {
            UnavailableReason::NotHeld => p!(
                "经检索查找，本机关未制作、获取您申请的政府信息，本机关不掌握相关政府信息。",
                BASIS,
                "特此告知。",
                "{% if answer.competent_agency %}该信息不属于本机关负责公开，负责公开该政府信息的行政机关为{{ answer.competent_agency }}，联系方式：{{ answer.competent_contact }}。{% endif %}",
                "{% if answer.transferred_to %}本机关已于{{ letter.date }}将您的申请转送{{ answer.transferred_to }}办理，该机关自收到之日起依法答复，查询码为{{ answer.transfer_tracking_code }}。{% endif %}",
                REASONS
            ),
            UnavailableReason::NeedsCreation => p!(
                "经审查，您申请获取的信息需要本机关对现有政府信息进行加工、分析或者重新制作方能提供，",
                BASIS,
                "本机关无法提供。",
                REASONS
            ),
            UnavailableReason::UnclearAfterCorrection => p!(
                "本机关已向您发出补正告知，您补正后的申请内容仍不明确，本机关无法确定您所需的政府信息，",
                BASIS,
                "本机关无法提供。",
                REASONS
            ),
        },
        Outcome::NotProcessed(r) => match r {
            NotProcessedReason::Petition => p!(
                "经审查，您以政府信息公开申请的形式进行信访、投诉、举报等活动，",
                BASIS,
                "本机关不作为政府信息公开申请处理，请您通过相应渠道提出。",
                REASONS
            ),
            NotProcessedReason::Repeated => p!(
                "经审查，您的申请与本机关已经答复的申请内容相同，属于重复申请，",
                BASIS,
                "本机关不予重复处理。",
                REASONS
            ),
            NotProcessedReason::PublishedMaterial => p!(
                "经审查，您申请获取的是公开出版物（公报、书籍等），",
                BASIS,
                "本机关不作为政府信息公开申请处理，您可以通过公开出版发行渠道获取。",
                REASONS
            ),
            NotProcessedReason::Excessive => p!(
                "您申请公开政府信息的数量、频次明显超过合理范围，经本机关要求说明理由，所说明的理由不合理，",
                BASIS,
                "本机关不予处理。",
                REASONS
            ),
            NotProcessedReason::Reconfirmation => p!(
                "经审查，您要求本机关确认或者重新出具已获取的政府信息，该请求不属于政府信息公开申请的处理范围，本机关不予处理。",
                REASONS
            ),
        },
        Outcome::OtherHandling(r) => match r {
            OtherReason::CorrectionOverdue => p!(
                "本机关已向您发出补正告知，您无正当理由逾期未补正，",
                BASIS,
                "视为放弃申请，本机关不再处理该政府信息公开申请。",
                REASONS
            ),
            OtherReason::FeeOverdue => p!(
                "本机关已向您发出信息处理费收费通知，您逾期未缴纳，",
                BASIS,
                "视为放弃申请，本机关不再处理该政府信息公开申请。",
                REASONS
            ),
            OtherReason::Other => p!(
                "您的申请已作其他处理。",
                REASONS
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(doc: &Doc) -> String {
        doc.blocks
            .iter()
            .map(|b| match b {
                Block::Heading { text, .. } | Block::Paragraph(text) => text.clone(),
                Block::Table(_) => String::new(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn every_kind_renders_with_sample_data() {
        for kind in LetterKind::all() {
            let doc = check_template(kind, &kind.default_template())
                .unwrap_or_else(|e| panic!("{}: {e}", kind.key()));
            let text = text_of(&doc);
            assert_eq!(doc.title().as_deref(), Some("测试区鼓楼街道办事处"));
            assert!(text.contains(kind.title()), "{}: {text}", kind.key());
            assert!(
                text.contains(&format!("鼓楼公{}〔2025〕12号", kind.number_code())),
                "{text}"
            );
            assert!(text.contains("联系人：王老师"), "{text}");
            assert!(text.contains("2025年3月20日"), "{text}");
            assert!(!text.contains("{{") && !text.contains("{%"), "{text}");
            assert_eq!(LetterKind::parse_key(&kind.key()), Some(kind));
        }
        assert_eq!(LetterKind::all().len(), 4 + 21);
    }

    #[test]
    fn every_answer_carries_the_remedy_notice_and_its_basis() {
        for outcome in Outcome::ALL {
            let kind = LetterKind::Answer(outcome);
            let text =
                text_of(&render_letter(&kind.default_template(), &sample_context(kind)).unwrap());
            assert!(
                text.contains("六十日内向测试区人民政府申请行政复议"),
                "{}: {text}",
                outcome.id()
            );
            assert!(text.contains("行政复议法"), "{text}");
            if reconsideration_first(outcome) {
                assert!(text.contains("应当先申请行政复议"), "{text}");
                assert!(text.contains("十五日内向测试区人民法院"), "{text}");
            } else {
                assert!(text.contains("六个月内向测试区人民法院"), "{text}");
            }
            if let Some(basis) = outcome.basis() {
                assert!(text.contains(&basis.text()), "{}: {text}", outcome.id());
            }
        }
    }

    #[test]
    fn answers_say_what_they_must() {
        let kind = LetterKind::Answer(Outcome::PartlyDisclosed);
        let text =
            text_of(&render_letter(&kind.default_template(), &sample_context(kind)).unwrap());
        assert!(text.contains("区分处理"), "{text}");
        assert!(text.contains("理由：涉及第三方商业秘密"), "{text}");
        assert!(text.contains("通过电子邮件方式向您提供"), "{text}");
        assert!(
            text.contains("1. 2024年老旧小区改造资金使用情况表"),
            "{text}"
        );
        let kind = LetterKind::Answer(Outcome::Unavailable(UnavailableReason::NotHeld));
        let text =
            text_of(&render_letter(&kind.default_template(), &sample_context(kind)).unwrap());
        assert!(
            text.contains("测试区住房和城乡建设局，联系方式：0537-2222222"),
            "{text}"
        );
        let text = text_of(
            &render_letter(
                &LetterKind::Correction.default_template(),
                &sample_context(LetterKind::Correction),
            )
            .unwrap(),
        );
        assert!(text.contains("1. 所需信息的文件名称或文号"), "{text}");
        assert!(text.contains("2. 所需信息的时间范围"), "{text}");
        let text = text_of(
            &render_letter(
                &LetterKind::Extension.default_template(),
                &sample_context(LetterKind::Extension),
            )
            .unwrap(),
        );
        assert!(text.contains("负责人李主任同意"), "{text}");
        assert!(text.contains("延长20个工作日"), "{text}");
        let text = text_of(
            &render_letter(
                &LetterKind::Fee.default_template(),
                &sample_context(LetterKind::Fee),
            )
            .unwrap(),
        );
        assert!(text.contains("信息处理费100元（按件计收）"), "{text}");
    }

    #[test]
    fn a_broken_template_gives_a_chinese_error_with_its_line_and_the_default_still_works() {
        let kind = LetterKind::Answer(Outcome::Disclosed);
        let broken = "# {{ agency.name }}\n{{ remedy }}\n{% if answer.outcome %}\n未闭合";
        let e = check_template(kind, broken).unwrap_err();
        assert!(e.to_string().starts_with("模板第"), "{e}");
        assert!(e.to_string().contains("语法错误"), "{e}");
        assert!(e.line.is_some());
        let typo = "# 答复\n{{ remedy }}\n{{ applicant.nmae }}";
        let e = check_template(kind, typo).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.to_string().contains("不存在的变量"), "{e}");
        let no_remedy = "# 答复\n{{ applicant.name }}";
        assert!(check_template(kind, no_remedy)
            .unwrap_err()
            .to_string()
            .contains("救济途径"));
        assert!(check_template(kind, "  ").is_err());
        let endless = "{{ remedy }}{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}";
        assert!(check_template(kind, endless).is_err());
        assert!(check_template(kind, &kind.default_template()).is_ok());
    }

    #[test]
    fn letter_numbers_and_settings_defaults() {
        assert_eq!(
            letter_number("××公", LetterKind::Answer(Outcome::Disclosed), 2025, 12),
            "××公复〔2025〕12号"
        );
        let s = LetterSettings::default().or_defaults("鼓楼街道");
        assert_eq!(s.abbreviation, "鼓楼街道公");
        assert_eq!(s.court, "有管辖权的人民法院");
        assert_eq!(date_zh(time::macros::date!(2025 - 03 - 03)), "2025年3月3日");
    }
}

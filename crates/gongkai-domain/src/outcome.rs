//! The outcome (办理结果) of a disclosure application: one taxonomy for the
//! decision, the answer letter and the annual report.
//!
//! Every outcome is one result row of table 三 of the annual report (2021
//! format), and its id *is* that row's id (`partly_disclosed`,
//! `withheld.third_party_rights`, `other.correction_overdue`, …; see
//! `shared/spec/report-json.md`). Ids and Chinese labels are not spelled here:
//! they are taken from `gongkai_report::labels::APPLICATION_ROWS`, where every
//! label of the report is defined once. The 条例 article behind each outcome
//! (for letters) follows the outcome table of `shared/spec/applications.md`.
//!
//! Serialised (serde, `Display`, `FromStr`) as the id string.

use std::fmt;
use std::str::FromStr;

use gongkai_report::labels::{self, ApplicationRowSpec};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// 不予公开: the eight reasons of table 三 （三）.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WithholdReason {
    /// 1. 属于国家秘密 (Art. 14).
    StateSecret,
    /// 2. 其他法律行政法规禁止公开 (Art. 14).
    ForbiddenByLaw,
    /// 3. 危及“三安全一稳定” (Art. 14).
    ThreeSecurityOneStability,
    /// 4. 保护第三方合法权益 (Art. 15, 32).
    ThirdPartyRights,
    /// 5. 属于三类内部事务信息 (Art. 16 ¶1).
    InternalAffairs,
    /// 6. 属于四类过程性信息 (Art. 16 ¶2).
    ProcessInformation,
    /// 7. 属于行政执法案卷 (Art. 16 ¶2).
    EnforcementCaseFile,
    /// 8. 属于行政查询事项 (Art. 36(7)).
    AdministrativeInquiry,
}

impl WithholdReason {
    pub const ALL: [WithholdReason; 8] = [
        WithholdReason::StateSecret,
        WithholdReason::ForbiddenByLaw,
        WithholdReason::ThreeSecurityOneStability,
        WithholdReason::ThirdPartyRights,
        WithholdReason::InternalAffairs,
        WithholdReason::ProcessInformation,
        WithholdReason::EnforcementCaseFile,
        WithholdReason::AdministrativeInquiry,
    ];

    fn ordinal(self) -> usize {
        match self {
            WithholdReason::StateSecret => 0,
            WithholdReason::ForbiddenByLaw => 1,
            WithholdReason::ThreeSecurityOneStability => 2,
            WithholdReason::ThirdPartyRights => 3,
            WithholdReason::InternalAffairs => 4,
            WithholdReason::ProcessInformation => 5,
            WithholdReason::EnforcementCaseFile => 6,
            WithholdReason::AdministrativeInquiry => 7,
        }
    }
}

/// 无法提供: the three reasons of table 三 （四）.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnavailableReason {
    /// 1. 本机关不掌握相关政府信息 (Art. 36(4)(5)).
    NotHeld,
    /// 2. 没有现成信息需要另行制作 (Art. 38).
    NeedsCreation,
    /// 3. 补正后申请内容仍不明确 (Art. 30).
    UnclearAfterCorrection,
}

impl UnavailableReason {
    pub const ALL: [UnavailableReason; 3] = [
        UnavailableReason::NotHeld,
        UnavailableReason::NeedsCreation,
        UnavailableReason::UnclearAfterCorrection,
    ];

    fn ordinal(self) -> usize {
        match self {
            UnavailableReason::NotHeld => 0,
            UnavailableReason::NeedsCreation => 1,
            UnavailableReason::UnclearAfterCorrection => 2,
        }
    }
}

/// 不予处理: the five reasons of table 三 （五）.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NotProcessedReason {
    /// 1. 信访举报投诉类申请 (Art. 39 ¶1).
    Petition,
    /// 2. 重复申请 (Art. 36(6)).
    Repeated,
    /// 3. 要求提供公开出版物 (Art. 39 ¶2).
    PublishedMaterial,
    /// 4. 无正当理由大量反复申请 (Art. 35).
    Excessive,
    /// 5. 要求行政机关确认或重新出具已获取信息 (practice).
    Reconfirmation,
}

impl NotProcessedReason {
    pub const ALL: [NotProcessedReason; 5] = [
        NotProcessedReason::Petition,
        NotProcessedReason::Repeated,
        NotProcessedReason::PublishedMaterial,
        NotProcessedReason::Excessive,
        NotProcessedReason::Reconfirmation,
    ];

    fn ordinal(self) -> usize {
        match self {
            NotProcessedReason::Petition => 0,
            NotProcessedReason::Repeated => 1,
            NotProcessedReason::PublishedMaterial => 2,
            NotProcessedReason::Excessive => 3,
            NotProcessedReason::Reconfirmation => 4,
        }
    }
}

/// 其他处理: the three reasons of table 三 （六） (2021 format).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OtherReason {
    /// 1. The applicant did not correct in time (Art. 30): deemed abandoned.
    CorrectionOverdue,
    /// 2. The applicant did not pay the fee in time (fee rules): deemed abandoned.
    FeeOverdue,
    /// 3. Anything else, e.g. withdrawn by the applicant.
    Other,
}

impl OtherReason {
    pub const ALL: [OtherReason; 3] = [
        OtherReason::CorrectionOverdue,
        OtherReason::FeeOverdue,
        OtherReason::Other,
    ];

    fn ordinal(self) -> usize {
        match self {
            OtherReason::CorrectionOverdue => 0,
            OtherReason::FeeOverdue => 1,
            OtherReason::Other => 2,
        }
    }
}

/// The outcome of an application: exactly one result row of table 三.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// （一）予以公开, also "already public, here is where" (Art. 36(1)(2)).
    Disclosed,
    /// （二）部分公开 after separating (区分处理, Art. 37).
    PartlyDisclosed,
    /// （三）不予公开.
    Withheld(WithholdReason),
    /// （四）无法提供.
    Unavailable(UnavailableReason),
    /// （五）不予处理.
    NotProcessed(NotProcessedReason),
    /// （六）其他处理.
    OtherHandling(OtherReason),
}

/// Number of outcomes (result rows （一）–（六） of table 三).
pub const OUTCOME_COUNT: usize = 21;

/// The report's row specs of the 21 outcomes, copied at compile time from
/// `APPLICATION_ROWS[RESULT_ROWS]` (an out-of-range index fails the build).
const SPECS: [ApplicationRowSpec; OUTCOME_COUNT] = {
    let first = labels::RESULT_ROWS.start;
    let mut out = [labels::APPLICATION_ROWS[first]; OUTCOME_COUNT];
    let mut i = 0;
    while i < OUTCOME_COUNT {
        out[i] = labels::APPLICATION_ROWS[first + i];
        i += 1;
    }
    out
};

// The report's result rows are exactly the outcomes.
const _: () = assert!(labels::RESULT_ROWS.end - labels::RESULT_ROWS.start == OUTCOME_COUNT);

/// The main 条例 (for [`LegalBasis::instrument`]).
pub const REGULATIONS: &str = "《中华人民共和国政府信息公开条例》";
/// The fee rules (国办函〔2020〕109号).
pub const FEE_RULES: &str = "《政府信息公开信息处理费管理办法》";

/// Where an outcome stands in law, for answer letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct LegalBasis {
    /// The instrument, e.g. `《中华人民共和国政府信息公开条例》`.
    pub instrument: &'static str,
    /// Article and item, e.g. `第三十六条第（四）项、第（五）项`; `None` when the
    /// instrument as a whole is the basis.
    pub provisions: Option<&'static str>,
}

impl LegalBasis {
    const fn regulations(provisions: &'static str) -> Self {
        LegalBasis {
            instrument: REGULATIONS,
            provisions: Some(provisions),
        }
    }

    /// The citation as printed in a letter, e.g. `《中华人民共和国政府信息公开条例》第三十七条`.
    pub fn text(&self) -> String {
        match self.provisions {
            Some(p) => format!("{}{p}", self.instrument),
            None => self.instrument.to_string(),
        }
    }
}

impl fmt::Display for LegalBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// An outcome id that is not a result row of table 三.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
    #[error("办理结果（outcome）「{0}」不存在，应为年度报告表三的结果行编号，如 disclosed、partly_disclosed、withheld.third_party_rights")]
    Unknown(String),
}

impl Outcome {
    /// Every outcome, in the order of table 三.
    pub const ALL: [Outcome; OUTCOME_COUNT] = [
        Outcome::Disclosed,
        Outcome::PartlyDisclosed,
        Outcome::Withheld(WithholdReason::StateSecret),
        Outcome::Withheld(WithholdReason::ForbiddenByLaw),
        Outcome::Withheld(WithholdReason::ThreeSecurityOneStability),
        Outcome::Withheld(WithholdReason::ThirdPartyRights),
        Outcome::Withheld(WithholdReason::InternalAffairs),
        Outcome::Withheld(WithholdReason::ProcessInformation),
        Outcome::Withheld(WithholdReason::EnforcementCaseFile),
        Outcome::Withheld(WithholdReason::AdministrativeInquiry),
        Outcome::Unavailable(UnavailableReason::NotHeld),
        Outcome::Unavailable(UnavailableReason::NeedsCreation),
        Outcome::Unavailable(UnavailableReason::UnclearAfterCorrection),
        Outcome::NotProcessed(NotProcessedReason::Petition),
        Outcome::NotProcessed(NotProcessedReason::Repeated),
        Outcome::NotProcessed(NotProcessedReason::PublishedMaterial),
        Outcome::NotProcessed(NotProcessedReason::Excessive),
        Outcome::NotProcessed(NotProcessedReason::Reconfirmation),
        Outcome::OtherHandling(OtherReason::CorrectionOverdue),
        Outcome::OtherHandling(OtherReason::FeeOverdue),
        Outcome::OtherHandling(OtherReason::Other),
    ];

    /// Position among the outcomes (0..21), in the order of table 三.
    pub fn ordinal(self) -> usize {
        match self {
            Outcome::Disclosed => 0,
            Outcome::PartlyDisclosed => 1,
            Outcome::Withheld(r) => 2 + r.ordinal(),
            Outcome::Unavailable(r) => 10 + r.ordinal(),
            Outcome::NotProcessed(r) => 13 + r.ordinal(),
            Outcome::OtherHandling(r) => 18 + r.ordinal(),
        }
    }

    /// Index of this outcome's row in `gongkai_report::labels::APPLICATION_ROWS`
    /// (and in `AnnualReport::applications`).
    pub fn row_index(self) -> usize {
        labels::RESULT_ROWS.start + self.ordinal()
    }

    fn spec(self) -> &'static ApplicationRowSpec {
        // `ordinal()` is below OUTCOME_COUNT by construction.
        &SPECS[self.ordinal() % OUTCOME_COUNT]
    }

    /// The report row id, e.g. `withheld.third_party_rights`.
    pub fn id(self) -> &'static str {
        self.spec().id
    }

    /// The outcome of a report row id. Surrounding whitespace is ignored.
    pub fn parse(id: &str) -> Result<Outcome, OutcomeError> {
        let wanted = id.trim();
        Outcome::ALL
            .into_iter()
            .find(|o| o.id() == wanted)
            .ok_or_else(|| OutcomeError::Unknown(id.to_string()))
    }

    /// The row label as printed in the report (2021 format), e.g.
    /// `4.保护第三方合法权益` or `（一）予以公开`.
    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// The row with its group number, e.g. `（三）4.保护第三方合法权益`.
    pub fn location(self) -> String {
        labels::row_location(gongkai_report::Format::F2021, self.row_index())
    }

    /// The decision category without numbering: `予以公开`, `部分公开`,
    /// `不予公开`, `无法提供`, `不予处理` or `其他处理`.
    pub fn category_zh(self) -> &'static str {
        let printed = match self {
            Outcome::Disclosed | Outcome::PartlyDisclosed => self.label(),
            Outcome::Withheld(_) => labels::RESULT_GROUPS[0],
            Outcome::Unavailable(_) => labels::RESULT_GROUPS[1],
            Outcome::NotProcessed(_) => labels::RESULT_GROUPS[2],
            Outcome::OtherHandling(_) => labels::RESULT_GROUPS[labels::OTHER_GROUP],
        };
        strip_trailing_note(strip_numbering(printed))
    }

    /// The reason without numbering (`保护第三方合法权益`); `None` for
    /// 予以公开 and 部分公开, which have no reason.
    pub fn reason_zh(self) -> Option<&'static str> {
        match self {
            Outcome::Disclosed | Outcome::PartlyDisclosed => None,
            _ => Some(strip_numbering(self.label())),
        }
    }

    /// Category and reason in one phrase for lists and letters, e.g.
    /// `不予公开（保护第三方合法权益）` or `部分公开`.
    pub fn summary_zh(self) -> String {
        match self.reason_zh() {
            Some(reason) => format!("{}（{reason}）", self.category_zh()),
            None => self.category_zh().to_string(),
        }
    }

    /// The legal basis cited in the answer letter; `None` where neither the
    /// 条例 nor the fee rules name the case (5. 要求确认或重新出具, which rests
    /// on practice, and 3. 其他, e.g. a withdrawal).
    pub fn basis(self) -> Option<LegalBasis> {
        let regs = LegalBasis::regulations;
        Some(match self {
            Outcome::Disclosed => regs("第三十六条第（一）项、第（二）项"),
            Outcome::PartlyDisclosed => regs("第三十七条"),
            Outcome::Withheld(r) => match r {
                WithholdReason::StateSecret
                | WithholdReason::ForbiddenByLaw
                | WithholdReason::ThreeSecurityOneStability => regs("第十四条"),
                WithholdReason::ThirdPartyRights => regs("第十五条、第三十二条"),
                WithholdReason::InternalAffairs => regs("第十六条第一款"),
                WithholdReason::ProcessInformation | WithholdReason::EnforcementCaseFile => {
                    regs("第十六条第二款")
                }
                WithholdReason::AdministrativeInquiry => regs("第三十六条第（七）项"),
            },
            Outcome::Unavailable(r) => match r {
                UnavailableReason::NotHeld => regs("第三十六条第（四）项、第（五）项"),
                UnavailableReason::NeedsCreation => regs("第三十八条"),
                UnavailableReason::UnclearAfterCorrection => regs("第三十条"),
            },
            Outcome::NotProcessed(r) => match r {
                NotProcessedReason::Petition => regs("第三十九条第一款"),
                NotProcessedReason::Repeated => regs("第三十六条第（六）项"),
                NotProcessedReason::PublishedMaterial => regs("第三十九条第二款"),
                NotProcessedReason::Excessive => regs("第三十五条"),
                NotProcessedReason::Reconfirmation => return None,
            },
            Outcome::OtherHandling(r) => match r {
                OtherReason::CorrectionOverdue => regs("第三十条"),
                OtherReason::FeeOverdue => LegalBasis {
                    instrument: FEE_RULES,
                    provisions: None,
                },
                OtherReason::Other => return None,
            },
        })
    }

    /// Whether the information (or part of it) is released.
    pub fn releases_information(self) -> bool {
        matches!(self, Outcome::Disclosed | Outcome::PartlyDisclosed)
    }

    /// Whether the applicant's own inaction ended the application (deemed
    /// abandoned: correction or fee not done in time).
    pub fn is_abandonment(self) -> bool {
        matches!(
            self,
            Outcome::OtherHandling(OtherReason::CorrectionOverdue | OtherReason::FeeOverdue)
        )
    }
}

/// Drops a leading `（一）` or `4.` numbering.
fn strip_numbering(label: &'static str) -> &'static str {
    if let Some(rest) = label.strip_prefix('（') {
        if let Some(pos) = rest.find('）') {
            return &rest[pos + '）'.len_utf8()..];
        }
        return label;
    }
    let digits = label.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() < label.len() {
        if let Some(rest) = digits.strip_prefix('.') {
            return rest;
        }
    }
    label
}

/// Drops a trailing parenthesised note, as in `部分公开（区分处理的，…）`.
fn strip_trailing_note(label: &'static str) -> &'static str {
    if label.ends_with('）') {
        if let Some(pos) = label.find('（') {
            if pos > 0 {
                return &label[..pos];
            }
        }
    }
    label
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Outcome {
    type Err = OutcomeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Outcome::parse(s)
    }
}

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Outcome {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Outcome::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_follow_all() {
        for (i, o) in Outcome::ALL.iter().enumerate() {
            assert_eq!(o.ordinal(), i);
        }
    }

    #[test]
    fn strips() {
        assert_eq!(strip_numbering("（一）予以公开"), "予以公开");
        assert_eq!(strip_numbering("12.重复申请"), "重复申请");
        assert_eq!(strip_numbering("重复申请"), "重复申请");
        assert_eq!(strip_numbering("1重复申请"), "1重复申请");
        assert_eq!(strip_trailing_note("部分公开（区分处理的）"), "部分公开");
        assert_eq!(strip_trailing_note("（x）"), "（x）");
    }
}

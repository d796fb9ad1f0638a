//! Typed details of a clock event: what its notice or answer letter says.
//!
//! The clock ([`crate::clock`]) only needs dates and kinds; the letters need
//! more: the items a 补正 notice asks for, whom the agency consulted, the fee
//! and how it was computed, and the answer's legal basis, reasons and
//! delivery. [`EventDetails`] carries them, stored in the event's payload
//! next to the event (older rows have none: every field is optional and
//! defaults to empty).
//!
//! [`DetailsInput`] is what a form or the API sends; [`validate_details`]
//! checks it against the event kind and the outcome and computes what the
//! rules fix (the fee from [`crate::fees`], the legal basis from
//! [`Outcome::basis`]). Errors are Chinese and name the field.
//!
//! JSON shape (all fields optional, only those of the event's kind allowed):
//! ```json
//! {"items": ["…"], "correction_deadline": "2025-03-20",          // correction_requested
//!  "party_name": "某公司", "party_contact": "0537-1234567",       // consultation_started
//!  "fee_method": "per_application|per_page", "fee_quantity": 12,  // fee_notice
//!  "fee_amount_yuan": 100, "fee_basis": ["…"],                     // fee_notice (computed)
//!  "legal_basis": "《…条例》第三十七条",                             // answered (default from the outcome)
//!  "delivery_method": "电子邮件", "delivery_on": "2025-03-20",
//!  "public_location": "https://…", "competent_agency": "…", "competent_contact": "…",
//!  "attachments": ["…"],
//!  "transferred_to": "…", "transferred_from": "…", "transfer_tracking_code": "…"}   // transfers
//! ```

use serde::{Deserialize, Serialize};
use time::Date;

use crate::clock::EventKindName;
use crate::fees::{assess_per_application, assess_per_page, FeeMethod};
use crate::outcome::{Outcome, UnavailableReason};

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");
const DATE_FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Longest free-text field (characters).
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Most items of a 补正 notice or attachments of an answer.
pub const MAX_LIST_ITEMS: usize = 50;

/// Details of one event as stored. Empty fields are left out of the JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDetails {
    /// 补正: everything the applicant must correct (one notice, Art. 30).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// 补正: the reasonable deadline given to the applicant.
    #[serde(
        default,
        with = "iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub correction_deadline: Option<Date>,
    /// 征求意见: the third party or co-author agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_contact: Option<String>,
    /// 收费: the method and the quantity it was computed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_method: Option<FeeMethod>,
    /// Applications of the applicant this calendar month (this one included), or pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_quantity: Option<u32>,
    /// Computed by the fee rules, never typed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_amount_yuan: Option<u64>,
    /// How the amount was computed, one step per line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fee_basis: Vec<String>,
    /// 答复: the citation printed in the letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    /// 答复: how the information is delivered (e.g. 电子邮件、邮寄纸质件、当面领取).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_method: Option<String>,
    #[serde(
        default,
        with = "iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub delivery_on: Option<Date>,
    /// 答复: where the information is already public (Art. 36(1)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_location: Option<String>,
    /// 答复 "not this agency's" (Art. 36(5)): the competent agency and its contacts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competent_agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competent_contact: Option<String>,
    /// 答复: the documents released.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<String>,
    /// Transfer: the receiving agency (on the sender's answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferred_to: Option<String>,
    /// Transfer: the new application's tracking code (on the sender's answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_tracking_code: Option<String>,
    /// Transfer: the sending agency (on the receiver's `received` event).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transferred_from: Option<String>,
}

impl EventDetails {
    pub fn is_empty(&self) -> bool {
        self == &EventDetails::default()
    }
}

/// Details as typed into a form or sent to the API, before validation.
/// Text fields are trimmed; blank counts as absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct DetailsInput {
    #[serde(default)]
    pub items: Vec<String>,
    pub correction_deadline: Option<String>,
    pub party_name: Option<String>,
    pub party_contact: Option<String>,
    /// `per_application` or `per_page`.
    pub fee_method: Option<String>,
    pub fee_quantity: Option<u32>,
    pub legal_basis: Option<String>,
    pub delivery_method: Option<String>,
    pub delivery_on: Option<String>,
    pub public_location: Option<String>,
    pub competent_agency: Option<String>,
    pub competent_contact: Option<String>,
    #[serde(default)]
    pub attachments: Vec<String>,
}

impl DetailsInput {
    /// Splits a textarea into items: one per line, blank lines dropped.
    pub fn lines(text: &str) -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// Bad details: the field (as named in the API) and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("字段 details.{field}：{message}")]
pub struct DetailsError {
    pub field: &'static str,
    pub message: String,
}

fn err(field: &'static str, message: impl Into<String>) -> DetailsError {
    DetailsError {
        field,
        message: message.into(),
    }
}

fn text(field: &'static str, value: &Option<String>) -> Result<Option<String>, DetailsError> {
    let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > MAX_TEXT_CHARS {
        return Err(err(field, format!("不能超过{MAX_TEXT_CHARS}个字符")));
    }
    Ok(Some(v.to_string()))
}

fn list(field: &'static str, values: &[String]) -> Result<Vec<String>, DetailsError> {
    let out: Vec<String> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect();
    if out.len() > MAX_LIST_ITEMS {
        return Err(err(field, format!("最多{MAX_LIST_ITEMS}项")));
    }
    if let Some(long) = out.iter().find(|v| v.chars().count() > MAX_TEXT_CHARS) {
        let head: String = long.chars().take(10).collect();
        return Err(err(field, format!("“{head}…”超过{MAX_TEXT_CHARS}个字符")));
    }
    Ok(out)
}

fn date(field: &'static str, value: &Option<String>) -> Result<Option<Date>, DetailsError> {
    let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    Date::parse(v, DATE_FORMAT)
        .map(Some)
        .map_err(|_| err(field, format!("日期“{v}”无效，格式应为 YYYY-MM-DD")))
}

/// Which fields belong to which event kind (for "not allowed here" errors).
fn allowed(kind: EventKindName, field: &str) -> bool {
    use EventKindName as K;
    match field {
        "items" | "correction_deadline" => kind == K::CorrectionRequested,
        "party_name" | "party_contact" => kind == K::ConsultationStarted,
        "fee_method" | "fee_quantity" => kind == K::FeeNotice,
        _ => kind == K::Answered,
    }
}

/// Checks `input` for an event of `kind` on `on` (with `outcome` for an
/// answer) and computes the fee and the legal basis.
///
/// `None` (no details sent) is accepted for every kind, so that older
/// clients and rows keep working; the letters then say 未登记 where a detail
/// is missing. Sent details must be complete for their kind:
/// - `correction_requested`: at least one item; the deadline, if any, after the notice;
/// - `consultation_started`: the party's name;
/// - `fee_notice`: the method and quantity, and the rules must give a fee above 0;
/// - `answered`: reasons for anything withheld (部分公开, 不予公开); for 予以公开 and
///   部分公开 a delivery (method and date) or the place it is already public; a
///   competent agency only with 无法提供（本机关不掌握）, and then its contacts.
pub fn validate_details(
    kind: EventKindName,
    on: Date,
    outcome: Option<Outcome>,
    reason: Option<&str>,
    input: Option<&DetailsInput>,
) -> Result<Option<EventDetails>, DetailsError> {
    let Some(input) = input else {
        return Ok(None);
    };
    let present: [(&'static str, bool); 13] = [
        ("items", input.items.iter().any(|i| !i.trim().is_empty())),
        ("correction_deadline", filled(&input.correction_deadline)),
        ("party_name", filled(&input.party_name)),
        ("party_contact", filled(&input.party_contact)),
        ("fee_method", filled(&input.fee_method)),
        ("fee_quantity", input.fee_quantity.is_some()),
        ("legal_basis", filled(&input.legal_basis)),
        ("delivery_method", filled(&input.delivery_method)),
        ("delivery_on", filled(&input.delivery_on)),
        ("public_location", filled(&input.public_location)),
        ("competent_agency", filled(&input.competent_agency)),
        ("competent_contact", filled(&input.competent_contact)),
        (
            "attachments",
            input.attachments.iter().any(|i| !i.trim().is_empty()),
        ),
    ];
    let with_letter = matches!(
        kind,
        EventKindName::CorrectionRequested
            | EventKindName::ConsultationStarted
            | EventKindName::FeeNotice
            | EventKindName::Answered
    );
    if let Some((field, _)) = present
        .iter()
        .find(|(field, given)| *given && !(with_letter && allowed(kind, field)))
    {
        return Err(err(field, format!("{}事件不登记此项", kind.label_zh())));
    }
    let mut d = EventDetails::default();
    match kind {
        EventKindName::CorrectionRequested => {
            d.items = list("items", &input.items)?;
            if d.items.is_empty() {
                return Err(err(
                    "items",
                    "补正告知须一次性列明需要补正的全部事项（条例第三十条），至少填写一项",
                ));
            }
            d.correction_deadline = date("correction_deadline", &input.correction_deadline)?;
            if d.correction_deadline.is_some_and(|deadline| deadline <= on) {
                return Err(err("correction_deadline", "补正期限应晚于补正告知日期"));
            }
        }
        EventKindName::ConsultationStarted => {
            d.party_name = text("party_name", &input.party_name)?;
            if d.party_name.is_none() {
                return Err(err(
                    "party_name",
                    "请填写被征求意见的第三方或共同制作机关名称",
                ));
            }
            d.party_contact = text("party_contact", &input.party_contact)?;
        }
        EventKindName::FeeNotice => {
            let method = match input.fee_method.as_deref().map(str::trim) {
                Some("per_application") => FeeMethod::PerApplication,
                Some("per_page") => FeeMethod::PerPage,
                None | Some("") => {
                    return Err(err(
                        "fee_method",
                        "请选择计收方式：per_application（按件计收）或 per_page（按量计收）",
                    ))
                }
                Some(other) => {
                    return Err(err(
                        "fee_method",
                        format!(
                        "“{other}”无效，应为 per_application（按件计收）或 per_page（按量计收）"
                    ),
                    ))
                }
            };
            let quantity = input.fee_quantity.ok_or_else(|| {
                err(
                    "fee_quantity",
                    "请填写同一申请人本月申请件数（按件）或页数（按量）",
                )
            })?;
            let (amount, basis) = match method {
                FeeMethod::PerApplication => {
                    let a = assess_per_application(quantity)
                        .map_err(|e| err("fee_quantity", e.to_string()))?;
                    (a.this_application_yuan.unwrap_or(0), a.explanation)
                }
                FeeMethod::PerPage => {
                    let a = assess_per_page(quantity);
                    (a.amount_yuan, a.explanation)
                }
            };
            if amount == 0 {
                return Err(err(
                    "fee_quantity",
                    format!(
                        "按{}标准本件不收费（{}），无需发出收费通知",
                        method.label_zh(),
                        basis.join("；")
                    ),
                ));
            }
            d.fee_method = Some(method);
            d.fee_quantity = Some(quantity);
            d.fee_amount_yuan = Some(amount);
            d.fee_basis = basis;
        }
        EventKindName::Answered => {
            let Some(outcome) = outcome else {
                return Err(err("outcome", "答复须注明办理结果"));
            };
            d.legal_basis = text("legal_basis", &input.legal_basis)?
                .or_else(|| outcome.basis().map(|b| b.text()));
            d.delivery_method = text("delivery_method", &input.delivery_method)?;
            d.delivery_on = date("delivery_on", &input.delivery_on)?;
            d.public_location = text("public_location", &input.public_location)?;
            d.competent_agency = text("competent_agency", &input.competent_agency)?;
            d.competent_contact = text("competent_contact", &input.competent_contact)?;
            d.attachments = list("attachments", &input.attachments)?;
            let withholds = matches!(outcome, Outcome::PartlyDisclosed | Outcome::Withheld(_));
            if withholds && reason.is_none_or(|r| r.trim().is_empty()) {
                return Err(DetailsError {
                    field: "reason",
                    message: format!(
                        "{}须说明不予公开部分的理由（条例第三十六条）",
                        outcome.summary_zh()
                    ),
                });
            }
            if outcome.releases_information() {
                if d.public_location.is_none() && d.delivery_method.is_none() {
                    return Err(err(
                        "delivery_method",
                        "予以公开或部分公开的，须填写提供方式和日期，或已公开信息的获取途径（public_location）",
                    ));
                }
                if d.delivery_method.is_some() && d.delivery_on.is_none() {
                    return Err(err("delivery_on", "请填写提供信息的日期"));
                }
                if d.delivery_on.is_some_and(|day| day < on) {
                    return Err(err("delivery_on", "提供信息的日期不能早于答复日期"));
                }
            } else if d.delivery_method.is_some() || d.delivery_on.is_some() {
                let field = if d.delivery_method.is_some() {
                    "delivery_method"
                } else {
                    "delivery_on"
                };
                return Err(err(
                    field,
                    format!("{}不提供信息，不登记提供方式", outcome.summary_zh()),
                ));
            }
            let not_held = outcome == Outcome::Unavailable(UnavailableReason::NotHeld);
            if d.competent_agency.is_some() && !not_held {
                return Err(err(
                    "competent_agency",
                    "只有“无法提供（本机关不掌握相关政府信息）”的答复才告知负责公开的机关",
                ));
            }
            if d.competent_contact.is_some() && d.competent_agency.is_none() {
                return Err(err(
                    "competent_agency",
                    "填写了联系方式，请同时填写负责公开该信息的机关名称",
                ));
            }
            if d.competent_agency.is_some() && d.competent_contact.is_none() {
                return Err(err(
                    "competent_contact",
                    "告知负责公开的机关时须一并告知其联系方式（条例第三十六条第（五）项）",
                ));
            }
        }
        _ => {}
    }
    Ok((!d.is_empty()).then_some(d))
}

fn filled(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn run(
        kind: EventKindName,
        outcome: Option<&str>,
        reason: Option<&str>,
        input: DetailsInput,
    ) -> Result<Option<EventDetails>, DetailsError> {
        let outcome = outcome.map(|o| Outcome::parse(o).unwrap());
        validate_details(kind, date!(2025 - 03 - 10), outcome, reason, Some(&input))
    }

    #[test]
    fn absent_details_are_accepted_for_compatibility() {
        for kind in EventKindName::ALL {
            assert_eq!(
                validate_details(kind, date!(2025 - 03 - 10), None, None, None),
                Ok(None)
            );
        }
    }

    #[test]
    fn correction_needs_items_and_a_later_deadline() {
        let e = run(
            EventKindName::CorrectionRequested,
            None,
            None,
            DetailsInput::default(),
        )
        .unwrap_err();
        assert_eq!(e.field, "items");
        assert!(e.to_string().contains("details.items"), "{e}");
        let ok = run(
            EventKindName::CorrectionRequested,
            None,
            None,
            DetailsInput {
                items: DetailsInput::lines("文件名称不明确\n\n  时间范围  \n"),
                correction_deadline: Some("2025-03-20".into()),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!(ok.items, vec!["文件名称不明确", "时间范围"]);
        let late = run(
            EventKindName::CorrectionRequested,
            None,
            None,
            DetailsInput {
                items: vec!["x".into()],
                correction_deadline: Some("2025-03-01".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(late.field, "correction_deadline");
    }

    #[test]
    fn fields_of_another_kind_are_refused() {
        let e = run(
            EventKindName::Withdrawn,
            None,
            None,
            DetailsInput {
                items: vec!["x".into()],
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "items");
        let e = run(
            EventKindName::FeeNotice,
            None,
            None,
            DetailsInput {
                party_name: Some("某公司".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "party_name");
    }

    #[test]
    fn fee_is_computed_by_the_rules() {
        let d = run(
            EventKindName::FeeNotice,
            None,
            None,
            DetailsInput {
                fee_method: Some("per_application".into()),
                fee_quantity: Some(31),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!(d.fee_amount_yuan, Some(200));
        assert!(!d.fee_basis.is_empty());
        let pages = run(
            EventKindName::FeeNotice,
            None,
            None,
            DetailsInput {
                fee_method: Some("per_page".into()),
                fee_quantity: Some(40),
                ..Default::default()
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!(pages.fee_amount_yuan, Some(100));
        let free = run(
            EventKindName::FeeNotice,
            None,
            None,
            DetailsInput {
                fee_method: Some("per_page".into()),
                fee_quantity: Some(30),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(free.field, "fee_quantity");
        assert!(free.message.contains("不收费"), "{free}");
    }

    #[test]
    fn answers_need_reasons_delivery_and_competent_agency_rules() {
        let partly = DetailsInput {
            delivery_method: Some("电子邮件".into()),
            delivery_on: Some("2025-03-11".into()),
            ..Default::default()
        };
        let e = run(
            EventKindName::Answered,
            Some("partly_disclosed"),
            None,
            partly.clone(),
        )
        .unwrap_err();
        assert_eq!(e.field, "reason");
        let d = run(
            EventKindName::Answered,
            Some("partly_disclosed"),
            Some("涉及个人隐私"),
            partly,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            d.legal_basis.as_deref(),
            Some("《中华人民共和国政府信息公开条例》第三十七条")
        );
        let e = run(
            EventKindName::Answered,
            Some("disclosed"),
            None,
            DetailsInput::default(),
        )
        .unwrap_err();
        assert_eq!(e.field, "delivery_method");
        let e = run(
            EventKindName::Answered,
            Some("unavailable.not_held"),
            None,
            DetailsInput {
                competent_agency: Some("测试区自然资源局".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "competent_contact");
        let e = run(
            EventKindName::Answered,
            Some("withheld.state_secret"),
            Some("国家秘密"),
            DetailsInput {
                competent_agency: Some("x".into()),
                competent_contact: Some("y".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(e.field, "competent_agency");
    }

    #[test]
    fn stored_json_is_backwards_compatible() {
        let d: EventDetails = serde_json::from_str("{}").unwrap();
        assert!(d.is_empty());
        let d = EventDetails {
            items: vec!["a".into()],
            ..Default::default()
        };
        assert_eq!(serde_json::to_string(&d).unwrap(), r#"{"items":["a"]}"#);
    }
}

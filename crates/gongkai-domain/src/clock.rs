//! Statutory clock of a disclosure application (依申请公开的答复期限).
//!
//! An application is its ordered list of [`ApplicationEvent`]s. Its due date,
//! status and a day-by-day explanation in Chinese are a pure function of those
//! events, a working-day [`Calendar`], the [`ClockSettings`] and "today"
//! ([`compute_clock`]). When the calendar changes (a year imported or corrected),
//! [`recompute_open_deadlines`] recomputes every open application.
//!
//! Legal basis (see `shared/spec/applications.md`): 《政府信息公开条例》
//! Art. 30–34, 民法典 Art. 201 for counting, and the provincial fee rules under
//! 国办函〔2020〕109号. Each rule is cited where it is applied below.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use gongkai_calendar::{zh, Calendar, CalendarError, DayKind};
use serde::{Deserialize, Serialize};
use time::Date;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// 条例 Art. 33 ¶2: answer within 20 working days of receipt.
pub const ANSWER_WORKING_DAYS: u32 = 20;
/// 条例 Art. 33 ¶2: an extension adds at most 20 working days.
pub const MAX_EXTENSION_WORKING_DAYS: u32 = 20;
/// 条例 Art. 30: the 补正 notice goes out within 7 working days of receipt.
pub const CORRECTION_NOTICE_WORKING_DAYS: u32 = 7;
/// 条例 Art. 32 and 34: a third party or co-author agency has 15 working days.
pub const CONSULTATION_WORKING_DAYS: u32 = 15;
/// Provincial fee rules: payment within 20 working days from the day after the notice.
pub const FEE_PAYMENT_WORKING_DAYS: u32 = 20;
/// An open application due within this many working days is shown as due soon.
pub const DUE_SOON_WORKING_DAYS: i64 = 3;

/// How the application reached the agency; 条例 Art. 31 fixes the receipt date per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 当面提交: the day it is handed in.
    InPerson,
    /// 邮寄 with signature: the day the agency signs for it.
    SignedMail,
    /// 平常信函: the day the office confirms with the applicant.
    OrdinaryMail,
    /// 互联网: the day both sides confirm.
    Online,
    /// The office's 传真: the day both sides confirm.
    Fax,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::InPerson,
        Channel::SignedMail,
        Channel::OrdinaryMail,
        Channel::Online,
        Channel::Fax,
    ];

    /// The serialised name, e.g. `in_person`.
    pub fn name(self) -> &'static str {
        match self {
            Channel::InPerson => "in_person",
            Channel::SignedMail => "signed_mail",
            Channel::OrdinaryMail => "ordinary_mail",
            Channel::Online => "online",
            Channel::Fax => "fax",
        }
    }

    /// "当面", "邮寄", … as in the 受理 forms.
    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::InPerson => "当面",
            Channel::SignedMail => "邮寄",
            Channel::OrdinaryMail => "平常信函",
            Channel::Online => "互联网",
            Channel::Fax => "传真",
        }
    }

    /// What happened on the receipt date under 条例 Art. 31.
    pub fn receipt_zh(self) -> &'static str {
        match self {
            Channel::InPerson => "当面提交",
            Channel::SignedMail => "邮寄申请签收",
            Channel::OrdinaryMail => "平常信函经与申请人确认收到",
            Channel::Online => "互联网申请经双方确认",
            Channel::Fax => "传真申请经双方确认",
        }
    }

    /// The receipt-date rule of the channel, 条例 Art. 31, as forms explain it.
    pub fn receipt_rule_zh(self) -> &'static str {
        match self {
        Channel::InPerson => "申请人当面提交的，以提交之日为收到申请之日（条例第三十一条第一项）。",
        Channel::SignedMail => "以邮寄方式提交、需要签收的，以本机关签收之日为收到申请之日（条例第三十一条第二项）。",
        Channel::OrdinaryMail => "以平常信函等无需签收的方式邮寄的，政府信息公开工作机构应于收到信函当日与申请人确认，以确认之日为收到申请之日（条例第三十一条第二项）。",
        Channel::Online => "通过互联网渠道（如电子邮件，本平台在线申请以外）提交的，以双方确认之日为收到申请之日（条例第三十一条第三项）。",
        Channel::Fax => "通过政府信息公开工作机构的传真提交的，以双方确认之日为收到申请之日（条例第三十一条第三项）。",
        }
    }
}

impl FromStr for Channel {
    type Err = ClockError;

    /// Accepts `in_person` and `in-person` alike.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let normalised = text.trim().replace('-', "_");
        Channel::ALL
            .into_iter()
            .find(|channel| channel.name() == normalised)
            .ok_or_else(|| ClockError::UnknownChannel(text.to_owned()))
    }
}

/// Whom the agency consulted (征求意见).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsultationParty {
    /// A third party whose rights may be affected (条例 Art. 32).
    #[default]
    ThirdParty,
    /// Another agency that co-authored the information (条例 Art. 34).
    CoAuthor,
}

impl ConsultationParty {
    pub fn name(self) -> &'static str {
        match self {
            ConsultationParty::ThirdParty => "third_party",
            ConsultationParty::CoAuthor => "co_author",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ConsultationParty::ThirdParty => "第三方",
            ConsultationParty::CoAuthor => "共同制作机关",
        }
    }
}

impl FromStr for ConsultationParty {
    type Err = ClockError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().replace('-', "_").as_str() {
            "third_party" => Ok(ConsultationParty::ThirdParty),
            "co_author" => Ok(ConsultationParty::CoAuthor),
            _ => Err(ClockError::UnknownConsultationParty(text.to_owned())),
        }
    }
}

/// What happened. Serialised with a `kind` tag in snake_case, e.g.
/// `{"on": "2024-09-26", "kind": "received", "channel": "in_person"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// The application was received (date per 条例 Art. 31 and the channel).
    Received { channel: Channel },
    /// The 补正 notice went out.
    CorrectionRequested,
    /// The corrected application was received.
    CorrectionReceived,
    /// The applicant let the correction deadline pass: deemed abandoned.
    CorrectionExpired,
    /// The agency asked a third party or co-author agency for its opinion.
    ConsultationStarted {
        #[serde(default)]
        party: ConsultationParty,
    },
    /// The opinion arrived (or the agency closed the consultation).
    ConsultationEnded {
        #[serde(default)]
        party: ConsultationParty,
    },
    /// The head of the disclosure office approved an extension.
    ExtensionApproved { working_days: u32, approver: String },
    /// The fee notice went out.
    FeeNotice,
    /// The applicant paid.
    FeePaid,
    /// The applicant did not pay in time: deemed abandoned.
    FeeExpired,
    /// The agency answered.
    Answered,
    /// The applicant withdrew the application.
    Withdrawn,
    /// A reconsideration or court decision corrected (结果纠正) the answer:
    /// the application is open again for a fresh answer, with a new
    /// 20-working-day period counted from the day after the decision. Only
    /// recorded by the store with the case's result, never by hand.
    Reopened,
}

/// The kinds of event by name only (for parsers and forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKindName {
    Received,
    CorrectionRequested,
    CorrectionReceived,
    CorrectionExpired,
    ConsultationStarted,
    ConsultationEnded,
    ExtensionApproved,
    FeeNotice,
    FeePaid,
    FeeExpired,
    Answered,
    Withdrawn,
    Reopened,
}

impl EventKindName {
    pub const ALL: [EventKindName; 13] = [
        EventKindName::Received,
        EventKindName::CorrectionRequested,
        EventKindName::CorrectionReceived,
        EventKindName::CorrectionExpired,
        EventKindName::ConsultationStarted,
        EventKindName::ConsultationEnded,
        EventKindName::ExtensionApproved,
        EventKindName::FeeNotice,
        EventKindName::FeePaid,
        EventKindName::FeeExpired,
        EventKindName::Answered,
        EventKindName::Withdrawn,
        EventKindName::Reopened,
    ];

    /// The serialised name, e.g. `correction_requested`.
    pub fn name(self) -> &'static str {
        match self {
            EventKindName::Received => "received",
            EventKindName::CorrectionRequested => "correction_requested",
            EventKindName::CorrectionReceived => "correction_received",
            EventKindName::CorrectionExpired => "correction_expired",
            EventKindName::ConsultationStarted => "consultation_started",
            EventKindName::ConsultationEnded => "consultation_ended",
            EventKindName::ExtensionApproved => "extension_approved",
            EventKindName::FeeNotice => "fee_notice",
            EventKindName::FeePaid => "fee_paid",
            EventKindName::FeeExpired => "fee_expired",
            EventKindName::Answered => "answered",
            EventKindName::Withdrawn => "withdrawn",
            EventKindName::Reopened => "reopened",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            EventKindName::Received => "收到申请",
            EventKindName::CorrectionRequested => "补正告知",
            EventKindName::CorrectionReceived => "收到补正",
            EventKindName::CorrectionExpired => "补正逾期",
            EventKindName::ConsultationStarted => "开始征求意见",
            EventKindName::ConsultationEnded => "征求意见结束",
            EventKindName::ExtensionApproved => "批准延期",
            EventKindName::FeeNotice => "收费通知",
            EventKindName::FeePaid => "缴费",
            EventKindName::FeeExpired => "逾期未缴费",
            EventKindName::Answered => "答复",
            EventKindName::Withdrawn => "撤回申请",
            EventKindName::Reopened => "纠正后重新办理",
        }
    }
}

impl fmt::Display for EventKindName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for EventKindName {
    type Err = ClockError;

    /// Accepts `fee_notice` and `fee-notice` alike.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let normalised = text.trim().replace('-', "_");
        EventKindName::ALL
            .into_iter()
            .find(|kind| kind.name() == normalised)
            .ok_or_else(|| ClockError::UnknownEventKind(text.to_owned()))
    }
}

impl EventKind {
    pub fn kind_name(&self) -> EventKindName {
        match self {
            EventKind::Received { .. } => EventKindName::Received,
            EventKind::CorrectionRequested => EventKindName::CorrectionRequested,
            EventKind::CorrectionReceived => EventKindName::CorrectionReceived,
            EventKind::CorrectionExpired => EventKindName::CorrectionExpired,
            EventKind::ConsultationStarted { .. } => EventKindName::ConsultationStarted,
            EventKind::ConsultationEnded { .. } => EventKindName::ConsultationEnded,
            EventKind::ExtensionApproved { .. } => EventKindName::ExtensionApproved,
            EventKind::FeeNotice => EventKindName::FeeNotice,
            EventKind::FeePaid => EventKindName::FeePaid,
            EventKind::FeeExpired => EventKindName::FeeExpired,
            EventKind::Answered => EventKindName::Answered,
            EventKind::Withdrawn => EventKindName::Withdrawn,
            EventKind::Reopened => EventKindName::Reopened,
        }
    }

    /// Whether the event closes the application.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            EventKind::CorrectionExpired
                | EventKind::FeeExpired
                | EventKind::Answered
                | EventKind::Withdrawn
        )
    }
}

/// One dated event of an application.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ApplicationEvent {
    #[serde(with = "iso_date")]
    pub on: Date,
    #[serde(flatten)]
    pub kind: EventKind,
}

impl ApplicationEvent {
    pub fn new(on: Date, kind: EventKind) -> Self {
        Self { on, kind }
    }
}

/// Choices the law leaves to the agency or province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockSettings {
    /// Whether the time waiting for a fee (the day after the notice through the
    /// payment day) is left out of the answer period. Not settled nationally
    /// (see the spec); excluded by default.
    pub exclude_fee_waiting: bool,
}

impl Default for ClockSettings {
    fn default() -> Self {
        Self {
            exclude_fee_waiting: true,
        }
    }
}

/// Where an application stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Open, more than three working days left.
    OnTime,
    /// Open, due within three working days (today included).
    DueSoon,
    /// Open and past its due date.
    Overdue,
    /// Open, waiting for the applicant's corrected application: the clock is stopped.
    AwaitingCorrection,
    AnsweredOnTime,
    AnsweredLate,
    /// Withdrawn by the applicant.
    Withdrawn,
    /// Ended without an answer: correction or fee not done in time (deemed abandoned).
    Ended,
}

impl Status {
    pub fn label_zh(self) -> &'static str {
        match self {
            Status::OnTime => "未到期",
            Status::DueSoon => "即将到期",
            Status::Overdue => "已逾期",
            Status::AwaitingCorrection => "等待补正",
            Status::AnsweredOnTime => "按期答复",
            Status::AnsweredLate => "逾期答复",
            Status::Withdrawn => "已撤回",
            Status::Ended => "已终止",
        }
    }

    /// Whether the application still waits for the agency or the applicant.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::OnTime | Status::DueSoon | Status::Overdue | Status::AwaitingCorrection
        )
    }
}

/// The computed clock of one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// The last day to answer; `None` while the clock waits for a correction.
    #[serde(with = "iso_date::option")]
    pub due_on: Option<Date>,
    pub status: Status,
    /// The status in a sentence, e.g. "未到期：截至2024-10-08还有15个工作日".
    pub status_text: String,
    /// How the due date was reached, one step per line.
    pub explanation: Vec<String>,
    /// Rules the agency broke on the way (late 补正 notice, …); the clock still counts.
    pub warnings: Vec<String>,
    #[serde(with = "iso_date")]
    pub received_on: Date,
    /// The day the 20 working days count from (the receipt, or the corrected receipt).
    #[serde(with = "iso_date")]
    pub counting_from: Date,
    pub extension_working_days: u32,
    /// Working days inside the answer period left out (consultation, fee waiting).
    pub excluded_working_days: u32,
    /// For an open application: working days from today to the due date
    /// (negative when overdue), when the calendar covers today.
    pub remaining_working_days: Option<i64>,
}

/// Bad input: events that cannot have happened in that order, or that the law does not allow.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error(transparent)]
    Calendar(#[from] CalendarError),

    #[error("缺少收到申请的事件（received），无法计算答复期限")]
    MissingReceipt,

    #[error("收到申请只能登记一次：{first} 已登记收到，{second} 又登记收到")]
    DuplicateReceipt { first: Date, second: Date },

    #[error("答复日期 {answered_on} 早于收到申请日期 {received_on}")]
    AnswerBeforeReceipt {
        answered_on: Date,
        received_on: Date,
    },

    #[error("{kind}日期 {on} 早于收到申请日期 {received_on}")]
    EventBeforeReceipt {
        kind: &'static str,
        on: Date,
        received_on: Date,
    },

    #[error(
        "同一申请只能发出一次补正告知（条例第三十条）：{first} 已发出，{second} 又登记补正告知"
    )]
    SecondCorrectionRequest { first: Date, second: Date },

    #[error("{on} 登记了{kind}，但没有等待中的补正告知")]
    NoCorrectionPending { kind: &'static str, on: Date },

    #[error("{on} 登记了向{party}征求意见结束，但没有正在进行的向{party}征求意见")]
    NoConsultationPending { party: &'static str, on: Date },

    #[error("{on} 再次向{party}征求意见，但 {started_on} 开始的征求意见尚未结束")]
    ConsultationAlreadyOpen {
        party: &'static str,
        on: Date,
        started_on: Date,
    },

    #[error("延期须为1至20个工作日（条例第三十三条），{on} 批准的延期为{working_days}个工作日")]
    ExtensionOutOfRange { on: Date, working_days: u32 },

    #[error("延期合计不得超过20个工作日（条例第三十三条）：{on} 再批准{working_days}个工作日后合计{total}个工作日")]
    ExtensionTotalTooLong {
        on: Date,
        working_days: u32,
        total: u32,
    },

    #[error("延期须经政府信息公开工作机构负责人同意（条例第三十三条）：{on} 的延期没有注明批准人")]
    ExtensionWithoutApprover { on: Date },

    #[error("{on} 登记了{kind}，但没有待缴费的收费通知")]
    NoFeeNoticePending { kind: &'static str, on: Date },

    #[error("{on} 再次发出收费通知，但 {noticed_on} 的收费通知尚未缴费或失效")]
    FeeNoticeAlreadyOpen { on: Date, noticed_on: Date },

    #[error("申请已于 {ended_on} {ended_by}，其后不能再登记{kind}（{on}）")]
    EventAfterEnd {
        ended_on: Date,
        ended_by: &'static str,
        kind: &'static str,
        on: Date,
    },

    #[error("{on} 登记了纠正后重新办理，但申请尚未答复或已由申请人撤回，没有可重新办理的决定")]
    ReopenWithoutEnd { on: Date },

    #[error("未知的事件类型“{0}”，可用：received、correction_requested、correction_received、correction_expired、consultation_started、consultation_ended、extension_approved、fee_notice、fee_paid、fee_expired、answered、withdrawn")]
    UnknownEventKind(String),

    #[error("未知的提交渠道“{0}”，可用：in_person（当面）、signed_mail（邮寄）、ordinary_mail（平常信函）、online（互联网）、fax（传真）")]
    UnknownChannel(String),

    #[error("未知的征求意见对象“{0}”，可用：third_party（第三方）、co_author（共同制作机关）")]
    UnknownConsultationParty(String),
}

// ---------------------------------------------------------------------------
// Reading the events into a checked timeline.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CorrectionState {
    Awaiting,
    Received(Date),
    Expired(Date),
}

#[derive(Debug, Clone, Copy)]
struct Correction {
    requested_on: Date,
    state: CorrectionState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TollingCause {
    Consultation(ConsultationParty),
    FeeWaiting,
}

/// A stretch of time the answer period does not run.
#[derive(Debug, Clone, Copy)]
struct Tolling {
    cause: TollingCause,
    started_on: Date,
    /// Opinion arrived / fee paid / fee expired; `None` while still running.
    ended_on: Option<Date>,
}

#[derive(Debug, Clone)]
struct Extension {
    approved_on: Date,
    working_days: u32,
    approver: String,
}

#[derive(Debug, Clone, Copy)]
struct End {
    on: Date,
    kind: EventKindName,
}

#[derive(Debug, Clone)]
struct Timeline {
    received_on: Date,
    /// Earlier rounds closed and reopened by a 结果纠正: (how and when it
    /// ended, the day it was reopened). The last reopening starts the
    /// current round.
    reopenings: Vec<(End, Date)>,
    channel: Channel,
    correction: Option<Correction>,
    tollings: Vec<Tolling>,
    extensions: Vec<Extension>,
    end: Option<End>,
}

impl Timeline {
    /// Checks the events and puts them in order. Events are ordered by date; on
    /// one date, the receipt comes first and the rest keep the order given.
    fn read(events: &[ApplicationEvent]) -> Result<Self, ClockError> {
        let mut sorted: Vec<&ApplicationEvent> = events.iter().collect();
        sorted.sort_by_key(|event| (event.on, !matches!(event.kind, EventKind::Received { .. })));
        let mut receipts = sorted.iter().filter_map(|event| match event.kind {
            EventKind::Received { channel } => Some((event.on, channel)),
            _ => None,
        });
        let (received_on, channel) = receipts.next().ok_or(ClockError::MissingReceipt)?;
        if let Some((second, _)) = receipts.next() {
            return Err(ClockError::DuplicateReceipt {
                first: received_on,
                second,
            });
        }

        let mut timeline = Timeline {
            received_on,
            reopenings: Vec::new(),
            channel,
            correction: None,
            tollings: Vec::new(),
            extensions: Vec::new(),
            end: None,
        };
        for event in sorted {
            timeline.apply(event)?;
        }
        Ok(timeline)
    }

    fn apply(&mut self, event: &ApplicationEvent) -> Result<(), ClockError> {
        let on = event.on;
        let name = event.kind.kind_name();
        if on < self.received_on {
            return Err(if name == EventKindName::Answered {
                ClockError::AnswerBeforeReceipt {
                    answered_on: on,
                    received_on: self.received_on,
                }
            } else {
                ClockError::EventBeforeReceipt {
                    kind: name.label_zh(),
                    on,
                    received_on: self.received_on,
                }
            });
        }
        if event.kind == EventKind::Reopened {
            // A 结果纠正 sets the decision aside: a fresh round with a new
            // period, its own 补正, consultations and extension.
            let end = match self.end {
                Some(end) if end.kind != EventKindName::Withdrawn => end,
                _ => return Err(ClockError::ReopenWithoutEnd { on }),
            };
            self.reopenings.push((end, on));
            self.end = None;
            self.correction = None;
            self.tollings.clear();
            self.extensions.clear();
            return Ok(());
        }
        if let Some(end) = self.end {
            return Err(ClockError::EventAfterEnd {
                ended_on: end.on,
                ended_by: end.kind.label_zh(),
                kind: name.label_zh(),
                on,
            });
        }
        match &event.kind {
            EventKind::Received { .. } => {}
            EventKind::CorrectionRequested => {
                // 条例 Art. 30: one notice listing everything to correct.
                if let Some(correction) = self.correction {
                    return Err(ClockError::SecondCorrectionRequest {
                        first: correction.requested_on,
                        second: on,
                    });
                }
                self.correction = Some(Correction {
                    requested_on: on,
                    state: CorrectionState::Awaiting,
                });
            }
            EventKind::CorrectionReceived | EventKind::CorrectionExpired => {
                let correction = self
                    .correction
                    .as_mut()
                    .filter(|correction| correction.state == CorrectionState::Awaiting)
                    .ok_or(ClockError::NoCorrectionPending {
                        kind: name.label_zh(),
                        on,
                    })?;
                if event.kind == EventKind::CorrectionReceived {
                    correction.state = CorrectionState::Received(on);
                } else {
                    correction.state = CorrectionState::Expired(on);
                    self.end = Some(End { on, kind: name });
                }
            }
            EventKind::ConsultationStarted { party } => {
                let cause = TollingCause::Consultation(*party);
                if let Some(open) = self.open_tolling(cause) {
                    return Err(ClockError::ConsultationAlreadyOpen {
                        party: party.label_zh(),
                        on,
                        started_on: open.started_on,
                    });
                }
                self.tollings.push(Tolling {
                    cause,
                    started_on: on,
                    ended_on: None,
                });
            }
            EventKind::ConsultationEnded { party } => {
                let open = self
                    .open_tolling(TollingCause::Consultation(*party))
                    .ok_or(ClockError::NoConsultationPending {
                        party: party.label_zh(),
                        on,
                    })?;
                open.ended_on = Some(on);
            }
            EventKind::ExtensionApproved {
                working_days,
                approver,
            } => {
                // 条例 Art. 33 ¶2: at most 20 more working days, with the consent of
                // the head of the disclosure office.
                if approver.trim().is_empty() {
                    return Err(ClockError::ExtensionWithoutApprover { on });
                }
                if !(1..=MAX_EXTENSION_WORKING_DAYS).contains(working_days) {
                    return Err(ClockError::ExtensionOutOfRange {
                        on,
                        working_days: *working_days,
                    });
                }
                let total = self.extension_total() + working_days;
                if total > MAX_EXTENSION_WORKING_DAYS {
                    return Err(ClockError::ExtensionTotalTooLong {
                        on,
                        working_days: *working_days,
                        total,
                    });
                }
                self.extensions.push(Extension {
                    approved_on: on,
                    working_days: *working_days,
                    approver: approver.trim().to_owned(),
                });
            }
            EventKind::FeeNotice => {
                if let Some(open) = self.open_tolling(TollingCause::FeeWaiting) {
                    return Err(ClockError::FeeNoticeAlreadyOpen {
                        on,
                        noticed_on: open.started_on,
                    });
                }
                self.tollings.push(Tolling {
                    cause: TollingCause::FeeWaiting,
                    started_on: on,
                    ended_on: None,
                });
            }
            EventKind::FeePaid | EventKind::FeeExpired => {
                let open = self.open_tolling(TollingCause::FeeWaiting).ok_or(
                    ClockError::NoFeeNoticePending {
                        kind: name.label_zh(),
                        on,
                    },
                )?;
                open.ended_on = Some(on);
                if event.kind == EventKind::FeeExpired {
                    self.end = Some(End { on, kind: name });
                }
            }
            EventKind::Answered | EventKind::Withdrawn => {
                self.end = Some(End { on, kind: name });
            }
            EventKind::Reopened => {}
        }
        Ok(())
    }

    fn open_tolling(&mut self, cause: TollingCause) -> Option<&mut Tolling> {
        self.tollings
            .iter_mut()
            .find(|tolling| tolling.cause == cause && tolling.ended_on.is_none())
    }

    fn extension_total(&self) -> u32 {
        self.extensions.iter().map(|e| e.working_days).sum()
    }

    /// 条例 Art. 30: once the corrected application is received, the answer
    /// period starts again from that day.
    ///
    /// After a 结果纠正 the period counts from the day of the decision.
    fn counting_from(&self) -> Date {
        match self.correction {
            Some(Correction {
                state: CorrectionState::Received(on),
                ..
            }) => on,
            _ => self
                .reopenings
                .last()
                .map_or(self.received_on, |(_, reopened_on)| *reopened_on),
        }
    }

    /// 条例 Art. 30: after a 补正 notice the answer period only runs again from
    /// the corrected application; until then (or for good, if the applicant let
    /// the deadline pass) there is no due date.
    fn clock_stopped_by_correction(&self) -> bool {
        matches!(
            self.correction,
            Some(Correction {
                state: CorrectionState::Awaiting | CorrectionState::Expired(_),
                ..
            })
        )
    }
}

// ---------------------------------------------------------------------------
// Counting.

/// The working days a tolling leaves out: those after the day it started
/// through the day it ended, at most `limit` of them. Only days up to `until`
/// are looked at, so an early end never needs calendar data past it.
fn tolled_working_days(
    calendar: &Calendar,
    started_on: Date,
    until: Date,
    limit: u32,
) -> Result<(Vec<Date>, bool), CalendarError> {
    let mut days = Vec::new();
    let mut day = started_on;
    while day < until {
        day = day.next_day().ok_or(CalendarError::OutOfRange)?;
        if calendar.is_working_day(day)? {
            days.push(day);
            if days.len() as u32 == limit {
                return Ok((days, day < until));
            }
        }
    }
    Ok((days, false))
}

/// The due date: the `target`-th working day after `from` (民法典 Art. 201: the
/// start day does not count; counting only working days means the period never
/// ends on a rest day), moved out by the number of working days left out
/// (条例 Art. 32, 34: consultation time is not counted). Every left-out day is
/// a working day after `from`, counted once even where two consultations overlap.
fn due_date(
    calendar: &Calendar,
    from: Date,
    target: u32,
    excluded: &BTreeSet<Date>,
) -> Result<Date, CalendarError> {
    let moved_out = u32::try_from(excluded.len()).map_err(|_| CalendarError::OutOfRange)?;
    calendar.add_working_days(from, target + moved_out)
}

/// The statutory clock of one application.
///
/// `today` is the day the status is judged on; a consultation or fee wait that
/// is still running is counted through today (or through its limit, if earlier),
/// so the due date shown is the one that holds if it ended today.
pub fn compute_clock(
    events: &[ApplicationEvent],
    calendar: &Calendar,
    settings: &ClockSettings,
    today: Date,
) -> Result<Clock, ClockError> {
    let timeline = Timeline::read(events)?;
    let mut explanation = Vec::new();
    let mut warnings = Vec::new();
    let received_on = timeline.received_on;
    let counting_from = timeline.counting_from();
    let restarted = counting_from != received_on;
    let reference_year = counting_from.year();

    explanation.push(if restarted || timeline.clock_stopped_by_correction() {
        format!("{received_on} {}", timeline.channel.receipt_zh())
    } else {
        format!("{received_on} {}，次日起算", timeline.channel.receipt_zh())
    });
    for (ended, reopened_on) in &timeline.reopenings {
        explanation.push(format!(
            "{} {}；{reopened_on} 经行政复议或诉讼结果纠正，重新办理，次日起重新计算20个工作日",
            ended.on,
            ended.kind.label_zh()
        ));
    }

    if let Some(correction) = timeline.correction {
        // 条例 Art. 30: the notice must go out within 7 working days of receipt.
        let notice_day = calendar.working_days_between(received_on, correction.requested_on)?;
        if notice_day > i64::from(CORRECTION_NOTICE_WORKING_DAYS) {
            let latest = calendar.add_working_days(received_on, CORRECTION_NOTICE_WORKING_DAYS)?;
            explanation.push(format!(
                "{} 发出补正告知（收到申请后第{notice_day}个工作日，超过7个工作日）",
                correction.requested_on
            ));
            warnings.push(format!(
                "补正告知于 {} 发出，是收到申请后第{notice_day}个工作日，超过条例第三十条规定的7个工作日（应不晚于 {latest}）",
                correction.requested_on
            ));
        } else {
            explanation.push(format!(
                "{} 发出补正告知（收到申请后第{notice_day}个工作日，在7个工作日内）",
                correction.requested_on
            ));
        }
        match correction.state {
            CorrectionState::Awaiting => explanation.push(
                "等待申请人补正，答复期限暂停；收到补正后的申请后次日重新起算20个工作日".to_owned(),
            ),
            CorrectionState::Received(on) => {
                explanation.push(format!("{on} 收到补正后的申请，次日起重新计算20个工作日"))
            }
            CorrectionState::Expired(on) => {
                explanation.push(format!("{on} 申请人无正当理由逾期未补正，视为放弃申请"))
            }
        }
    }

    // Until which day still-running tollings are counted.
    let horizon = timeline.end.map_or(today, |end| end.on);

    // Consultation (条例 Art. 32, 34) and, by default, fee waiting: the working
    // days after the day it started through the day it ended (or its limit
    // lapsed) are not counted. Days before the period's start do not matter:
    // a restarted period starts after them.
    let mut excluded: BTreeSet<Date> = BTreeSet::new();
    for tolling in &timeline.tollings {
        // Tolling suspends a running period (a consultation started on the last
        // day still moves it out); one that starts after the period has run out
        // has nothing left to suspend: it is flagged and leaves the date alone.
        let mut period_ran_out_on = None;
        if !timeline.clock_stopped_by_correction() {
            let extension_by_then: u32 = timeline
                .extensions
                .iter()
                .filter(|extension| extension.approved_on <= tolling.started_on)
                .map(|extension| extension.working_days)
                .sum();
            let due_before = due_date(
                calendar,
                counting_from,
                ANSWER_WORKING_DAYS + extension_by_then,
                &excluded,
            )?;
            if tolling.started_on > due_before {
                let what = match tolling.cause {
                    TollingCause::Consultation(party) => format!("向{}征求意见", party.label_zh()),
                    TollingCause::FeeWaiting => "发出收费通知".to_owned(),
                };
                warnings.push(format!(
                    "{} {what}时，答复期限 {due_before} 已经届满，该期间不再扣除",
                    tolling.started_on
                ));
                period_ran_out_on = Some(due_before);
            }
        }
        let (limit, ended_text, what) = match tolling.cause {
            TollingCause::Consultation(party) => (
                CONSULTATION_WORKING_DAYS,
                "收到意见",
                format!("向{}征求意见", party.label_zh()),
            ),
            TollingCause::FeeWaiting => {
                (FEE_PAYMENT_WORKING_DAYS, "缴费", "发出收费通知".to_owned())
            }
        };
        let until = tolling.ended_on.unwrap_or(horizon);
        let (days, lapsed) = tolled_working_days(calendar, tolling.started_on, until, limit)?;
        let started = tolling.started_on;
        let head = match (tolling.ended_on, tolling.cause) {
            (Some(end), TollingCause::FeeWaiting)
                if timeline
                    .end
                    .is_some_and(|e| e.kind == EventKindName::FeeExpired && e.on == end) =>
            {
                format!("{started} {what}，{end} 逾期未缴费，视为放弃申请")
            }
            (Some(end), _) => format!("{started} {what}，{end} {ended_text}"),
            (None, _) if until > started => {
                format!("{started} {what}，尚未{ended_text}，暂计至 {until}")
            }
            (None, _) => format!("{started} {what}，尚未{ended_text}"),
        };
        if lapsed {
            let lapse_day = days.last().copied().unwrap_or(started);
            match tolling.cause {
                TollingCause::Consultation(party) => warnings.push(format!(
                    "{started} 开始的向{}征求意见超过15个工作日（{lapse_day} 届满），届满后的时间计入答复期限",
                    party.label_zh()
                )),
                TollingCause::FeeWaiting => warnings.push(format!(
                    "{started} 发出的收费通知，缴费期限20个工作日已于 {lapse_day} 届满，届满后的时间计入答复期限"
                )),
            }
        }
        if tolling.cause == TollingCause::FeeWaiting && !settings.exclude_fee_waiting {
            explanation.push(format!("{head}；按本机关设置，等待缴费的时间计入答复期限"));
            continue;
        }
        if let Some(due_before) = period_ran_out_on {
            explanation.push(format!("{head}：答复期限已于 {due_before} 届满，不再扣除"));
            continue;
        }
        let counted_after_start: Vec<Date> = days
            .iter()
            .copied()
            .filter(|&day| day > counting_from)
            .collect();
        match (counted_after_start.first(), counted_after_start.last()) {
            (Some(&first), Some(&last)) => {
                let lapse = if lapsed {
                    format!("（{limit}个工作日期限届满）")
                } else {
                    String::new()
                };
                explanation.push(format!(
                    "{head}：{}期间{}个工作日不计{lapse}",
                    zh::date_span_zh(first, last, reference_year),
                    counted_after_start.len()
                ));
            }
            _ => explanation.push(format!("{head}，期间没有需扣除的工作日")),
        }
        excluded.extend(counted_after_start);
    }

    // 条例 Art. 33 ¶2: an approved extension moves the deadline out by its working days.
    let extension_working_days = timeline.extension_total();
    let mut extension_so_far = 0;
    for extension in &timeline.extensions {
        explanation.push(format!(
            "{} 经{}批准延期{}个工作日",
            extension.approved_on, extension.approver, extension.working_days
        ));
        if !timeline.clock_stopped_by_correction() {
            let due_before = due_date(
                calendar,
                counting_from,
                ANSWER_WORKING_DAYS + extension_so_far,
                &excluded,
            )?;
            if extension.approved_on > due_before {
                warnings.push(format!(
                    "{} 批准的延期晚于当时的答复期限 {due_before}，延期应在期限内决定并告知申请人",
                    extension.approved_on
                ));
            }
        }
        extension_so_far += extension.working_days;
    }

    // 条例 Art. 33 ¶2: 20 working days (plus any extension), counted from the day
    // after receipt (民法典 Art. 201). While a correction is awaited the clock stands.
    let target = ANSWER_WORKING_DAYS + extension_working_days;
    let due_on = if timeline.clock_stopped_by_correction() {
        None
    } else {
        let due = due_date(calendar, counting_from, target, &excluded)?;
        explain_window(calendar, counting_from, due, &excluded, &mut explanation)?;
        explanation.push(final_line(
            extension_working_days,
            excluded.len(),
            target,
            due,
        ));
        Some(due)
    };
    let excluded_working_days = u32::try_from(excluded.len()).unwrap_or(u32::MAX);

    if let Some(end) = timeline.end {
        match end.kind {
            EventKindName::Answered => explanation.push(format!("{} 答复", end.on)),
            EventKindName::Withdrawn => explanation.push(format!("{} 申请人撤回申请", end.on)),
            _ => {}
        }
    }

    let (status, status_text, remaining_working_days) = judge(calendar, &timeline, due_on, today)?;

    Ok(Clock {
        due_on,
        status,
        status_text,
        explanation,
        warnings,
        received_on,
        counting_from,
        extension_working_days,
        excluded_working_days,
        remaining_working_days,
    })
}

/// Holiday blocks not counted and make-up working days counted inside the
/// answer period, as in "10月1日至7日国庆节假期不计".
fn explain_window(
    calendar: &Calendar,
    from: Date,
    due: Date,
    excluded: &BTreeSet<Date>,
    explanation: &mut Vec<String>,
) -> Result<(), CalendarError> {
    let reference_year = from.year();
    let mut make_up_days = Vec::new();
    let mut day = from;
    while day < due {
        day = day.next_day().ok_or(CalendarError::OutOfRange)?;
        match calendar.day_kind(day)? {
            DayKind::Holiday => {
                if let Some(block) = calendar.holiday_block(day)? {
                    let first = block.first().max(from.next_day().unwrap_or(from));
                    let last = block.last().min(due);
                    explanation.push(format!(
                        "{}{}假期不计",
                        zh::date_span_zh(first, last, reference_year),
                        block.name()
                    ));
                    // Skip the rest of the block: it is one line.
                    day = last;
                }
            }
            DayKind::MakeUpWorkday if !excluded.contains(&day) => make_up_days.push(format!(
                "{}（{}）",
                if day.year() == reference_year {
                    zh::month_day_zh(day)
                } else {
                    zh::full_date_zh(day)
                },
                zh::weekday_zh(day)
            )),
            _ => {}
        }
    }
    if !make_up_days.is_empty() {
        explanation.push(format!("{}调休上班计入", make_up_days.join("、")));
    }
    Ok(())
}

fn final_line(extension: u32, excluded: usize, target: u32, due: Date) -> String {
    match (extension, excluded) {
        (0, 0) => format!("第{target}个工作日为{due}"),
        (0, excluded) => format!(
            "{target}个工作日另加不计的{excluded}个工作日，第{}个工作日为{due}",
            target as usize + excluded
        ),
        (extension, 0) => format!(
            "{ANSWER_WORKING_DAYS}个工作日加延期{extension}个工作日，第{target}个工作日为{due}"
        ),
        (extension, excluded) => format!(
            "{ANSWER_WORKING_DAYS}个工作日加延期{extension}个工作日，另加不计的{excluded}个工作日，第{}个工作日为{due}",
            target as usize + excluded
        ),
    }
}

/// Status on `today`.
fn judge(
    calendar: &Calendar,
    timeline: &Timeline,
    due_on: Option<Date>,
    today: Date,
) -> Result<(Status, String, Option<i64>), ClockError> {
    if let Some(end) = timeline.end {
        return Ok(match end.kind {
            EventKindName::Answered => match due_on {
                Some(due) if end.on > due => {
                    let late = calendar
                        .working_days_between(due, end.on)
                        .map(|days| format!("，逾期{days}个工作日"))
                        .unwrap_or_default();
                    (
                        Status::AnsweredLate,
                        format!("逾期答复：{} 答复，期限为 {due}{late}", end.on),
                        None,
                    )
                }
                Some(due) => (
                    Status::AnsweredOnTime,
                    format!("按期答复：{} 答复，期限为 {due}", end.on),
                    None,
                ),
                None => (
                    Status::AnsweredOnTime,
                    format!("按期答复：{} 答复（补正期间答复期限暂停）", end.on),
                    None,
                ),
            },
            EventKindName::Withdrawn => (
                Status::Withdrawn,
                format!("申请人已于 {} 撤回申请", end.on),
                None,
            ),
            EventKindName::CorrectionExpired => (
                Status::Ended,
                format!("已于 {} 终止：申请人逾期未补正，视为放弃申请", end.on),
                None,
            ),
            _ => (
                Status::Ended,
                format!("已于 {} 终止：申请人逾期未缴费，视为放弃申请", end.on),
                None,
            ),
        });
    }
    let Some(due) = due_on else {
        let requested = timeline
            .correction
            .map(|c| format!("（{} 发出补正告知）", c.requested_on))
            .unwrap_or_default();
        return Ok((
            Status::AwaitingCorrection,
            format!("等待申请人补正{requested}，答复期限暂停"),
            None,
        ));
    };
    // Days left are counted only when the calendar covers today: the status
    // itself needs nothing but a comparison of dates.
    let remaining = calendar.working_days_between(today, due).ok();
    Ok(if today > due {
        let late = remaining
            .map(|days| format!("，已逾期{}个工作日", -days))
            .unwrap_or_default();
        (
            Status::Overdue,
            format!("已逾期：答复期限 {due} 已过{late}"),
            remaining,
        )
    } else if remaining.is_some_and(|days| days <= DUE_SOON_WORKING_DAYS) {
        let left = match remaining {
            Some(0) => "今日到期".to_owned(),
            Some(days) => format!("还有{days}个工作日"),
            None => String::new(),
        };
        (
            Status::DueSoon,
            format!("即将到期：答复期限 {due}，截至 {today} {left}"),
            remaining,
        )
    } else {
        let left = remaining
            .map(|days| format!("，截至 {today} 还有{days}个工作日"))
            .unwrap_or_default();
        (
            Status::OnTime,
            format!("未到期：答复期限 {due}{left}"),
            remaining,
        )
    })
}

// ---------------------------------------------------------------------------
// Recomputing after a calendar change.

/// An application as the store keeps it: its events and the due date last stored.
#[derive(Debug, Clone, Copy)]
pub struct StoredDeadline<'a, Id> {
    pub id: Id,
    pub events: &'a [ApplicationEvent],
    pub due_on: Option<Date>,
}

/// The result of recomputing one open application whose deadline changed or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recomputed<Id> {
    Changed {
        id: Id,
        previous_due_on: Option<Date>,
        due_on: Option<Date>,
        status: Status,
    },
    /// The new calendar cannot compute it (e.g. a year removed), or the events are bad.
    Failed { id: Id, error: ClockError },
}

/// Whether the events leave the application open: nothing has closed it,
/// or every close was followed by a reopening (结果纠正).
pub fn is_open(events: &[ApplicationEvent]) -> bool {
    let closes = events.iter().filter(|e| e.kind.is_final()).count();
    let reopenings = events
        .iter()
        .filter(|e| e.kind == EventKind::Reopened)
        .count();
    closes <= reopenings
}

/// Recomputes every open application against `calendar` and returns those
/// whose due date differs from the stored one, or that can no longer be computed.
/// Closed applications (answered, withdrawn, ended) keep the deadline they had.
pub fn recompute_open_deadlines<'a, Id>(
    applications: impl IntoIterator<Item = StoredDeadline<'a, Id>>,
    calendar: &Calendar,
    settings: &ClockSettings,
    today: Date,
) -> Vec<Recomputed<Id>> {
    applications
        .into_iter()
        .filter(|stored| is_open(stored.events))
        .filter_map(
            |stored| match compute_clock(stored.events, calendar, settings, today) {
                Ok(clock) if clock.due_on == stored.due_on => None,
                Ok(clock) => Some(Recomputed::Changed {
                    id: stored.id,
                    previous_due_on: stored.due_on,
                    due_on: clock.due_on,
                    status: clock.status,
                }),
                Err(error) => Some(Recomputed::Failed {
                    id: stored.id,
                    error,
                }),
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn received(on: Date) -> ApplicationEvent {
        ApplicationEvent::new(
            on,
            EventKind::Received {
                channel: Channel::InPerson,
            },
        )
    }

    fn event(on: Date, kind: EventKind) -> ApplicationEvent {
        ApplicationEvent::new(on, kind)
    }

    fn clock(events: &[ApplicationEvent], today: Date) -> Result<Clock, ClockError> {
        compute_clock(
            events,
            &Calendar::builtin(),
            &ClockSettings::default(),
            today,
        )
    }

    #[test]
    fn acceptance_national_day_2024() {
        let result = clock(&[received(date!(2024 - 09 - 26))], date!(2024 - 10 - 08)).unwrap();
        assert_eq!(result.due_on, Some(date!(2024 - 10 - 29)));
        assert_eq!(
            result.explanation.join("；"),
            "2024-09-26 当面提交，次日起算；10月1日至7日国庆节假期不计；9月29日（星期日）、10月12日（星期六）调休上班计入；第20个工作日为2024-10-29"
        );
        assert_eq!(result.status, Status::OnTime);
        assert_eq!(result.remaining_working_days, Some(16));
    }

    /// 结果纠正 reopens an answered application: a fresh 20-working-day
    /// period from the day after the decision, its own 补正 allowed, and
    /// the second answer closes it again.
    #[test]
    fn a_correction_reopens_with_a_new_period() {
        let answered = [
            received(date!(2024 - 09 - 02)),
            event(date!(2024 - 09 - 20), EventKind::Answered),
        ];
        assert!(!is_open(&answered));
        let mut events = answered.to_vec();
        events.push(event(date!(2024 - 11 - 04), EventKind::Reopened));
        assert!(is_open(&events));
        let reopened = clock(&events, date!(2024 - 11 - 05)).unwrap();
        assert_eq!(reopened.counting_from, date!(2024 - 11 - 04));
        assert_eq!(reopened.due_on, Some(date!(2024 - 12 - 02)));
        assert_eq!(reopened.status, Status::OnTime);
        assert!(
            reopened.explanation.iter().any(|l| l.contains("结果纠正")),
            "{:?}",
            reopened.explanation
        );
        events.push(event(date!(2024 - 11 - 06), EventKind::CorrectionRequested));
        events.push(event(date!(2024 - 11 - 08), EventKind::CorrectionReceived));
        events.push(event(date!(2024 - 11 - 20), EventKind::Answered));
        let again = clock(&events, date!(2024 - 12 - 01)).unwrap();
        assert_eq!(again.status, Status::AnsweredOnTime);
        assert!(!is_open(&events));
        // Nothing to reopen: still open, or withdrawn.
        let open = [
            received(date!(2024 - 09 - 02)),
            event(date!(2024 - 09 - 10), EventKind::Reopened),
        ];
        assert!(matches!(
            clock(&open, date!(2024 - 09 - 11)),
            Err(ClockError::ReopenWithoutEnd { .. })
        ));
        let withdrawn = [
            received(date!(2024 - 09 - 02)),
            event(date!(2024 - 09 - 03), EventKind::Withdrawn),
            event(date!(2024 - 09 - 10), EventKind::Reopened),
        ];
        assert!(clock(&withdrawn, date!(2024 - 09 - 11)).is_err());
    }

    #[test]
    fn acceptance_missing_2027() {
        let error = clock(&[received(date!(2026 - 12 - 20))], date!(2026 - 12 - 21)).unwrap_err();
        assert_eq!(
            error,
            ClockError::Calendar(CalendarError::MissingYear(2027))
        );
        assert!(error.to_string().contains("2027"));
    }

    #[test]
    fn statuses_relative_to_today() {
        let events = [received(date!(2024 - 09 - 26))];
        let status = |today| clock(&events, today).unwrap().status;
        assert_eq!(status(date!(2024 - 10 - 23)), Status::OnTime); // 4 left
        assert_eq!(status(date!(2024 - 10 - 24)), Status::DueSoon); // 3 left
        assert_eq!(status(date!(2024 - 10 - 29)), Status::DueSoon); // due today
        assert_eq!(status(date!(2024 - 10 - 30)), Status::Overdue);
        let late = clock(&events, date!(2024 - 11 - 01)).unwrap();
        assert_eq!(late.remaining_working_days, Some(-3));
        assert_eq!(
            late.status_text,
            "已逾期：答复期限 2024-10-29 已过，已逾期3个工作日"
        );
    }

    #[test]
    fn answered_on_time_and_late() {
        let on_time = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 10 - 29), EventKind::Answered),
        ];
        assert_eq!(
            clock(&on_time, date!(2025 - 01 - 01)).unwrap().status,
            Status::AnsweredOnTime
        );
        let late = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 10 - 30), EventKind::Answered),
        ];
        let late = clock(&late, date!(2025 - 01 - 01)).unwrap();
        assert_eq!(late.status, Status::AnsweredLate);
        assert_eq!(
            late.status_text,
            "逾期答复：2024-10-30 答复，期限为 2024-10-29，逾期1个工作日"
        );
    }

    #[test]
    fn correction_restarts_the_period() {
        // Received Mon 2024-03-04; notice on 03-06 (2nd working day); corrected
        // application on Fri 03-15: 20 working days from 03-18 → 04-15, with
        // 清明 04-04..06 off and Sunday 04-07 worked.
        let events = [
            received(date!(2024 - 03 - 04)),
            event(date!(2024 - 03 - 06), EventKind::CorrectionRequested),
            event(date!(2024 - 03 - 15), EventKind::CorrectionReceived),
        ];
        let result = clock(&events, date!(2024 - 03 - 20)).unwrap();
        assert_eq!(result.counting_from, date!(2024 - 03 - 15));
        assert_eq!(result.due_on, Some(date!(2024 - 04 - 15)));
        assert!(result.warnings.is_empty());
        assert_eq!(
            result.explanation,
            vec![
                "2024-03-04 当面提交",
                "2024-03-06 发出补正告知（收到申请后第2个工作日，在7个工作日内）",
                "2024-03-15 收到补正后的申请，次日起重新计算20个工作日",
                "4月4日至6日清明节假期不计",
                "4月7日（星期日）调休上班计入",
                "第20个工作日为2024-04-15",
            ]
        );
    }

    #[test]
    fn late_correction_notice_warns() {
        let events = [
            received(date!(2024 - 03 - 04)),
            event(date!(2024 - 03 - 14), EventKind::CorrectionRequested),
        ];
        let result = clock(&events, date!(2024 - 03 - 20)).unwrap();
        assert_eq!(result.status, Status::AwaitingCorrection);
        assert_eq!(result.due_on, None);
        assert_eq!(
            result.warnings,
            vec!["补正告知于 2024-03-14 发出，是收到申请后第8个工作日，超过条例第三十条规定的7个工作日（应不晚于 2024-03-13）"]
        );
    }

    #[test]
    fn consultation_days_are_left_out() {
        // Base due 2024-10-29. Consultation 10-08 → opinion 10-15: 10-09..15 are
        // 5 working days (10-12 Saturday is a make-up day: 6). Due moves out by 6.
        let events = [
            received(date!(2024 - 09 - 26)),
            event(
                date!(2024 - 10 - 08),
                EventKind::ConsultationStarted {
                    party: ConsultationParty::ThirdParty,
                },
            ),
            event(
                date!(2024 - 10 - 15),
                EventKind::ConsultationEnded {
                    party: ConsultationParty::ThirdParty,
                },
            ),
        ];
        let result = clock(&events, date!(2024 - 10 - 16)).unwrap();
        assert_eq!(result.excluded_working_days, 6);
        assert_eq!(result.due_on, Some(date!(2024 - 11 - 06)));
        assert!(result.explanation.contains(
            &"2024-10-08 向第三方征求意见，2024-10-15 收到意见：10月9日至15日期间6个工作日不计"
                .to_owned()
        ));
    }

    #[test]
    fn consultation_on_the_last_day_moves_the_deadline_out() {
        let started = |on| {
            event(
                on,
                EventKind::ConsultationStarted {
                    party: ConsultationParty::ThirdParty,
                },
            )
        };
        let ended = |on| {
            event(
                on,
                EventKind::ConsultationEnded {
                    party: ConsultationParty::ThirdParty,
                },
            )
        };
        // Due 2024-10-29; consulting from that day to 10-31 leaves out 10-30 and 10-31.
        let on_last_day = [
            received(date!(2024 - 09 - 26)),
            started(date!(2024 - 10 - 29)),
            ended(date!(2024 - 10 - 31)),
        ];
        let result = clock(&on_last_day, date!(2024 - 10 - 31)).unwrap();
        assert_eq!(result.due_on, Some(date!(2024 - 10 - 31)));
        assert!(result.warnings.is_empty());
        assert_eq!(
            result.explanation.last().unwrap(),
            "20个工作日另加不计的2个工作日，第22个工作日为2024-10-31"
        );
        // Starting after the deadline has nothing left to suspend: flagged, date kept.
        let too_late = [
            received(date!(2024 - 09 - 26)),
            started(date!(2024 - 10 - 30)),
            ended(date!(2024 - 10 - 31)),
        ];
        let result = clock(&too_late, date!(2024 - 10 - 31)).unwrap();
        assert_eq!(result.due_on, Some(date!(2024 - 10 - 29)));
        assert_eq!(
            result.warnings,
            vec!["2024-10-30 向第三方征求意见时，答复期限 2024-10-29 已经届满，该期间不再扣除"]
        );
    }

    #[test]
    fn consultation_is_capped_at_fifteen_working_days() {
        let start = date!(2024 - 03 - 01);
        let events = [
            received(date!(2024 - 02 - 29)),
            event(
                start,
                EventKind::ConsultationStarted {
                    party: ConsultationParty::CoAuthor,
                },
            ),
            event(
                date!(2024 - 04 - 30),
                EventKind::ConsultationEnded {
                    party: ConsultationParty::CoAuthor,
                },
            ),
        ];
        let result = clock(&events, date!(2024 - 05 - 06)).unwrap();
        assert_eq!(result.excluded_working_days, 15);
        assert_eq!(result.warnings.len(), 1);
        let calendar = Calendar::builtin();
        assert_eq!(
            result.due_on,
            Some(
                calendar
                    .add_working_days(date!(2024 - 02 - 29), 35)
                    .unwrap()
            )
        );
    }

    #[test]
    fn extension_and_its_rules() {
        let approve = |days: u32, approver: &str| EventKind::ExtensionApproved {
            working_days: days,
            approver: approver.to_owned(),
        };
        let events = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 10 - 25), approve(20, "张主任")),
        ];
        let result = clock(&events, date!(2024 - 10 - 25)).unwrap();
        // 2024-10-29 + 20 working days: 10-30..11-26.
        assert_eq!(result.due_on, Some(date!(2024 - 11 - 26)));
        assert!(result
            .explanation
            .contains(&"2024-10-25 经张主任批准延期20个工作日".to_owned()));
        assert_eq!(
            result.explanation.last().unwrap(),
            "20个工作日加延期20个工作日，第40个工作日为2024-11-26"
        );

        let too_long = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 10 - 25), approve(21, "张主任")),
        ];
        assert_eq!(
            clock(&too_long, date!(2024 - 10 - 25))
                .unwrap_err()
                .to_string(),
            "延期须为1至20个工作日（条例第三十三条），2024-10-25 批准的延期为21个工作日"
        );
        let no_approver = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 10 - 25), approve(5, "  ")),
        ];
        assert_eq!(
            clock(&no_approver, date!(2024 - 10 - 25)).unwrap_err(),
            ClockError::ExtensionWithoutApprover {
                on: date!(2024 - 10 - 25)
            }
        );
        let twice = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 10 - 21), approve(15, "张主任")),
            event(date!(2024 - 10 - 25), approve(10, "张主任")),
        ];
        assert!(matches!(
            clock(&twice, date!(2024 - 10 - 25)),
            Err(ClockError::ExtensionTotalTooLong { total: 25, .. })
        ));
        let after_deadline = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 10 - 30), approve(5, "张主任")),
        ];
        assert_eq!(
            clock(&after_deadline, date!(2024 - 10 - 30))
                .unwrap()
                .warnings
                .len(),
            1
        );
    }

    #[test]
    fn fee_waiting_is_a_setting() {
        let events = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 10 - 14), EventKind::FeeNotice),
            event(date!(2024 - 10 - 16), EventKind::FeePaid),
        ];
        let excluded = clock(&events, date!(2024 - 10 - 16)).unwrap();
        assert_eq!(excluded.due_on, Some(date!(2024 - 10 - 31)));
        let counted = compute_clock(
            &events,
            &Calendar::builtin(),
            &ClockSettings {
                exclude_fee_waiting: false,
            },
            date!(2024 - 10 - 16),
        )
        .unwrap();
        assert_eq!(counted.due_on, Some(date!(2024 - 10 - 29)));
    }

    #[test]
    fn abandonment_ends_the_clock() {
        let correction = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 09 - 27), EventKind::CorrectionRequested),
            event(date!(2024 - 10 - 21), EventKind::CorrectionExpired),
        ];
        let result = clock(&correction, date!(2024 - 10 - 22)).unwrap();
        assert_eq!(result.status, Status::Ended);
        assert_eq!(result.due_on, None);
        assert_eq!(
            result.status_text,
            "已于 2024-10-21 终止：申请人逾期未补正，视为放弃申请"
        );
        let fee = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 10 - 08), EventKind::FeeNotice),
            event(date!(2024 - 11 - 06), EventKind::FeeExpired),
        ];
        let result = clock(&fee, date!(2024 - 11 - 07)).unwrap();
        assert_eq!(result.status, Status::Ended);
        // 10-09..11-05 holds 20 working days (10-12 is a 调休 Saturday): the cap.
        assert_eq!(result.excluded_working_days, 20);
        assert!(!is_open(&fee));
        assert!(is_open(&fee[..2]));
    }

    #[test]
    fn bad_orders_are_named() {
        let answered_early = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 09 - 25), EventKind::Answered),
        ];
        assert_eq!(
            clock(&answered_early, date!(2024 - 10 - 01))
                .unwrap_err()
                .to_string(),
            "答复日期 2024-09-25 早于收到申请日期 2024-09-26"
        );
        let second_notice = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 09 - 27), EventKind::CorrectionRequested),
            event(date!(2024 - 09 - 30), EventKind::CorrectionReceived),
            event(date!(2024 - 10 - 08), EventKind::CorrectionRequested),
        ];
        assert_eq!(
            clock(&second_notice, date!(2024 - 10 - 08)).unwrap_err().to_string(),
            "同一申请只能发出一次补正告知（条例第三十条）：2024-09-27 已发出，2024-10-08 又登记补正告知"
        );
        assert_eq!(
            clock(&[], date!(2024 - 10 - 08)).unwrap_err(),
            ClockError::MissingReceipt
        );
        let after_answer = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 10 - 08), EventKind::Answered),
            event(date!(2024 - 10 - 09), EventKind::FeeNotice),
        ];
        assert_eq!(
            clock(&after_answer, date!(2024 - 10 - 10))
                .unwrap_err()
                .to_string(),
            "申请已于 2024-10-08 答复，其后不能再登记收费通知（2024-10-09）"
        );
        let paid_without_notice = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 10 - 09), EventKind::FeePaid),
        ];
        assert!(matches!(
            clock(&paid_without_notice, date!(2024 - 10 - 10)),
            Err(ClockError::NoFeeNoticePending { .. })
        ));
        assert_eq!(
            "bogus"
                .parse::<EventKindName>()
                .unwrap_err()
                .to_string()
                .split('，')
                .next()
                .unwrap(),
            "未知的事件类型“bogus”"
        );
        assert_eq!(
            "fee-notice".parse::<EventKindName>(),
            Ok(EventKindName::FeeNotice)
        );
        assert_eq!("signed-mail".parse::<Channel>(), Ok(Channel::SignedMail));
    }

    #[test]
    fn events_serialise_in_snake_case() {
        let events = vec![
            event(
                date!(2024 - 09 - 26),
                EventKind::Received {
                    channel: Channel::OrdinaryMail,
                },
            ),
            event(
                date!(2024 - 10 - 08),
                EventKind::ConsultationStarted {
                    party: ConsultationParty::CoAuthor,
                },
            ),
            event(
                date!(2024 - 10 - 09),
                EventKind::ExtensionApproved {
                    working_days: 5,
                    approver: "张主任".to_owned(),
                },
            ),
            event(date!(2024 - 10 - 10), EventKind::FeeNotice),
        ];
        let json = serde_json::to_string(&events).unwrap();
        assert_eq!(
            json,
            r#"[{"on":"2024-09-26","kind":"received","channel":"ordinary_mail"},{"on":"2024-10-08","kind":"consultation_started","party":"co_author"},{"on":"2024-10-09","kind":"extension_approved","working_days":5,"approver":"张主任"},{"on":"2024-10-10","kind":"fee_notice"}]"#
        );
        let back: Vec<ApplicationEvent> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, events);
        let default_party: ApplicationEvent =
            serde_json::from_str(r#"{"on":"2024-10-08","kind":"consultation_ended"}"#).unwrap();
        assert_eq!(
            default_party.kind,
            EventKind::ConsultationEnded {
                party: ConsultationParty::ThirdParty
            }
        );
        assert!(
            serde_json::from_str::<ApplicationEvent>(r#"{"on":"2024-10-08","kind":"bogus"}"#)
                .is_err()
        );
        let clock = clock(&events[..1], date!(2024 - 10 - 08)).unwrap();
        let value = serde_json::to_value(&clock).unwrap();
        assert_eq!(value["due_on"], "2024-10-29");
        assert_eq!(value["status"], "on_time");
    }

    #[test]
    fn recompute_reports_only_changes() {
        let open = [received(date!(2024 - 09 - 26))];
        let closed = [
            received(date!(2024 - 09 - 26)),
            event(date!(2024 - 10 - 08), EventKind::Answered),
        ];
        let december = [received(date!(2026 - 12 - 10))];
        let stored = vec![
            StoredDeadline {
                id: 1,
                events: &open[..],
                due_on: Some(date!(2024 - 10 - 29)),
            },
            StoredDeadline {
                id: 2,
                events: &open[..],
                due_on: Some(date!(2024 - 10 - 28)),
            },
            StoredDeadline {
                id: 3,
                events: &closed[..],
                due_on: Some(date!(2024 - 10 - 01)),
            },
            StoredDeadline {
                id: 4,
                events: &december[..],
                due_on: None,
            },
        ];
        let today = date!(2026 - 12 - 11);
        let before = recompute_open_deadlines(
            stored.clone(),
            &Calendar::builtin(),
            &ClockSettings::default(),
            today,
        );
        assert_eq!(before.len(), 2);
        assert!(
            matches!(before[0], Recomputed::Changed { id: 2, due_on: Some(d), .. } if d == date!(2024 - 10 - 29))
        );
        assert!(matches!(
            &before[1],
            Recomputed::Failed {
                id: 4,
                error: ClockError::Calendar(CalendarError::MissingYear(2027))
            }
        ));

        let with_2027 = Calendar::builtin()
            .with_years_from_toml("[2027]\nholidays = [\"2027-01-01\"]\nworkdays = []\n")
            .unwrap();
        let after = recompute_open_deadlines(stored, &with_2027, &ClockSettings::default(), today);
        // 2026-12-10 + 20: 12-11..12-31 gives 15, then 2027-01-04..08 → 2027-01-08.
        assert!(
            matches!(after[1], Recomputed::Changed { id: 4, previous_due_on: None, due_on: Some(d), .. } if d == date!(2027 - 01 - 08))
        );
    }
}

//! `gongkai deadline` (statutory clock of one application) and `gongkai fee`
//! (information processing fee). Thin: parse the arguments, call the pure
//! rules in gongkai-domain, print text or JSON.

use anyhow::{anyhow, bail, Result};
use clap::{ArgGroup, Args, ValueEnum};
use gongkai_calendar::Calendar;
use gongkai_domain::clock::{
    compute_clock, ApplicationEvent, Channel, Clock, ClockSettings, ConsultationParty, EventKind,
    EventKindName,
};
use gongkai_domain::fees::{self, FeeAssessment};
use time::{format_description::BorrowedFormatItem, macros::format_description, Date};

const DATE_FORMAT: &[BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Recorded as the approver of an extension given on the command line without
/// one: the calculator still computes, and the explanation shows that no name was given.
pub const UNNAMED_APPROVER: &str = "负责人（未注明姓名）";

/// 提交渠道（条例第三十一条：不同渠道的收到日期不同）.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChannelArg {
    /// 当面提交
    InPerson,
    /// 邮寄（需签收）
    SignedMail,
    /// 平常信函
    OrdinaryMail,
    /// 互联网
    Online,
    /// 传真
    Fax,
}

impl From<ChannelArg> for Channel {
    fn from(channel: ChannelArg) -> Self {
        match channel {
            ChannelArg::InPerson => Channel::InPerson,
            ChannelArg::SignedMail => Channel::SignedMail,
            ChannelArg::OrdinaryMail => Channel::OrdinaryMail,
            ChannelArg::Online => Channel::Online,
            ChannelArg::Fax => Channel::Fax,
        }
    }
}

/// 计算一件依申请公开的答复期限。
#[derive(Debug, Clone, Args)]
pub struct DeadlineArgs {
    /// 收到申请的日期，YYYY-MM-DD（按条例第三十一条确定）
    #[arg(long, value_name = "DATE")]
    pub received: String,

    /// 提交渠道
    #[arg(long, value_enum, default_value = "in-person")]
    pub channel: ChannelArg,

    /// 办理事件，可重复：KIND:DATE[:DAYS]。KIND 为 correction-requested、correction-received、correction-expired、consultation-started、consultation-ended、extension-approved、fee-notice、fee-paid、fee-expired、answered、withdrawn；extension-approved 须写延期工作日数（可再加 :批准人），consultation-started/-ended 可加 :third-party 或 :co-author
    #[arg(long = "event", value_name = "KIND:DATE[:DAYS]")]
    pub events: Vec<String>,

    /// 批准延期的负责人（事件中未写批准人时使用）
    #[arg(long, value_name = "NAME")]
    pub approver: Option<String>,

    /// 以哪一天判断状态，YYYY-MM-DD；默认今天（北京时间）
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,

    /// 等待缴费的时间计入答复期限（默认不计入）
    #[arg(long)]
    pub count_fee_waiting: bool,

    /// 以 JSON 输出
    #[arg(long)]
    pub json: bool,
}

/// 计算信息处理费（国办函〔2020〕109号）；两种方式只能选一种。
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("fee_method").required(true).args(["applications_this_month", "pages"])))]
pub struct FeeArgs {
    /// 按件计收：同一申请人本自然月的申请件数（含本件）
    #[arg(long, value_name = "N")]
    pub applications_this_month: Option<u32>,

    /// 按量计收：页数
    #[arg(long, value_name = "N")]
    pub pages: Option<u32>,

    /// 以 JSON 输出
    #[arg(long)]
    pub json: bool,
}

/// Parses `YYYY-MM-DD`, naming the argument in the error.
pub fn parse_date(text: &str, what: &str) -> Result<Date> {
    Date::parse(text.trim(), DATE_FORMAT)
        .map_err(|_| anyhow!("{what}“{text}”不是有效日期，应写作 YYYY-MM-DD，例如 2024-09-26"))
}

/// Parses one `--event KIND:DATE[:DAYS]` value.
///
/// The third part is the number of working days for `extension-approved`
/// (required; a fourth part may name the approver, else `default_approver`,
/// else [`UNNAMED_APPROVER`]) and the party (`third-party`, `co-author`) for
/// consultations (optional, default third party). Other kinds take no third part.
pub fn parse_event(spec: &str, default_approver: Option<&str>) -> Result<ApplicationEvent> {
    let mut parts = spec.splitn(4, ':');
    let kind_text = parts.next().unwrap_or_default().trim();
    if kind_text.is_empty() {
        bail!(
            "事件“{spec}”缺少类型，应写作 类型:日期[:天数]，例如 extension-approved:2024-10-25:10"
        );
    }
    let kind_name: EventKindName = kind_text.parse()?;
    let date_text = parts.next().ok_or_else(|| {
        anyhow!("事件“{spec}”缺少日期，应写作 类型:日期[:天数]，例如 answered:2024-10-20")
    })?;
    let on = parse_date(date_text, &format!("事件“{spec}”中的日期"))?;
    let extra = parts.next().map(str::trim).filter(|text| !text.is_empty());
    let approver = parts.next().map(str::trim).filter(|text| !text.is_empty());

    let no_extra = |kind: EventKind| -> Result<EventKind> {
        match extra {
            Some(extra) => bail!(
                "事件“{spec}”：{}不需要第三段“{extra}”（只有 extension-approved 写延期天数，征求意见可写 third-party 或 co-author）",
                kind_name.label_zh()
            ),
            None => Ok(kind),
        }
    };
    let party = || -> Result<ConsultationParty> {
        match extra {
            Some(text) => Ok(text.parse()?),
            None => Ok(ConsultationParty::ThirdParty),
        }
    };
    if approver.is_some() && kind_name != EventKindName::ExtensionApproved {
        bail!("事件“{spec}”的段数过多，应写作 类型:日期[:天数]");
    }

    let kind = match kind_name {
        EventKindName::Received => {
            bail!("收到申请的日期请用 --received 指定，不能写成 --event received")
        }
        EventKindName::ExtensionApproved => {
            let days_text = extra.ok_or_else(|| {
                anyhow!("事件“{spec}”缺少延期的工作日数，应写作 extension-approved:日期:天数，例如 extension-approved:2024-10-25:10")
            })?;
            let working_days: u32 = days_text
                .parse()
                .map_err(|_| anyhow!("事件“{spec}”中的延期天数“{days_text}”不是正整数"))?;
            let approver = approver
                .or(default_approver
                    .map(str::trim)
                    .filter(|name| !name.is_empty()))
                .unwrap_or(UNNAMED_APPROVER);
            EventKind::ExtensionApproved {
                working_days,
                approver: approver.to_owned(),
            }
        }
        EventKindName::ConsultationStarted => EventKind::ConsultationStarted { party: party()? },
        EventKindName::ConsultationEnded => EventKind::ConsultationEnded { party: party()? },
        EventKindName::CorrectionRequested => no_extra(EventKind::CorrectionRequested)?,
        EventKindName::CorrectionReceived => no_extra(EventKind::CorrectionReceived)?,
        EventKindName::CorrectionExpired => no_extra(EventKind::CorrectionExpired)?,
        EventKindName::FeeNotice => no_extra(EventKind::FeeNotice)?,
        EventKindName::FeePaid => no_extra(EventKind::FeePaid)?,
        EventKindName::FeeExpired => no_extra(EventKind::FeeExpired)?,
        EventKindName::Answered => no_extra(EventKind::Answered)?,
        EventKindName::Withdrawn => no_extra(EventKind::Withdrawn)?,
        EventKindName::Reopened => no_extra(EventKind::Reopened)?,
    };
    Ok(ApplicationEvent::new(on, kind))
}

/// Today in Beijing time (the project keeps a fixed UTC+8 offset).
fn today_in_beijing() -> Date {
    time::OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+8))
        .date()
}

/// The clock for `args`, without printing: the testable core of `run_deadline`.
pub fn compute_deadline(args: &DeadlineArgs, calendar: &Calendar) -> Result<Clock> {
    let received_on = parse_date(&args.received, "--received 的日期")?;
    let today = match &args.today {
        Some(text) => parse_date(text, "--today 的日期")?,
        None => today_in_beijing(),
    };
    let mut events = vec![ApplicationEvent::new(
        received_on,
        EventKind::Received {
            channel: args.channel.into(),
        },
    )];
    for spec in &args.events {
        events.push(parse_event(spec, args.approver.as_deref())?);
    }
    let settings = ClockSettings {
        exclude_fee_waiting: !args.count_fee_waiting,
    };
    compute_clock(&events, calendar, &settings, today)
        .map_err(|error| anyhow!("无法计算答复期限：{error}"))
}

/// The `--json` shape: `{"due_on", "status", "explanation", …}`.
pub fn deadline_json(clock: &Clock) -> serde_json::Value {
    serde_json::json!({
        "due_on": clock.due_on.map(|due| due.to_string()),
        "status": clock.status,
        "status_text": clock.status_text,
        "explanation": clock.explanation,
        "warnings": clock.warnings,
        "received_on": clock.received_on.to_string(),
        "counting_from": clock.counting_from.to_string(),
        "extension_working_days": clock.extension_working_days,
        "excluded_working_days": clock.excluded_working_days,
        "remaining_working_days": clock.remaining_working_days,
    })
}

/// Human-readable text of a clock.
pub fn deadline_text(clock: &Clock) -> String {
    let mut text = match clock.due_on {
        Some(due) => format!("答复期限：{due}\n"),
        None => "答复期限：暂停计算（等待补正）\n".to_owned(),
    };
    text.push_str(&format!("状态：{}\n计算过程：\n", clock.status_text));
    for line in &clock.explanation {
        text.push_str(&format!("  {line}\n"));
    }
    if !clock.warnings.is_empty() {
        text.push_str("提醒：\n");
        for warning in &clock.warnings {
            text.push_str(&format!("  {warning}\n"));
        }
    }
    text
}

/// `gongkai deadline`. `calendar` is the compiled-in calendar plus any years
/// imported into the database.
pub fn run_deadline(args: &DeadlineArgs, calendar: &Calendar) -> Result<()> {
    let clock = compute_deadline(args, calendar)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&deadline_json(&clock))?);
    } else {
        print!("{}", deadline_text(&clock));
    }
    Ok(())
}

/// The fee for `args`, without printing.
pub fn compute_fee(args: &FeeArgs) -> Result<FeeAssessment> {
    match (args.applications_this_month, args.pages) {
        (Some(applications), None) => Ok(fees::assess_per_application(applications)?),
        (None, Some(pages)) => Ok(fees::assess_per_page(pages)),
        (Some(_), Some(_)) => bail!(
            "一件申请只能采用一种计收方式：--applications-this-month（按件计收）与 --pages（按量计收）不能同时使用"
        ),
        (None, None) => bail!(
            "请指定计收方式：--applications-this-month N（按件计收）或 --pages N（按量计收）"
        ),
    }
}

/// `gongkai fee`.
pub fn run_fee(args: &FeeArgs) -> Result<()> {
    let assessment = compute_fee(args)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&assessment)?);
    } else {
        println!("信息处理费：{}元", assessment.amount_yuan);
        for line in &assessment.explanation {
            println!("  {line}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use gongkai_domain::clock::Status;
    use time::macros::date;

    #[derive(Parser)]
    struct DeadlineCli {
        #[command(flatten)]
        args: DeadlineArgs,
    }

    #[derive(Parser)]
    struct FeeCli {
        #[command(flatten)]
        args: FeeArgs,
    }

    fn deadline(argv: &[&str]) -> Result<Clock> {
        let cli =
            DeadlineCli::try_parse_from(std::iter::once("deadline").chain(argv.iter().copied()))?;
        compute_deadline(&cli.args, &Calendar::builtin())
    }

    #[test]
    fn event_specs_parse() {
        assert_eq!(
            parse_event("answered:2024-10-20", None).unwrap(),
            ApplicationEvent::new(date!(2024 - 10 - 20), EventKind::Answered)
        );
        assert_eq!(
            parse_event("fee_notice:2024-10-20", None).unwrap().kind,
            EventKind::FeeNotice
        );
        assert_eq!(
            parse_event("extension-approved:2024-10-25:10", None)
                .unwrap()
                .kind,
            EventKind::ExtensionApproved {
                working_days: 10,
                approver: UNNAMED_APPROVER.to_owned()
            }
        );
        assert_eq!(
            parse_event("extension-approved:2024-10-25:10", Some("李主任"))
                .unwrap()
                .kind,
            EventKind::ExtensionApproved {
                working_days: 10,
                approver: "李主任".to_owned()
            }
        );
        assert_eq!(
            parse_event("extension-approved:2024-10-25:10:张主任", Some("李主任"))
                .unwrap()
                .kind,
            EventKind::ExtensionApproved {
                working_days: 10,
                approver: "张主任".to_owned()
            }
        );
        assert_eq!(
            parse_event("consultation-started:2024-10-08:co-author", None)
                .unwrap()
                .kind,
            EventKind::ConsultationStarted {
                party: ConsultationParty::CoAuthor
            }
        );
        assert_eq!(
            parse_event("consultation-ended:2024-10-15", None)
                .unwrap()
                .kind,
            EventKind::ConsultationEnded {
                party: ConsultationParty::ThirdParty
            }
        );
    }

    #[test]
    fn bad_event_specs_say_what_is_wrong() {
        let message = |spec: &str| parse_event(spec, None).unwrap_err().to_string();
        assert!(message("bogus:2024-10-20").starts_with("未知的事件类型“bogus”"));
        assert_eq!(
            message("answered"),
            "事件“answered”缺少日期，应写作 类型:日期[:天数]，例如 answered:2024-10-20"
        );
        assert_eq!(
            message("answered:2024-02-30"),
            "事件“answered:2024-02-30”中的日期“2024-02-30”不是有效日期，应写作 YYYY-MM-DD，例如 2024-09-26"
        );
        assert!(message("extension-approved:2024-10-25").contains("缺少延期的工作日数"));
        assert!(message("extension-approved:2024-10-25:ten").contains("不是正整数"));
        assert!(message("answered:2024-10-20:3").contains("不需要第三段"));
        assert!(
            message("consultation-started:2024-10-08:someone").starts_with("未知的征求意见对象")
        );
        assert!(message("received:2024-10-08").contains("--received"));
        assert!(message(":2024-10-08").contains("缺少类型"));
    }

    #[test]
    fn acceptance_received_2024_09_26() {
        let clock = deadline(&[
            "--received",
            "2024-09-26",
            "--json",
            "--today",
            "2024-10-08",
        ])
        .unwrap();
        let json = deadline_json(&clock);
        assert_eq!(json["due_on"], "2024-10-29");
        assert_eq!(json["status"], "on_time");
        assert_eq!(json["explanation"][0], "2024-09-26 当面提交，次日起算");
    }

    #[test]
    fn acceptance_missing_2027() {
        let error = deadline(&["--received", "2026-12-20"])
            .unwrap_err()
            .to_string();
        assert!(error.contains("缺少2027年的节假日安排数据"), "{error}");
    }

    #[test]
    fn events_and_channels_flow_through() {
        let clock = deadline(&[
            "--received",
            "2024-09-26",
            "--channel",
            "signed-mail",
            "--event",
            "consultation-started:2024-10-08",
            "--event",
            "consultation-ended:2024-10-15",
            "--event",
            "answered:2024-11-06",
            "--today",
            "2024-12-01",
        ])
        .unwrap();
        assert_eq!(clock.due_on, Some(date!(2024 - 11 - 06)));
        assert_eq!(clock.status, Status::AnsweredOnTime);
        assert_eq!(clock.explanation[0], "2024-09-26 邮寄申请签收，次日起算");
        let extended = deadline(&[
            "--received",
            "2024-09-26",
            "--event",
            "extension-approved:2024-10-25:20",
            "--approver",
            "张主任",
            "--today",
            "2024-10-25",
        ])
        .unwrap();
        assert_eq!(extended.due_on, Some(date!(2024 - 11 - 26)));
        assert!(extended
            .explanation
            .iter()
            .any(|line| line.contains("经张主任批准延期20个工作日")));
        assert!(deadline(&["--received", "2024-09-26", "--channel", "pigeon"]).is_err());
        let bad_extension = deadline(&[
            "--received",
            "2024-09-26",
            "--event",
            "extension-approved:2024-10-25:21",
        ])
        .unwrap_err()
        .to_string();
        assert!(
            bad_extension.contains("延期须为1至20个工作日"),
            "{bad_extension}"
        );
    }

    #[test]
    fn fee_needs_exactly_one_method() {
        let fee = |argv: &[&str]| {
            FeeCli::try_parse_from(std::iter::once("fee").chain(argv.iter().copied()))
                .map(|cli| compute_fee(&cli.args))
        };
        assert_eq!(
            fee(&["--applications-this-month", "31"])
                .unwrap()
                .unwrap()
                .amount_yuan,
            2_200
        );
        assert_eq!(fee(&["--pages", "101"]).unwrap().unwrap().amount_yuan, 720);
        assert!(fee(&["--pages", "101", "--applications-this-month", "3"]).is_err());
        assert!(fee(&[]).is_err());
        let both = FeeArgs {
            applications_this_month: Some(3),
            pages: Some(3),
            json: false,
        };
        assert!(compute_fee(&both)
            .unwrap_err()
            .to_string()
            .contains("只能采用一种计收方式"));
    }
}

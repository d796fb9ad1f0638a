//! Information processing fee (信息处理费), 《政府信息公开信息处理费管理办法》
//! 国办函〔2020〕109号, in force from 2021-01-01.
//!
//! Providing information is free; a fee is charged only when an applicant's
//! number or frequency of applications clearly exceeds a reasonable range
//! (条例 Art. 42). For one application the agency uses one method, never both
//! ([`FeeMethod`]), and both are progressive: each tier's rate applies only to
//! the part inside the tier. All rates are whole yuan, so amounts are exact
//! integers of yuan.

use serde::{Deserialize, Serialize};

/// 按件计收: applications 1–10 of the same applicant in one calendar month are free.
pub const FREE_APPLICATIONS_PER_MONTH: u64 = 10;
/// 按件计收: applications 11–30 cost 100 元 each.
pub const SECOND_TIER_LAST_APPLICATION: u64 = 30;
/// 按件计收: from the 31st, bands of 10, each band 100 元 more per application.
pub const APPLICATION_BAND_SIZE: u64 = 10;
pub const APPLICATION_RATE_STEP_YUAN: u64 = 100;
/// 按量计收: pages 1–30 free; 31–100 at 10 元; 101–200 at 20 元; from 201 at 40 元.
pub const PAGE_TIERS: [(u64, Option<u64>, u64); 4] = [
    (1, Some(30), 0),
    (31, Some(100), 10),
    (101, Some(200), 20),
    (201, None, 40),
];
/// Above this many applications in one month the input is almost certainly a
/// typo; refusing it also keeps the per-band explanation short.
pub const MAX_APPLICATIONS_PER_MONTH: u32 = 100_000;

/// The one method used for an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeMethod {
    /// 按件计收, counted per applicant per calendar month.
    PerApplication,
    /// 按量计收, counted in pages (paper, e-mail or copied electronic data).
    PerPage,
}

impl FeeMethod {
    pub fn label_zh(self) -> &'static str {
        match self {
            FeeMethod::PerApplication => "按件计收",
            FeeMethod::PerPage => "按量计收",
        }
    }

    fn unit_zh(self) -> &'static str {
        match self {
            FeeMethod::PerApplication => "件",
            FeeMethod::PerPage => "页",
        }
    }
}

/// One tier's share of the fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FeeLine {
    /// First and last unit (application ordinal or page) of the tier that are charged here.
    pub first: u64,
    pub last: u64,
    pub rate_yuan: u64,
    pub amount_yuan: u64,
}

impl FeeLine {
    pub fn count(&self) -> u64 {
        self.last + 1 - self.first
    }
}

/// The fee of one assessment, with its working.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeAssessment {
    pub method: FeeMethod,
    /// Applications this month (including this one) or pages.
    pub quantity: u64,
    /// The fee in yuan: for pages, the fee of this application; per application,
    /// the month's total for applications 1..=quantity.
    pub amount_yuan: u64,
    /// Per application only: the fee of the `quantity`-th application itself.
    pub this_application_yuan: Option<u64>,
    pub lines: Vec<FeeLine>,
    pub explanation: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    #[error(
        "按件计收的本月申请件数为{0}件，超过可计算的上限{MAX_APPLICATIONS_PER_MONTH}件，请核对"
    )]
    TooManyApplications(u32),
}

/// The fee of the `ordinal`-th application of one applicant in one calendar month.
pub fn per_application_rate(ordinal: u64) -> u64 {
    if ordinal <= FREE_APPLICATIONS_PER_MONTH {
        0
    } else if ordinal <= SECOND_TIER_LAST_APPLICATION {
        APPLICATION_RATE_STEP_YUAN
    } else {
        let band = (ordinal - SECOND_TIER_LAST_APPLICATION - 1) / APPLICATION_BAND_SIZE;
        APPLICATION_RATE_STEP_YUAN * (2 + band)
    }
}

/// The rate of one page.
pub fn per_page_rate(page: u64) -> u64 {
    PAGE_TIERS
        .iter()
        .find(|(first, last, _)| page >= *first && last.is_none_or(|last| page <= last))
        .map_or(0, |&(_, _, rate)| rate)
}

/// 按件计收 for the month's `applications_this_month` applications of one
/// applicant (this one included).
pub fn assess_per_application(applications_this_month: u32) -> Result<FeeAssessment, FeeError> {
    if applications_this_month > MAX_APPLICATIONS_PER_MONTH {
        return Err(FeeError::TooManyApplications(applications_this_month));
    }
    let quantity = u64::from(applications_this_month);
    let mut tiers = vec![
        (1, FREE_APPLICATIONS_PER_MONTH),
        (
            FREE_APPLICATIONS_PER_MONTH + 1,
            SECOND_TIER_LAST_APPLICATION,
        ),
    ];
    let mut band_first = SECOND_TIER_LAST_APPLICATION + 1;
    while band_first <= quantity {
        tiers.push((band_first, band_first + APPLICATION_BAND_SIZE - 1));
        band_first += APPLICATION_BAND_SIZE;
    }
    let lines = tier_lines(
        quantity,
        tiers
            .into_iter()
            .map(|(first, last)| (first, Some(last), per_application_rate(first))),
    );
    let this_application_yuan = (quantity > 0).then(|| per_application_rate(quantity));
    let mut assessment = assessment(FeeMethod::PerApplication, quantity, lines);
    assessment.this_application_yuan = this_application_yuan;
    let closing = match this_application_yuan {
        Some(fee) => format!("其中本件（第{quantity}件）收费{fee}元"),
        None => "本月尚无申请，不收费".to_owned(),
    };
    assessment.explanation.push(closing);
    Ok(assessment)
}

/// 按量计收 for `pages` pages of one application.
pub fn assess_per_page(pages: u32) -> FeeAssessment {
    let quantity = u64::from(pages);
    let lines = tier_lines(quantity, PAGE_TIERS.into_iter());
    assessment(FeeMethod::PerPage, quantity, lines)
}

/// Splits units `1..=quantity` over the tiers.
fn tier_lines(quantity: u64, tiers: impl Iterator<Item = (u64, Option<u64>, u64)>) -> Vec<FeeLine> {
    tiers
        .filter(|(first, _, _)| *first <= quantity)
        .map(|(first, last, rate_yuan)| {
            let last = last.map_or(quantity, |last| last.min(quantity));
            FeeLine {
                first,
                last,
                rate_yuan,
                amount_yuan: (last + 1 - first) * rate_yuan,
            }
        })
        .collect()
}

fn assessment(method: FeeMethod, quantity: u64, lines: Vec<FeeLine>) -> FeeAssessment {
    let unit = method.unit_zh();
    let scope = match method {
        FeeMethod::PerApplication => "同一申请人本自然月",
        FeeMethod::PerPage => "本件申请",
    };
    let mut explanation = vec![format!(
        "{}（国办函〔2020〕109号，分档累进）：{scope}共{quantity}{unit}",
        method.label_zh()
    )];
    for line in &lines {
        let span = if line.first == line.last {
            format!("第{}{unit}", line.first)
        } else {
            format!("第{}至{}{unit}", line.first, line.last)
        };
        explanation.push(if line.rate_yuan == 0 {
            format!("{span}不收费")
        } else {
            format!(
                "{span}：{}{unit}×{}元＝{}元",
                line.count(),
                line.rate_yuan,
                line.amount_yuan
            )
        });
    }
    let amount_yuan = lines.iter().map(|line| line.amount_yuan).sum();
    explanation.push(format!("合计{amount_yuan}元"));
    FeeAssessment {
        method,
        quantity,
        amount_yuan,
        this_application_yuan: None,
        lines,
        explanation,
    }
}

/// One step of an application's fee record, in the order recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeStep {
    /// A 收费通知 for this amount (元) went out.
    Notice { amount_yuan: u64 },
    /// The applicant paid the pending notice on this date.
    Paid { on: time::Date },
}

/// 信息处理费 collected in `year` (元) from one application's fee steps: the
/// amount of each notice whose payment is dated in the year (annual report
/// section 六, 国办函〔2020〕109号). A payment without a pending notice
/// collects nothing; an unpaid notice (expired or still pending) neither.
pub fn collected_in_year(steps: impl IntoIterator<Item = FeeStep>, year: i32) -> u64 {
    let mut pending: Option<u64> = None;
    let mut total: u64 = 0;
    for step in steps {
        match step {
            FeeStep::Notice { amount_yuan } => pending = Some(amount_yuan),
            FeeStep::Paid { on } => {
                if let Some(amount) = pending.take() {
                    if on.year() == year {
                        total = total.saturating_add(amount);
                    }
                }
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month_total(n: u32) -> u64 {
        assess_per_application(n).unwrap().amount_yuan
    }

    #[test]
    fn application_rates_at_every_edge() {
        let cases = [
            (1, 0),
            (10, 0),
            (11, 100),
            (30, 100),
            (31, 200),
            (40, 200),
            (41, 300),
            (50, 300),
            (51, 400),
        ];
        for (ordinal, rate) in cases {
            assert_eq!(per_application_rate(ordinal), rate, "application {ordinal}");
        }
    }

    #[test]
    fn application_totals_at_every_edge() {
        let cases = [
            (0, 0),
            (10, 0),
            (11, 100),
            (30, 2_000),
            (31, 2_200),
            (40, 4_000),
            (41, 4_300),
            (50, 7_000),
        ];
        for (n, total) in cases {
            assert_eq!(month_total(n), total, "{n} applications");
        }
        let totals_by_sum: u64 = (1..=137).map(per_application_rate).sum();
        assert_eq!(month_total(137), totals_by_sum);
    }

    #[test]
    fn page_fees_at_every_edge() {
        let cases = [
            (0, 0),
            (30, 0),
            (31, 10),
            (100, 700),
            (101, 720),
            (200, 2_700),
            (201, 2_740),
            (250, 4_700),
        ];
        for (pages, fee) in cases {
            assert_eq!(assess_per_page(pages).amount_yuan, fee, "{pages} pages");
        }
        let by_sum: u64 = (1..=777).map(per_page_rate).sum();
        assert_eq!(assess_per_page(777).amount_yuan, by_sum);
    }

    #[test]
    fn explanations_show_each_tier() {
        assert_eq!(
            assess_per_application(41).unwrap().explanation,
            vec![
                "按件计收（国办函〔2020〕109号，分档累进）：同一申请人本自然月共41件",
                "第1至10件不收费",
                "第11至30件：20件×100元＝2000元",
                "第31至40件：10件×200元＝2000元",
                "第41件：1件×300元＝300元",
                "合计4300元",
                "其中本件（第41件）收费300元",
            ]
        );
        assert_eq!(
            assess_per_page(201).explanation,
            vec![
                "按量计收（国办函〔2020〕109号，分档累进）：本件申请共201页",
                "第1至30页不收费",
                "第31至100页：70页×10元＝700元",
                "第101至200页：100页×20元＝2000元",
                "第201页：1页×40元＝40元",
                "合计2740元",
            ]
        );
    }

    #[test]
    fn absurd_counts_are_refused_in_chinese() {
        let error = assess_per_application(MAX_APPLICATIONS_PER_MONTH + 1).unwrap_err();
        assert_eq!(
            error.to_string(),
            "按件计收的本月申请件数为100001件，超过可计算的上限100000件，请核对"
        );
        assert!(assess_per_application(MAX_APPLICATIONS_PER_MONTH).is_ok());
        assert_eq!(assess_per_page(u32::MAX).lines.len(), 4);
    }

    #[test]
    fn fees_collected_count_in_the_year_of_payment() {
        use time::macros::date;
        let steps = [
            FeeStep::Notice { amount_yuan: 200 },
            FeeStep::Paid {
                on: date!(2025 - 12 - 30),
            },
            FeeStep::Notice { amount_yuan: 100 },
            FeeStep::Paid {
                on: date!(2026 - 01 - 05),
            },
            FeeStep::Paid {
                on: date!(2026 - 01 - 06),
            },
            FeeStep::Notice { amount_yuan: 40 },
        ];
        assert_eq!(collected_in_year(steps, 2025), 200);
        assert_eq!(collected_in_year(steps, 2026), 100);
        assert_eq!(collected_in_year(steps, 2024), 0);
    }
}

//! One applicant across applications (issue 5 §3): hints for repeated
//! applications, the count of applications per calendar month that the fee
//! tiers of [`crate::fees`] are based on, and the "excessive" warning.
//!
//! Two applications have the same applicant when their
//! [`IdentityKey`](crate::applicant::IdentityKey)s are equal (normalised ID
//! number or credit code, else the phone); callers group by that key and hand
//! this module one applicant's applications. All counting is within one
//! agency: the agency decides on repeats (（五）2) and charges the fees.
//!
//! **Similar requests.** A request is reduced to its letters and digits
//! (full-width folded to half-width, Latin letters lower-cased; punctuation
//! and spaces dropped) and compared by the Jaccard index of its character
//! bigrams: |A ∩ B| / |A ∪ B| ≥ [`SIMILARITY_THRESHOLD`] (0.5). A request of a
//! single character is its own one "bigram"; an empty one is similar to
//! nothing. Bigrams suit Chinese, which has no spaces between words, and are
//! simple enough to explain to an applicant.
//!
//! **Repeated.** An application repeats an earlier one of the same applicant
//! when it was received on or after it (the same day: registered after it)
//! and at most [`REPEAT_WINDOW_MONTHS`] calendar months later, and the
//! requests are similar. This is a hint for the handler, never a decision:
//! only the handler can judge whether 条例 Art. 36(6) applies.
//!
//! **Monthly count and excessive.** The fee rules count an applicant's
//! applications per calendar month (国办函〔2020〕109号); this application's
//! ordinal in its month gives its 按件计收 rate. More than
//! [`FREE_APPLICATIONS_PER_MONTH`] (10) in one month — the point from which a
//! fee may be charged because the number "clearly exceeds a reasonable
//! range" (条例 Art. 42) — is flagged "excessive", so that the handler may
//! consider Art. 35 (asking for reasons) or the fee.

use crate::fees::{per_application_rate, FREE_APPLICATIONS_PER_MONTH};
use serde::Serialize;
use std::collections::HashSet;
use time::{Date, Month};

/// How far back (calendar months) an earlier similar application makes this one a repeat.
pub const REPEAT_WINDOW_MONTHS: u8 = 6;
/// Minimum Jaccard index of the character bigrams for two requests to be "similar".
pub const SIMILARITY_THRESHOLD: f64 = 0.5;
/// At most this many earlier applications are named in hints (the most similar first).
pub const MAX_REPEAT_HINTS: usize = 5;

/// One application of an applicant, as far as these hints need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filing<'a> {
    pub id: i64,
    pub received_on: Date,
    pub request: &'a str,
}

/// One hint about an application.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Hint {
    /// A similar request of the same applicant within six months before.
    Repeated {
        earlier_id: i64,
        #[serde(with = "iso_date")]
        earlier_received_on: Date,
        /// Similarity in percent (Jaccard index of character bigrams).
        similarity_percent: u8,
    },
    /// This application's place in its calendar month, and its 按件计收 rate.
    MonthlyCount {
        year: i32,
        month: u8,
        /// This application is the `ordinal`-th of the month (by receipt, then registration).
        ordinal: u32,
        /// Applications of the month so far (this one included), as registered.
        total: u32,
        /// 按件计收 rate of this application in yuan (0 for the first 10).
        rate_yuan: u64,
    },
    /// More than 10 applications in one calendar month.
    Excessive { year: i32, month: u8, total: u32 },
}

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

impl Hint {
    /// The machine name of the kind (`repeated`, `monthly_count`, `excessive`).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Hint::Repeated { .. } => "repeated",
            Hint::MonthlyCount { .. } => "monthly_count",
            Hint::Excessive { .. } => "excessive",
        }
    }

    /// Whether a list should flag it (a monthly count alone is information).
    pub fn is_warning(&self) -> bool {
        !matches!(self, Hint::MonthlyCount { .. })
    }

    /// The hint as one Chinese sentence (no personal data).
    pub fn message_zh(&self) -> String {
        match self {
            Hint::Repeated {
                earlier_id,
                earlier_received_on,
                similarity_percent,
            } => format!(
                "疑似重复申请：同一申请人于{}（{REPEAT_WINDOW_MONTHS}个月内）提出的第{earlier_id}号申请内容相似（相似度{similarity_percent}%），请核实是否属于条例第三十六条第（六）项的重复申请",
                date_zh(*earlier_received_on)
            ),
            Hint::MonthlyCount {
                year,
                month,
                ordinal,
                total,
                rate_yuan,
            } => {
                let rate = if *rate_yuan == 0 {
                    "按件计收不收费".to_owned()
                } else {
                    format!("按件计收每件{rate_yuan}元")
                };
                format!(
                    "同一申请人{year}年{month}月共{total}件申请，本件为第{ordinal}件（{rate}）"
                )
            }
            Hint::Excessive { year, month, total } => format!(
                "申请数量明显超过合理范围：同一申请人{year}年{month}月已提出{total}件申请（超过{FREE_APPLICATIONS_PER_MONTH}件），可依条例第三十五条要求说明理由，或依国办函〔2020〕109号收取信息处理费"
            ),
        }
    }
}

fn date_zh(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

/// The request reduced to what similarity compares: letters and digits,
/// half-width, Latin letters lower-cased.
pub fn normalize_request(text: &str) -> Vec<char> {
    text.chars()
        .map(crate::applicant::to_half_width)
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The character bigrams of a normalised request (one "bigram" of a single character).
pub fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars = normalize_request(text);
    match chars.as_slice() {
        [] => HashSet::new(),
        [c] => HashSet::from([(*c, *c)]),
        _ => chars.windows(2).map(|w| (w[0], w[1])).collect(),
    }
}

/// Jaccard index of the bigram sets, in `0.0..=1.0`; 0 when either is empty.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let common = x.intersection(&y).count();
    let union = x.len() + y.len() - common;
    // Both counts are small; the ratio is exact enough for a threshold.
    common as f64 / union as f64
}

/// Whether two requests are similar (see the module documentation).
pub fn is_similar(a: &str, b: &str) -> bool {
    similarity(a, b) >= SIMILARITY_THRESHOLD
}

/// The same day `months` calendar months earlier (the last day of that month
/// when it is shorter), e.g. 2025-08-31 → 2025-02-28 for 6.
pub fn months_before(date: Date, months: u8) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 - i32::from(months);
    let year = total.div_euclid(12);
    let month_number = u8::try_from(total.rem_euclid(12) + 1).unwrap_or(1);
    let month = Month::try_from(month_number).unwrap_or(Month::January);
    let mut day = date.day();
    loop {
        if let Ok(d) = Date::from_calendar_date(year, month, day) {
            return d;
        }
        if day <= 28 {
            return date;
        }
        day -= 1;
    }
}

/// Whether `other` comes before `this` in the order applications are counted:
/// by receipt date, then by registration (id).
fn comes_before(other: &Filing<'_>, this: &Filing<'_>) -> bool {
    (other.received_on, other.id) < (this.received_on, this.id)
}

/// The hints for `this`, given every application of the same applicant in
/// the agency (`same_applicant`; `this` itself may be among them and is skipped).
/// Order: repeats (most similar first), the monthly count, excessive.
pub fn hints_for(this: &Filing<'_>, same_applicant: &[Filing<'_>]) -> Vec<Hint> {
    let others: Vec<&Filing<'_>> = same_applicant.iter().filter(|f| f.id != this.id).collect();
    let window_start = months_before(this.received_on, REPEAT_WINDOW_MONTHS);
    let mut repeats: Vec<(f64, &Filing<'_>)> = others
        .iter()
        .filter(|f| comes_before(f, this) && f.received_on >= window_start)
        .map(|f| (similarity(this.request, f.request), *f))
        .filter(|(s, _)| *s >= SIMILARITY_THRESHOLD)
        .collect();
    repeats.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.received_on.cmp(&a.1.received_on))
    });
    let mut hints: Vec<Hint> = repeats
        .into_iter()
        .take(MAX_REPEAT_HINTS)
        .map(|(s, f)| Hint::Repeated {
            earlier_id: f.id,
            earlier_received_on: f.received_on,
            similarity_percent: percent(s),
        })
        .collect();

    let same_month = |f: &Filing<'_>| {
        f.received_on.year() == this.received_on.year()
            && f.received_on.month() == this.received_on.month()
    };
    let before = others
        .iter()
        .filter(|f| same_month(f) && comes_before(f, this))
        .count();
    let total = others.iter().filter(|f| same_month(f)).count() + 1;
    let ordinal = u32::try_from(before + 1).unwrap_or(u32::MAX);
    let total = u32::try_from(total).unwrap_or(u32::MAX);
    let (year, month) = (this.received_on.year(), u8::from(this.received_on.month()));
    hints.push(Hint::MonthlyCount {
        year,
        month,
        ordinal,
        total,
        rate_yuan: per_application_rate(u64::from(ordinal)),
    });
    if u64::from(total) > FREE_APPLICATIONS_PER_MONTH {
        hints.push(Hint::Excessive { year, month, total });
    }
    hints
}

fn percent(s: f64) -> u8 {
    // `s` lies in 0..=1; the cast cannot overflow.
    (s.clamp(0.0, 1.0) * 100.0).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn filing(id: i64, received_on: Date, request: &str) -> Filing<'_> {
        Filing {
            id,
            received_on,
            request,
        }
    }

    #[test]
    fn similarity_of_chinese_requests() {
        let a = "本街道2024年老旧小区改造资金使用情况";
        let b = "申请公开本街道2024年老旧小区改造资金的使用情况";
        let c = "某项目环境影响评价批复文件";
        assert!(is_similar(a, b), "{}", similarity(a, b));
        assert!(!is_similar(a, c), "{}", similarity(a, c));
        assert_eq!(similarity(a, a), 1.0);
        // Punctuation, spaces and full-width forms do not matter.
        assert_eq!(similarity("ＡＢＣ，１２３", "abc 123"), 1.0);
        assert_eq!(similarity("", a), 0.0);
        assert_eq!(similarity("。。", "。。"), 0.0);
        assert_eq!(similarity("路", "路"), 1.0);
    }

    #[test]
    fn months_before_clamps_to_month_end() {
        assert_eq!(
            months_before(date!(2025 - 08 - 31), 6),
            date!(2025 - 02 - 28)
        );
        assert_eq!(
            months_before(date!(2024 - 08 - 31), 6),
            date!(2024 - 02 - 29)
        );
        assert_eq!(
            months_before(date!(2025 - 03 - 15), 6),
            date!(2024 - 09 - 15)
        );
        assert_eq!(
            months_before(date!(2025 - 06 - 30), 6),
            date!(2024 - 12 - 30)
        );
    }

    #[test]
    fn repeats_within_six_months_only() {
        let req = "本街道2024年老旧小区改造资金使用情况";
        let this = filing(10, date!(2025 - 09 - 15), req);
        let all = [
            filing(1, date!(2025 - 03 - 14), req), // 6 months and a day: out
            filing(2, date!(2025 - 03 - 15), req), // exactly 6 months: in
            filing(3, date!(2025 - 09 - 01), "某项目环境影响评价批复"), // not similar
            filing(4, date!(2025 - 09 - 20), req), // later: not an earlier one
            this,
        ];
        let hints = hints_for(&this, &all);
        let repeated: Vec<i64> = hints
            .iter()
            .filter_map(|h| match h {
                Hint::Repeated { earlier_id, .. } => Some(*earlier_id),
                _ => None,
            })
            .collect();
        assert_eq!(repeated, vec![2]);
        assert!(
            hints[0].message_zh().contains("第2号申请"),
            "{}",
            hints[0].message_zh()
        );
        // The same day counts when registered earlier.
        let same_day = [filing(9, date!(2025 - 09 - 15), req), this];
        assert!(matches!(
            hints_for(&this, &same_day)[0],
            Hint::Repeated {
                earlier_id: 9,
                similarity_percent: 100,
                ..
            }
        ));
        let later_same_day = [filing(11, date!(2025 - 09 - 15), req), this];
        assert!(!hints_for(&this, &later_same_day)[0].is_warning());
    }

    #[test]
    fn monthly_count_and_excessive() {
        let month: Vec<Filing<'_>> = (1..=12)
            .map(|i| filing(i, date!(2025 - 05 - 01), "不同的申请"))
            .chain([filing(99, date!(2025 - 04 - 30), "上个月")])
            .collect();
        let eleventh = month[10];
        let hints = hints_for(&eleventh, &month);
        assert!(hints.contains(&Hint::MonthlyCount {
            year: 2025,
            month: 5,
            ordinal: 11,
            total: 12,
            rate_yuan: 100
        }));
        assert!(hints.contains(&Hint::Excessive {
            year: 2025,
            month: 5,
            total: 12
        }));
        let first = hints_for(&month[0], &month[..10]);
        assert_eq!(
            first,
            vec![Hint::MonthlyCount {
                year: 2025,
                month: 5,
                ordinal: 1,
                total: 10,
                rate_yuan: 0
            }]
        );
        assert_eq!(
            first[0].message_zh(),
            "同一申请人2025年5月共10件申请，本件为第1件（按件计收不收费）"
        );
        let json = serde_json::to_value(&hints[hints.len() - 1]).unwrap();
        assert_eq!(json["kind"], "excessive");
        assert_eq!(json["total"], 12);
    }

    fn request() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just('街'),
                Just('道'),
                Just('资'),
                Just('金'),
                Just('1'),
                Just('a'),
                Just('，')
            ],
            0..12,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn similarity_is_a_symmetric_index(a in request(), b in request()) {
            let s = similarity(&a, &b);
            prop_assert!((0.0..=1.0).contains(&s));
            prop_assert_eq!(s, similarity(&b, &a));
            if !bigrams(&a).is_empty() {
                prop_assert_eq!(similarity(&a, &a), 1.0);
            }
        }

        #[test]
        fn counts_and_repeats_are_consistent(
            days in proptest::collection::vec(0i64..400, 1..30),
            requests in proptest::collection::vec(request(), 30),
            pick in 0usize..30,
        ) {
            let start = date!(2024 - 01 - 01);
            let filings: Vec<Filing<'_>> = days
                .iter()
                .enumerate()
                .map(|(i, d)| filing(i as i64 + 1, start + time::Duration::days(*d), &requests[i]))
                .collect();
            let this = filings[pick % filings.len()];
            let hints = hints_for(&this, &filings);
            let mut counts = 0;
            for h in &hints {
                match h {
                    Hint::Repeated { earlier_id, earlier_received_on, .. } => {
                        let earlier = filings.iter().find(|f| f.id == *earlier_id).unwrap();
                        prop_assert!(comes_before(earlier, &this));
                        prop_assert!(*earlier_received_on >= months_before(this.received_on, 6));
                        prop_assert!(is_similar(earlier.request, this.request));
                    }
                    Hint::MonthlyCount { ordinal, total, rate_yuan, .. } => {
                        counts += 1;
                        let in_month = filings.iter().filter(|f| {
                            f.received_on.year() == this.received_on.year()
                                && f.received_on.month() == this.received_on.month()
                        }).count() as u32;
                        prop_assert_eq!(*total, in_month);
                        prop_assert!(*ordinal >= 1 && ordinal <= total);
                        prop_assert_eq!(*rate_yuan, per_application_rate(u64::from(*ordinal)));
                        let excessive = hints.iter().any(|h| matches!(h, Hint::Excessive { .. }));
                        prop_assert_eq!(excessive, *total > 10);
                    }
                    Hint::Excessive { .. } => {}
                }
            }
            prop_assert_eq!(counts, 1);
            let repeats = hints.iter().filter(|h| matches!(h, Hint::Repeated { .. })).count();
            prop_assert!(repeats <= MAX_REPEAT_HINTS);
        }
    }
}

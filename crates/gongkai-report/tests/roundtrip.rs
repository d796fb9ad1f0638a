//! Random valid reports → layout (Doc), plain text and JSON → read back → identical model.
#![allow(clippy::needless_range_loop)]

use gongkai_report::labels::{self, FieldKind};
use gongkai_report::{
    check, doc_from_text_lines, from_json, layout, read_report, to_json, to_text, AnnualReport,
    Format, Value,
};
use proptest::prelude::*;

fn report_strategy() -> impl Strategy<Value = AnnualReport> {
    (
        any::<bool>(),
        proptest::option::of(2019i32..2030),
        proptest::option::of(prop::sample::select(vec![
            "甲乙县人民政府",
            "丙丁市戊己区庚辛街道办事处",
            "壬癸市生态环境局",
        ])),
        proptest::collection::vec(0i64..5000, 80),
        proptest::collection::vec(0i64..30, 200),
        proptest::collection::vec(0i64..9, 12),
    )
        .prop_map(|(f2019, year, agency, pro, apps, appeals)| {
            let format = if f2019 { Format::F2019 } else { Format::F2021 };
            let mut r = AnnualReport::zeroed(format);
            r.year = year;
            r.agency = agency.filter(|_| year.is_some()).map(str::to_string);
            let blocks = labels::proactive_blocks(format);
            let mut k = 0;
            for ((b, _), slot) in labels::proactive_rows(format)
                .iter()
                .zip(r.proactive.iter_mut())
            {
                let fields = blocks[*b].fields;
                let vals = fields
                    .iter()
                    .map(|f| {
                        k += 1;
                        let n = pro[k % pro.len()];
                        match f.kind {
                            FieldKind::Count => Value::Int(n),
                            FieldKind::Change => Value::Int(n - 2500),
                            FieldKind::Money => Value::Text(format!("{}.{:02}", n, n % 100)),
                            FieldKind::Text => Value::Text(format!("{n}元")),
                        }
                    })
                    .collect();
                *slot = Some(vals);
            }
            // Table 三 consistent by construction: rows, totals, R1.
            let mut j = 0;
            let mut next = || {
                j += 1;
                apps[j % apps.len()]
            };
            let mut total = [0i64; 7];
            for i in labels::RESULT_ROWS {
                if labels::row_in_format(format, i) {
                    let mut row = [0i64; 7];
                    for c in 0..6 {
                        row[c] = next();
                    }
                    row[6] = row[..6].iter().sum();
                    for c in 0..7 {
                        total[c] += row[c];
                    }
                    r.applications[i] = Some(row);
                }
            }
            r.applications[labels::ROW_TOTAL] = Some(total);
            let mut carried_in = [0i64; 7];
            let mut carried_out = [0i64; 7];
            for c in 0..6 {
                carried_in[c] = next().min(total[c]);
                carried_out[c] = next();
            }
            carried_in[6] = carried_in[..6].iter().sum();
            carried_out[6] = carried_out[..6].iter().sum();
            let mut new = [0i64; 7];
            for c in 0..7 {
                new[c] = total[c] + carried_out[c] - carried_in[c];
            }
            r.applications[labels::ROW_NEW] = Some(new);
            r.applications[labels::ROW_CARRIED_IN] = Some(carried_in);
            r.applications[labels::ROW_CARRIED_OUT] = Some(carried_out);
            for b in 0..3 {
                let mut v = [0i64; 5];
                for f in 0..4 {
                    v[f] = appeals[b * 4 + f];
                }
                v[4] = v[..4].iter().sum();
                r.appeals[b] = Some(v);
            }
            r.narrative.sections[0] = "本年度工作稳步推进。".to_string();
            r.narrative.sections[4] = "队伍建设有待加强。".to_string();
            r.narrative.sections[5] = "无其他需要报告的事项。".to_string();
            r
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn layout_reads_back(r in report_strategy()) {
        prop_assert!(!gongkai_report::has_errors(&check(&r, None)));
        let out = read_report(&layout(&r));
        prop_assert_eq!(&out.report, &r);
        prop_assert!(!gongkai_report::has_errors(&out.findings), "{:#?}", out.findings);
    }

    #[test]
    fn text_reads_back(r in report_strategy()) {
        let out = read_report(&doc_from_text_lines(&to_text(&r)));
        prop_assert_eq!(&out.report.applications, &r.applications);
        prop_assert_eq!(&out.report.proactive, &r.proactive);
        prop_assert_eq!(&out.report.appeals, &r.appeals);
        prop_assert_eq!(out.report.year, r.year);
    }

    #[test]
    fn json_reads_back(r in report_strategy()) {
        let text = to_json(&r, &[]);
        let (back, findings) = from_json(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(findings.is_empty());
        prop_assert_eq!(&back.applications, &r.applications);
        prop_assert_eq!(&back.proactive, &r.proactive);
        prop_assert_eq!(&back.appeals, &r.appeals);
    }

    /// A roll-up of consistent reports (any mix of formats) is consistent.
    #[test]
    fn rollup_keeps_the_sums(rs in proptest::collection::vec(report_strategy(), 1..5)) {
        let total = gongkai_report::rollup(&rs);
        prop_assert_eq!(total.format, rs[0].format);
        let errors: Vec<_> = check(&total, None)
            .into_iter()
            .filter(|f| matches!(f.rule.as_str(), "R1" | "R2" | "R3" | "R4" | "R5"))
            .collect();
        prop_assert!(errors.is_empty(), "{:#?}", errors);
        let new = |r: &AnnualReport| r.application_row("new").map(|v| v[6]).unwrap_or(0);
        prop_assert_eq!(new(&total), rs.iter().map(new).sum::<i64>());
    }

    #[test]
    fn never_panics_on_noise(s in "[一二三四（）0-9 \t|规章行政许可总计结转\n—/]{0,400}") {
        let _ = read_report(&doc_from_text_lines(&s));
    }
}

//! Roll-up of many reports into one (a supervisor's total of its agencies'
//! reports, or a government's report from its departments').

use crate::labels::{self, FieldKind};
use crate::model::{AnnualReport, Format, Value};

/// An exact decimal: `units / 10^scale`.
#[derive(Debug, Clone, Copy)]
struct Decimal {
    units: i128,
    scale: u32,
}

impl Decimal {
    /// "12.3456", "-3", "7.5万元" (a unit suffix is returned separately).
    fn parse(s: &str) -> Option<(Decimal, &str)> {
        let s = s.trim();
        let end = s
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-')))
            .map(|(i, _)| i)
            .unwrap_or(s.len());
        let (num, unit) = s.split_at(end);
        let (neg, digits) = match num.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, num),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || digits.ends_with('.')
            || int.len() + frac.len() > 30
        {
            return None;
        }
        let scale = frac.len() as u32;
        let units: i128 = format!("{int}{frac}").parse().ok()?;
        Some((
            Decimal {
                units: if neg { -units } else { units },
                scale,
            },
            unit.trim(),
        ))
    }

    fn rescale(self, scale: u32) -> Option<Decimal> {
        let f = 10i128.checked_pow(scale.checked_sub(self.scale)?)?;
        Some(Decimal {
            units: self.units.checked_mul(f)?,
            scale,
        })
    }

    fn add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        let (a, b) = (self.rescale(scale)?, other.rescale(scale)?);
        Some(Decimal {
            units: a.units.checked_add(b.units)?,
            scale,
        })
    }

    /// Plain notation without trailing zeros after the point.
    fn display(self) -> String {
        let neg = self.units < 0;
        let digits = self.units.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let digits = if digits.len() <= scale {
            format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
        } else {
            digits
        };
        let (int, frac) = digits.split_at(digits.len() - scale);
        let frac = frac.trim_end_matches('0');
        let sign = if neg && (int.trim_start_matches('0').len() + frac.len()) > 0 {
            "-"
        } else {
            ""
        };
        if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    }
}

/// Sum of money or text amounts. Amounts with a unit (采购总金额 "256.8万元")
/// are summed when every one has the same unit; otherwise the text says the
/// amounts could not be added.
fn sum_text<S: AsRef<str>>(values: &[S]) -> String {
    let mut total = Decimal { units: 0, scale: 0 };
    let mut unit: Option<String> = None;
    for v in values {
        let Some((d, u)) = Decimal::parse(v.as_ref()) else {
            return "无法汇总".to_string();
        };
        if unit.as_deref().is_some_and(|x| x != u) {
            return "无法汇总".to_string();
        }
        unit = Some(u.to_string());
        match total.add(d) {
            Some(t) => total = t,
            None => return "无法汇总".to_string(),
        }
    }
    format!("{}{}", total.display(), unit.unwrap_or_default())
}

/// Roll many reports up into one: every figure is the sum of the reports'
/// figures. The result has the format of the first report (a roll-up of
/// mixed formats sums tables 三 and 四 entirely, a 2021 （六） counting as
/// the 2019 one-row （六）, and table 二 by row and field key: a row whose
/// fields the other format lacks is missing); the year and agency are kept
/// only when every report states the same; the narrative is empty. A row or
/// table missing from any report is missing from the roll-up (its total is
/// unknown), so the checker reports it as MISSING instead of a silent
/// undercount. An empty slice gives an empty 2021-format report.
pub fn rollup(reports: &[AnnualReport]) -> AnnualReport {
    rollup_refs(&reports.iter().collect::<Vec<_>>())
}

/// [`rollup`] of borrowed reports (a roll-up of thousands need not copy them).
pub fn rollup_refs(reports: &[&AnnualReport]) -> AnnualReport {
    let Some(first) = reports.first() else {
        return AnnualReport::empty(Format::F2021);
    };
    let format = first.format;
    let mut out = AnnualReport::empty(format);
    out.year = first
        .year
        .filter(|y| reports.iter().all(|r| r.year == Some(*y)));
    out.agency = first
        .agency
        .clone()
        .filter(|a| reports.iter().all(|r| r.agency.as_deref() == Some(a)));

    // Table 二, by row and field key.
    let blocks = labels::proactive_blocks(format);
    for (slot, (b, row)) in out
        .proactive
        .iter_mut()
        .zip(labels::proactive_rows(format).iter())
    {
        let Some(block) = blocks.get(*b) else {
            continue;
        };
        let mut values = Vec::with_capacity(block.fields.len());
        for field in block.fields {
            let cells: Option<Vec<&Value>> = reports
                .iter()
                .map(|r| r.proactive_value(row.key, field.key))
                .collect();
            let Some(cells) = cells else {
                values.clear();
                break;
            };
            let value = match field.kind {
                FieldKind::Count | FieldKind::Change => {
                    let ints: Option<Vec<i64>> = cells.iter().map(|v| v.as_int()).collect();
                    match ints {
                        Some(ints) => {
                            Value::Int(ints.iter().fold(0i64, |a, b| a.saturating_add(*b)))
                        }
                        None => Value::Text(sum_text(
                            &cells.iter().map(|v| v_text(v)).collect::<Vec<_>>(),
                        )),
                    }
                }
                FieldKind::Money | FieldKind::Text => Value::Text(sum_text(
                    &cells.iter().map(|v| v_text(v)).collect::<Vec<_>>(),
                )),
            };
            values.push(value);
        }
        *slot = (values.len() == block.fields.len()).then_some(values);
    }

    // Table 三, by row; a 2019 report's single （六） row is other.other.
    for (i, slot) in out.applications.iter_mut().enumerate() {
        if !labels::row_in_format(format, i) {
            continue;
        }
        let mut sum = [0i64; 7];
        let mut complete = true;
        for r in reports {
            let row = if format == Format::F2019
                && r.format == Format::F2021
                && i == labels::ROW_OTHER_OTHER
            {
                // The 2019 format's one （六） row is all three 2021 items.
                other_items_sum(r)
            } else if labels::row_in_format(r.format, i) {
                r.applications.get(i).copied().flatten()
            } else {
                // A row the other format lacks (（六）1–2 in 2019) counts 0.
                Some([0; 7])
            };
            match row {
                Some(v) => {
                    for (s, x) in sum.iter_mut().zip(v) {
                        *s = s.saturating_add(x);
                    }
                }
                None => complete = false,
            }
        }
        *slot = complete.then_some(sum);
    }

    // Table 四.
    for (b, slot) in out.appeals.iter_mut().enumerate() {
        let mut sum = [0i64; 5];
        let mut complete = true;
        for r in reports {
            match r.appeals.get(b).copied().flatten() {
                Some(v) => {
                    for (s, x) in sum.iter_mut().zip(v) {
                        *s = s.saturating_add(x);
                    }
                }
                None => complete = false,
            }
        }
        *slot = complete.then_some(sum);
    }
    out
}

/// Sum of the three （六） items of a 2021-format report.
fn other_items_sum(r: &AnnualReport) -> Option<[i64; 7]> {
    let mut sum = [0i64; 7];
    for (i, spec) in labels::APPLICATION_ROWS.iter().enumerate() {
        if spec.place == labels::RowPlace::Item(labels::OTHER_GROUP) {
            for (s, x) in sum
                .iter_mut()
                .zip(r.applications.get(i).copied().flatten()?)
            {
                *s = s.saturating_add(x);
            }
        }
    }
    Some(sum)
}

fn v_text(v: &Value) -> String {
    v.display()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_add_exactly() {
        assert_eq!(sum_text(&["12.3456", "0.0001", "3"]), "15.3457");
        assert_eq!(sum_text(&["0.1", "0.2"]), "0.3");
        assert_eq!(sum_text(&["256.8万元", "1.2万元"]), "258万元");
        assert_eq!(sum_text(&["256.8万元", "12元"]), "无法汇总");
        assert_eq!(sum_text(&["abc"]), "无法汇总");
        assert_eq!(sum_text(&["-1.5", "1"]), "-0.5");
        assert_eq!(sum_text::<&str>(&[]), "0");
    }

    #[test]
    fn sums_and_missing_rows() {
        let mut a = AnnualReport::zeroed(Format::F2021);
        a.year = Some(2023);
        a.agency = Some("甲县".into());
        a.applications[labels::ROW_NEW] = Some([1, 0, 0, 0, 0, 0, 1]);
        a.proactive[5] = Some(vec![Value::Text("1.25".into())]);
        let mut b = a.clone();
        b.agency = Some("乙县".into());
        b.appeals[2] = Some([0, 1, 0, 0, 1]);
        let r = rollup(&[a.clone(), b.clone()]);
        assert_eq!(r.year, Some(2023));
        assert_eq!(r.agency, None);
        assert_eq!(r.application_row("new"), Some(&[2, 0, 0, 0, 0, 0, 2]));
        assert_eq!(
            r.proactive_value("administrative_fees", "amount_wan_yuan"),
            Some(&Value::Text("2.5".into()))
        );
        assert_eq!(r.appeals[2], Some([0, 1, 0, 0, 1]));
        b.applications[labels::ROW_DISCLOSED] = None;
        let r = rollup(&[a, b]);
        assert_eq!(r.application_row("disclosed"), None);
        assert!(crate::check(&r, None).iter().any(|f| f.rule == "MISSING"));
        assert_eq!(rollup(&[]).format, Format::F2021);
    }
}

//! Consistency rules R1–R7, MISSING, and TEXT checks of the narrative.

use crate::finding::Finding;
use crate::labels::{self, FieldKind};
use crate::model::{AnnualReport, Format, Value};
use crate::normalize::fold_char;

const T3: &str = labels::TABLE_APPLICATIONS;

fn col(c: usize) -> &'static str {
    labels::APPLICATION_COLUMNS.get(c).copied().unwrap_or("")
}

fn result_rows(format: Format) -> impl Iterator<Item = usize> {
    labels::RESULT_ROWS.filter(move |i| labels::row_in_format(format, *i))
}

/// Sum of the result rows （一）–（六） in column `c`, if all are present.
fn results_sum(format: Format, apps: &[Option<[i64; 7]>], c: usize) -> Option<Sum> {
    let mut s = 0;
    for i in result_rows(format) {
        s += wide(apps.get(i)?.as_ref()?[c]);
    }
    Some(s)
}

/// Figures come from any file or form, up to `i64::MAX` each: they are
/// added and compared in 128 bits, where no sum of them overflows (nor
/// saturates into a false equality).
type Sum = i128;

fn wide(figure: i64) -> Sum {
    Sum::from(figure)
}

fn total(figures: &[i64]) -> Sum {
    figures.iter().copied().map(wide).sum()
}

fn row(apps: &[Option<[i64; 7]>], i: usize) -> Option<&[i64; 7]> {
    apps.get(i)?.as_ref()
}

/// How many of the column equations R1 and R2 hold (used to choose among
/// splits of run-together numbers).
pub fn satisfied_sums(format: Format, apps: &[Option<[i64; 7]>]) -> i64 {
    let mut n = 0;
    for c in 0..7 {
        if let (Some(a), Some(b), Some(t), Some(o)) = (
            row(apps, labels::ROW_NEW),
            row(apps, labels::ROW_CARRIED_IN),
            row(apps, labels::ROW_TOTAL),
            row(apps, labels::ROW_CARRIED_OUT),
        ) {
            n += i64::from(wide(a[c]) + wide(b[c]) == wide(t[c]) + wide(o[c]));
        }
        if let (Some(t), Some(s)) = (row(apps, labels::ROW_TOTAL), results_sum(format, apps, c)) {
            n += i64::from(wide(t[c]) == s);
        }
    }
    n
}

fn missing(report: &AnnualReport, out: &mut Vec<Finding>) {
    let f = report.format;
    let rows = labels::proactive_rows_static(f);
    if report.proactive.iter().all(Option::is_none) {
        out.push(Finding::error(
            "MISSING",
            labels::TABLE_PROACTIVE,
            "未找到表二（主动公开政府信息情况）",
        ));
    } else {
        for (i, v) in report.proactive.iter().enumerate() {
            if v.is_none() {
                if let Some((b, r)) = rows.get(i) {
                    let caption = labels::proactive_blocks(f)
                        .get(*b)
                        .map(|b| b.caption)
                        .unwrap_or("");
                    out.push(Finding::error(
                        "MISSING",
                        format!("{}/{}/{}", labels::TABLE_PROACTIVE, caption, r.label),
                        format!("表二未找到「{}」一行的数据", r.label),
                    ));
                }
            }
        }
    }
    let present: Vec<usize> = (0..labels::APPLICATION_ROWS.len())
        .filter(|i| labels::row_in_format(f, *i))
        .collect();
    if present
        .iter()
        .all(|i| row(&report.applications, *i).is_none())
    {
        out.push(Finding::error(
            "MISSING",
            T3,
            "未找到表三（收到和处理政府信息公开申请情况）",
        ));
    } else {
        for i in present {
            if row(&report.applications, i).is_none() {
                out.push(Finding::error(
                    "MISSING",
                    format!("{T3}/{}", labels::row_location(f, i)),
                    format!("表三未找到「{}」一行完整的7个数据", labels::row_label(f, i)),
                ));
            }
        }
    }
    if report.appeals.iter().all(Option::is_none) {
        out.push(Finding::error(
            "MISSING",
            labels::TABLE_APPEALS,
            "未找到表四（政府信息公开行政复议、行政诉讼情况）的数据",
        ));
    } else {
        for (b, v) in report.appeals.iter().enumerate() {
            if v.is_none() {
                let (_, label) = labels::APPEAL_BLOCKS[b];
                out.push(Finding::error(
                    "MISSING",
                    format!("{}/{label}", labels::TABLE_APPEALS),
                    format!("表四未找到「{label}」的数据"),
                ));
            }
        }
    }
}

fn valid_decimal(s: &str) -> bool {
    let t = s.strip_prefix('-').unwrap_or(s);
    let (i, f) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    !i.is_empty()
        && i.chars().all(|c| c.is_ascii_digit())
        && f.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

fn r5(report: &AnnualReport, out: &mut Vec<Finding>) {
    let f = report.format;
    let blocks = labels::proactive_blocks(f);
    for (i, ((b, r), vals)) in labels::proactive_rows_static(f)
        .iter()
        .zip(report.proactive.iter())
        .enumerate()
    {
        let _ = i;
        let (Some(block), Some(vals)) = (blocks.get(*b), vals) else {
            continue;
        };
        for (field, v) in block.fields.iter().zip(vals) {
            let loc = || {
                format!(
                    "{}/{}/{}/{}",
                    labels::TABLE_PROACTIVE,
                    block.caption,
                    r.label,
                    field.label
                )
            };
            let bad = match (field.kind, v) {
                (FieldKind::Count, Value::Int(n)) => (*n < 0).then(|| n.to_string()),
                (FieldKind::Money, Value::Text(s)) => {
                    (!valid_decimal(s) || s.starts_with('-')).then(|| s.clone())
                }
                (FieldKind::Count, Value::Text(s)) | (FieldKind::Change, Value::Text(s)) => {
                    Some(s.clone())
                }
                (FieldKind::Money, Value::Int(n)) => (*n < 0).then(|| n.to_string()),
                _ => None,
            };
            if let Some(shown) = bad {
                let what = if field.kind == FieldKind::Money {
                    "非负金额"
                } else {
                    "非负整数"
                };
                out.push(Finding::error(
                    "R5",
                    loc(),
                    format!("「{}」应为{what}，原文为{shown}", field.label),
                ));
            }
        }
    }
    for (i, r) in report.applications.iter().enumerate() {
        if let Some(r) = r {
            for (c, v) in r.iter().enumerate() {
                if *v < 0 {
                    out.push(Finding::error(
                        "R5",
                        format!("{T3}/{}/{}", labels::row_location(f, i), col(c)),
                        format!("申请数量应为非负整数，原文为{v}"),
                    ));
                }
            }
        }
    }
    for (b, blk) in report.appeals.iter().enumerate() {
        if let Some(blk) = blk {
            for (k, v) in blk.iter().enumerate() {
                if *v < 0 {
                    out.push(Finding::error(
                        "R5",
                        format!(
                            "{}/{}/{}",
                            labels::TABLE_APPEALS,
                            labels::APPEAL_BLOCKS[b].1,
                            labels::APPEAL_FIELDS[k].1
                        ),
                        format!("案件数量应为非负整数，原文为{v}"),
                    ));
                }
            }
        }
    }
}

fn r1_to_r4(report: &AnnualReport, out: &mut Vec<Finding>) {
    let f = report.format;
    let apps = &report.applications;
    for c in 0..7 {
        if let (Some(a), Some(b), Some(t), Some(o)) = (
            row(apps, labels::ROW_NEW),
            row(apps, labels::ROW_CARRIED_IN),
            row(apps, labels::ROW_TOTAL),
            row(apps, labels::ROW_CARRIED_OUT),
        ) {
            let (l, r) = (wide(a[c]) + wide(b[c]), wide(t[c]) + wide(o[c]));
            if l != r {
                out.push(Finding::error(
                    "R1",
                    format!("{T3}/{}", col(c)),
                    format!("「{}」列第一项加第二项之和（{}+{}={l}）不等于第三项加第四项之和（{}+{}={r}）", col(c), a[c], b[c], t[c], o[c]),
                ));
            }
        }
    }
    for c in 0..7 {
        if let (Some(t), Some(s)) = (row(apps, labels::ROW_TOTAL), results_sum(f, apps, c)) {
            if wide(t[c]) != s {
                out.push(Finding::error(
                    "R2",
                    format!("{T3}/（七）总计/{}", col(c)),
                    format!(
                        "「{}」列（七）总计为{}，但（一）至（六）各项之和为{s}",
                        col(c),
                        t[c]
                    ),
                ));
            }
        }
    }
    for (i, r) in apps.iter().enumerate() {
        if let Some(r) = r {
            let s = total(&r[..6]);
            if wide(r[6]) != s {
                out.push(Finding::error(
                    "R3",
                    format!("{T3}/{}/总计", labels::row_location(f, i)),
                    format!(
                        "「{}」一行总计为{}，但各类申请人之和为{s}",
                        labels::row_label(f, i),
                        r[6]
                    ),
                ));
            }
        }
    }
    for (b, blk) in report.appeals.iter().enumerate() {
        if let Some(blk) = blk {
            let s = total(&blk[..4]);
            if wide(blk[4]) != s {
                let label = labels::APPEAL_BLOCKS[b].1;
                out.push(Finding::error(
                    "R4",
                    format!("{}/{label}/总计", labels::TABLE_APPEALS),
                    format!(
                        "「{label}」的总计为{}，但结果维持、结果纠正、其他结果、尚未审结之和为{s}",
                        blk[4]
                    ),
                ));
            }
        }
    }
}

fn r6_r7(report: &AnnualReport, prev: &AnnualReport, out: &mut Vec<Finding>) {
    if let (Some(now), Some(last)) = (
        row(&report.applications, labels::ROW_CARRIED_IN),
        row(&prev.applications, labels::ROW_CARRIED_OUT),
    ) {
        for c in 0..7 {
            if now[c] != last[c] {
                out.push(Finding::warning(
                    "R6",
                    format!("{T3}/二、上年结转/{}", col(c)),
                    format!(
                        "「{}」列上年结转为{}，但上年报告的结转下年度继续办理为{}",
                        col(c),
                        now[c],
                        last[c]
                    ),
                ));
            }
        }
    }
    if report.format == Format::F2021 && prev.format == Format::F2021 {
        for (k, label) in [("rules", "规章"), ("normative_documents", "行政规范性文件")] {
            let get = |r: &AnnualReport, f: &str| r.proactive_value(k, f).and_then(Value::as_int);
            if let (Some(last), Some(issued), Some(repealed), Some(now)) = (
                get(prev, "in_force"),
                get(report, "issued"),
                get(report, "repealed"),
                get(report, "in_force"),
            ) {
                let expect = wide(last) + wide(issued) - wide(repealed);
                if expect != wide(now) {
                    out.push(Finding::warning(
                        "R7",
                        format!("{}/第二十条第（一）项/{label}/现行有效件数", labels::TABLE_PROACTIVE),
                        format!("「{label}」上年现行有效{last}件加本年制发{issued}件减本年废止{repealed}件应为{expect}件，但本年现行有效为{now}件"),
                    ));
                }
            }
        }
    }
}

// ---------- TEXT ----------

/// A number in the narrative: start and end char positions, the digits,
/// and its unit (件, 条 or %).
type NumAt = (usize, usize, String, char);

/// Numbers followed by 件/条 (or %), with their char positions, in text
/// with line breaks removed.
fn numbers_with_unit(chars: &[char]) -> Vec<NumAt> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == ',')
            {
                i += 1;
            }
            let num: String = chars[start..i].iter().filter(|c| **c != ',').collect();
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            if let Some(&u) = chars.get(j) {
                if matches!(u, '件' | '条' | '%') {
                    out.push((start, j + 1, num, u));
                }
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The clause before position `p` (back to the previous clause punctuation).
fn clause_before(chars: &[char], p: usize) -> &[char] {
    let mut s = p;
    while s > 0 && !matches!(chars[s - 1], ',' | ';' | '.' | '!' | '?' | '(' | ')') && p - s < 40 {
        s -= 1;
    }
    &chars[s..p]
}

/// Does the text of `hay` contain `word` (`String::contains` on the chars,
/// without collecting them)?
fn has(hay: &[char], word: &str) -> bool {
    let mut buf = ['\0'; 8];
    let mut n = 0;
    for c in word.chars() {
        match buf.get_mut(n) {
            Some(slot) => *slot = c,
            None => {
                let w: Vec<char> = word.chars().collect();
                return hay.windows(w.len()).any(|x| x == w.as_slice());
            }
        }
        n += 1;
    }
    match buf.get(..n) {
        // The first char compared inline, the rest only where it matches.
        Some(w @ [first, ..]) => hay.windows(n).any(|x| x.first() == Some(first) && x == w),
        _ => true,
    }
}

/// One bit per char (its code modulo 64): a word can only occur in a text
/// whose mask has every bit of the word's chars.
fn char_mask(chars: &[char]) -> u64 {
    chars.iter().fold(0, |m, &c| m | 1 << (c as u32 % 64))
}

/// [`has`] with `mask` = [`char_mask`] of `hay`: a word with a char whose
/// bit is missing is not searched (a clause is tested for ~15 words).
fn has_masked(hay: &[char], mask: u64, word: &str) -> bool {
    word.chars().all(|c| mask & (1 << (c as u32 % 64)) != 0) && has(hay, word)
}

/// Whether count `k` is a listed part: it follows 其中 in its sentence, or
/// the next number of its sentence is a percentage.
fn is_part(chars: &[char], sentence_of: &[usize], nums: &[NumAt], k: usize) -> bool {
    let Some((start, _, _, _)) = nums.get(k) else {
        return false;
    };
    let sent = sentence_of.get(*start).copied();
    let mut p = *start;
    while p > 0 && sentence_of.get(p - 1).copied() == sent {
        p -= 1;
    }
    if has(&chars[p..*start], "其中") {
        return true;
    }
    matches!(
        nums.get(k + 1),
        Some((s, _, _, '%')) if sentence_of.get(*s).copied() == sent
    )
}

/// Whether count `k` states a total: 共/总计/合计/累计 before it in its
/// clause, or 其中 right after it.
fn stated_total(chars: &[char], nums: &[NumAt], k: usize) -> bool {
    let Some((start, end, _, unit)) = nums.get(k) else {
        return false;
    };
    if *unit == '%' {
        return false;
    }
    let clause = clause_before(chars, *start);
    // Its last 8 chars.
    let tail = &clause[clause.len().saturating_sub(8)..];
    let mask = char_mask(tail);
    let has = |w: &str| has_masked(tail, mask, w);
    if (has("共") && !has("公共")) || has("总计") || has("合计") || has("累计") {
        return true;
    }
    chars
        .get(*end..)
        .unwrap_or(&[])
        .iter()
        .copied()
        .skip_while(|c| matches!(c, ',' | ':' | ';' | '.'))
        .take(2)
        .eq("其中".chars())
}

/// Check the percentage `nums[k]` ("N条，占总数的P%") against its part and
/// the total it refers to: a total stated in the same sentence (共N条, or
/// N条 followed by 其中), else the last total stated before, else the sum
/// of the parts listed in the sentence.
fn percent_check(
    chars: &[char],
    sentence_of: &[usize],
    nums: &[NumAt],
    k: usize,
    last_count: Option<i64>,
    out: &mut Vec<Finding>,
) {
    let Some((start, _, num, _)) = nums.get(k) else {
        return;
    };
    let Ok(p) = num.parse::<f64>() else {
        return;
    };
    let clause = clause_before(chars, *start);
    let mask = char_mask(clause);
    let before = &chars[start.saturating_sub(12)..*start];
    if !(has_masked(clause, mask, "占")
        && (has(before, "总数") || has(before, "全部") || has_masked(clause, mask, "占比")))
    {
        return;
    }
    let sent = sentence_of.get(*start).copied();
    let same = |i: usize| nums.get(i).and_then(|n| sentence_of.get(n.0)).copied() == sent;
    // The part: the count right before the percentage, in the same sentence.
    let part = match k.checked_sub(1).and_then(|j| nums.get(j)) {
        Some((_, _, n, u)) if *u != '%' && same(k - 1) => n.parse::<i64>().ok(),
        _ => None,
    };
    let Some(part) = part else {
        return;
    };
    // The sentence's numbers.
    let mut first = k;
    while first > 0 && same(first - 1) {
        first -= 1;
    }
    let mut last = k;
    while last + 1 < nums.len() && same(last + 1) {
        last += 1;
    }
    let total_here = (first..k)
        .filter(|&j| stated_total(chars, nums, j))
        .filter_map(|j| nums.get(j).and_then(|n| n.2.parse::<i64>().ok()))
        .next_back();
    let listed: Vec<i64> = (first..=last)
        .filter(|&j| matches!(nums.get(j + 1), Some((_, _, _, '%'))) && same(j + 1))
        .filter(|&j| !matches!(nums.get(j), Some((_, _, _, '%'))))
        .filter_map(|j| nums.get(j).and_then(|n| n.2.parse::<i64>().ok()))
        .collect();
    let total = match (total_here, last_count) {
        (Some(t), _) => wide(t),
        (None, Some(t)) => wide(t),
        (None, None) if listed.len() >= 2 => total(&listed),
        _ => return,
    };
    if total <= 0 || wide(part) > total {
        return;
    }
    let actual = part as f64 / total as f64 * 100.0;
    let decimals = num.split('.').nth(1).map(str::len).unwrap_or(0) as i32;
    let tol = 0.5 * 10f64.powi(-decimals) + 1e-9;
    if (actual - p).abs() > tol.max(0.05) {
        out.push(Finding::warning(
            "TEXT",
            "一、总体情况",
            format!("正文所述占比{p}%与所列数字不符：{part}÷{total}={actual:.1}%"),
        ));
    }
}

fn sum_cols(r: &[i64; 7]) -> Sum {
    total(&r[..6])
}

fn text_checks(report: &AnnualReport, out: &mut Vec<Finding>) {
    let f = report.format;
    let text: String = report
        .narrative
        .sections
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("。");
    // Fold char by char, dropping line breaks and the spaces pdftotext leaves
    // between CJK characters and numbers; remember each char's sentence.
    let mut chars: Vec<char> = Vec::with_capacity(text.len() / 2);
    let mut sentence_of: Vec<usize> = Vec::with_capacity(text.len() / 2);
    let mut sentence = 0usize;
    for c in text.chars() {
        if c == '\n' || c == '\r' {
            continue;
        }
        let f = fold_char(c);
        if f == ' ' {
            continue;
        }
        chars.push(f);
        sentence_of.push(sentence);
        if matches!(c, '。' | '！' | '？' | '!' | '?') {
            sentence += 1;
        }
    }
    let apps = &report.applications;
    let group_sum = |g: usize| -> Option<Sum> {
        let mut s = 0;
        for (i, spec) in labels::APPLICATION_ROWS.iter().enumerate() {
            let in_group = match spec.place {
                labels::RowPlace::Item(x) => x == g,
                _ => false,
            };
            if in_group && labels::row_in_format(f, i) {
                s += sum_cols(row(apps, i)?);
            }
        }
        Some(s)
    };
    let row_sum = |i: usize| row(apps, i).map(sum_cols);
    let nums = numbers_with_unit(&chars);
    let mut last_count: Option<i64> = None;
    for (k, (start, _end, num, unit)) in nums.iter().enumerate() {
        let clause = clause_before(&chars, *start);
        let mask = char_mask(clause);
        if *unit == '%' {
            percent_check(&chars, &sentence_of, &nums, k, last_count, out);
            continue;
        }
        let Ok(n) = num.parse::<i64>() else {
            continue;
        };
        // A stated count of published information is the denominator of
        // percentages in later sentences, unless it is itself a listed part
        // (inside a 其中 list, or followed by its own percentage).
        if matches!(*unit, '条' | '件')
            && (stated_total(&chars, &nums, k)
                || ((has_masked(clause, mask, "发布") || has_masked(clause, mask, "公开"))
                    && has_masked(clause, mask, "信息")
                    && !has_masked(clause, mask, "申请")
                    && !is_part(&chars, &sentence_of, &nums, k)))
        {
            last_count = Some(n);
        }
        // Which table figure does the clause state?
        let mut stated: Option<(String, Sum)> = None;
        let has = |w: &str| has_masked(clause, mask, w);
        // The figures of the categories the clause names (summed only for
        // those: most clauses name none).
        let cat_value = |w: &str| match w {
            "予以公开" => row_sum(labels::ROW_DISCLOSED),
            "部分公开" => row_sum(labels::ROW_PARTLY),
            "不予公开" => group_sum(0),
            "无法提供" => group_sum(1),
            _ => group_sum(2),
        };
        let named: Vec<(&str, Option<Sum>)> =
            ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理"]
                .into_iter()
                .filter(|w| has(w))
                .map(|w| (w, cat_value(w)))
                .collect();
        if !named.is_empty() && !has("申请人") {
            if named.iter().all(|(_, v)| v.is_some()) {
                let sum: Sum = named.iter().filter_map(|(_, v)| *v).sum();
                let names: Vec<&str> = named.iter().map(|(w, _)| *w).collect();
                stated = Some((names.join("及"), sum));
            }
        } else if has("其他处理") {
            let v = if f == Format::F2019 {
                row_sum(labels::ROW_OTHER_OTHER)
            } else {
                group_sum(3)
            };
            if let Some(v) = v {
                stated = Some(("其他处理".to_string(), v));
            }
        } else if has("申请")
            && (has("收到") || has("受理") || has("新收"))
            && !has("复议")
            && !has("诉讼")
            && !has("结转")
        {
            if let Some(v) = row(apps, labels::ROW_NEW).map(|r| wide(r[6]).max(sum_cols(r))) {
                let alt = row(apps, labels::ROW_NEW).map(sum_cols).unwrap_or(v);
                let with_carried = row(apps, labels::ROW_CARRIED_IN).map(|c| alt + sum_cols(c));
                let n = wide(n);
                if n != v && n != alt && Some(n) != with_carried {
                    stated = Some(("收到申请".to_string(), alt));
                }
            }
        } else if has("结转下年度") || has("下年度继续办理") {
            if let Some(r) = row(apps, labels::ROW_CARRIED_OUT) {
                stated = Some(("结转下年度继续办理".to_string(), sum_cols(r)));
            }
        } else if has("行政复议") && !has("诉讼") {
            if let Some(b) = report.appeals[0] {
                stated = Some(("行政复议".to_string(), total(&b[..4])));
            }
        }
        if let Some((what, table)) = stated {
            if table != wide(n) {
                out.push(Finding::warning(
                    "TEXT",
                    "一、总体情况",
                    format!("正文称{what}{n}{unit}，但表三相应数据为{table}{unit}"),
                ));
            }
        }
    }
    let any_text = report
        .narrative
        .sections
        .iter()
        .any(|s| !s.trim().is_empty());
    if any_text && report.narrative.sections[4].trim().is_empty() {
        out.push(Finding::warning(
            "TEXT",
            labels::SECTION_HEADINGS[4],
            "第五部分“存在的主要问题及改进情况”为空",
        ));
    }
}

/// Check a report: MISSING, R1–R5 (errors), R6–R7 against last year's
/// report (warnings), TEXT checks of the narrative (warnings).
pub fn check(report: &AnnualReport, previous: Option<&AnnualReport>) -> Vec<Finding> {
    let mut out = Vec::new();
    missing(report, &mut out);
    r1_to_r4(report, &mut out);
    r5(report, &mut out);
    if let Some(prev) = previous {
        r6_r7(report, prev, &mut out);
    }
    text_checks(report, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_masked_is_contains() {
        for (hay, word) in [
            ("公开发布信息", "发布"),
            ("公开发布信息", "申请"),
            ("", "占"),
            ("占比", ""),
        ] {
            let chars: Vec<char> = hay.chars().collect();
            let mask = char_mask(&chars);
            assert_eq!(
                has_masked(&chars, mask, word),
                hay.contains(word),
                "{hay} {word}"
            );
        }
    }

    #[test]
    fn has_is_contains() {
        let hays = [
            "",
            "本年度共收到申请",
            "其中政策文件",
            "公共服务共计",
            "占总数的20",
        ];
        let words = [
            "",
            "共",
            "公共",
            "其中",
            "占总数的",
            "申请",
            "本年度共收到申请啊",
            "一二三四五六七八九",
        ];
        for h in hays {
            let chars: Vec<char> = h.chars().collect();
            for w in words {
                assert_eq!(has(&chars, w), h.contains(w), "{h} / {w}");
            }
        }
    }

    #[test]
    fn zero_report_is_clean() {
        let r = AnnualReport::zeroed(Format::F2021);
        assert!(check(&r, None).is_empty());
        let r = AnnualReport::zeroed(Format::F2019);
        assert!(check(&r, None).is_empty());
    }

    #[test]
    fn sums_are_checked() {
        let mut r = AnnualReport::zeroed(Format::F2021);
        r.applications[labels::ROW_NEW] = Some([1, 0, 0, 0, 0, 0, 1]);
        let rules: Vec<String> = check(&r, None).into_iter().map(|f| f.rule).collect();
        assert!(rules.contains(&"R1".to_string()));
        r.applications[labels::ROW_CARRIED_OUT] = Some([1, 0, 0, 0, 0, 0, 2]);
        let rules: Vec<String> = check(&r, None).into_iter().map(|f| f.rule).collect();
        assert!(rules.contains(&"R3".to_string()));
        r.appeals[0] = Some([1, 0, 0, 0, 0]);
        let rules: Vec<String> = check(&r, None).into_iter().map(|f| f.rule).collect();
        assert!(rules.contains(&"R4".to_string()));
    }

    /// Regression (found by fuzzing report_text): figures near `i64::MAX`,
    /// in the tables or in the text, are reported, not added into an
    /// overflow.
    #[test]
    fn huge_figures_do_not_overflow() {
        let big = i64::MAX;
        let mut r = AnnualReport::zeroed(Format::F2021);
        for row in r.applications.iter_mut() {
            *row = Some([big; 7]);
        }
        for block in r.appeals.iter_mut() {
            *block = Some([big; 5]);
        }
        r.narrative.sections[0] = format!(
            "本年度收到申请{big}件，予以公开及部分公开{big}件，其他处理{big}件，\
             行政复议{big}件，结转下年度继续办理{big}件。\
             发布政策解读{big}条，占比40%；工作动态{big}条，占比60%。"
        );
        let previous = r.clone();
        let rules: Vec<String> = check(&r, Some(&previous))
            .into_iter()
            .map(|f| f.rule)
            .collect();
        for rule in ["R2", "R3", "R4", "TEXT"] {
            assert!(rules.iter().any(|r| r == rule), "{rule}: {rules:?}");
        }
        let listed = format!("发布政策解读{big}条，占比40%；工作动态{big}条，占比60%。");
        assert!(!text_findings(&listed).is_empty());
    }

    fn text_findings(section_one: &str) -> Vec<Finding> {
        let mut r = AnnualReport::zeroed(Format::F2021);
        r.narrative.sections[0] = section_one.to_string();
        r.narrative.sections[4] = "无。".to_string();
        check(&r, None)
            .into_iter()
            .filter(|f| f.rule == "TEXT")
            .collect()
    }

    /// Regression: percentages of a 其中 list refer to the stated total, not
    /// to the first listed part.
    #[test]
    fn percentages_use_the_stated_total() {
        let ok = "本年度在门户网站发布政务信息120条，其中政策文件类信息30条，占总数的25%；\
                  通知公告类信息54条，占总数的45%；其他类信息36条，占总数的30%。";
        assert!(text_findings(ok).is_empty(), "{:#?}", text_findings(ok));
        let bad = "本年度在门户网站发布政务信息120条，其中政策文件类信息30条，占总数的25%；\
                   通知公告类信息54条，占总数的40%；其他类信息36条，占总数的30%。";
        let f = text_findings(bad);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(f[0].message.contains("54÷120=45.0%"), "{f:#?}");
        // 共N条 stated in an earlier sentence.
        let earlier =
            "全年共公开信息80条。政策解读类信息20条，占总数的25%；其他信息60条，占总数的75%。";
        assert!(
            text_findings(earlier).is_empty(),
            "{:#?}",
            text_findings(earlier)
        );
        // No total stated: the listed categories add up to it.
        let listed = "发布政策解读12条，占比40%；工作动态18条，占比60%。";
        assert!(
            text_findings(listed).is_empty(),
            "{:#?}",
            text_findings(listed)
        );
        let listed_bad = "发布政策解读12条，占比50%；工作动态18条，占比60%。";
        let f = text_findings(listed_bad);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(f[0].message.contains("12÷30=40.0%"), "{f:#?}");
    }
}

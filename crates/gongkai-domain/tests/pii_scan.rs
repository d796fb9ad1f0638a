//! The sensitive-data scanner: examples, positions, masking, and the
//! 10,000-number acceptance set of issue 6.

use gongkai_domain::applicant::id_check_char;
use gongkai_domain::applicant::PROVINCE_CODES;
use gongkai_domain::pii::{luhn, mask_in_place, scan, PiiFinding, PiiKind};
use proptest::prelude::*;
use time::macros::date;
use time::Date;

const TODAY: Date = date!(2025 - 06 - 30);

fn kinds(text: &str) -> Vec<(PiiKind, String)> {
    scan(text, TODAY)
        .into_iter()
        .map(|f| (f.kind, text[f.bytes.clone()].to_string()))
        .collect()
}

#[test]
fn finds_each_kind() {
    let text = "张三，身份证号370881198512035672，电话13812345678；\
                某公司统一社会信用代码91350100M000100Y43，银行卡6222021234567890128。";
    assert_eq!(
        kinds(text),
        vec![
            (PiiKind::IdNumber, "370881198512035672".into()),
            (PiiKind::Mobile, "13812345678".into()),
            (PiiKind::CreditCode, "91350100M000100Y43".into()),
            (PiiKind::BankCard, "6222021234567890128".into()),
        ]
    );
    let f = scan(text, TODAY);
    assert_eq!(f[0].preview, "3708**********5672");
    assert_eq!(f[1].preview, "138****5678");
    assert_eq!(f[2].preview, "9135**********0Y43");
    assert_eq!(f[3].preview, "6222***********0128");
    for finding in &f {
        // Char offsets address the same text as the byte offsets.
        let by_chars: String = text
            .chars()
            .skip(finding.chars.start)
            .take(finding.chars.len())
            .collect();
        assert_eq!(by_chars, text[finding.bytes.clone()]);
    }
    assert_eq!(f[0].chars, 7..25);
}

#[test]
fn check_character_x_and_full_width() {
    assert_eq!(
        kinds("号码11010519491231002X。"),
        vec![(PiiKind::IdNumber, "11010519491231002X".into())]
    );
    assert_eq!(
        kinds("号码11010519491231002x"),
        vec![(PiiKind::IdNumber, "11010519491231002x".into())]
    );
    let fw = "号码１１０１０５１９４９１２３１００２Ｘ号";
    let f = scan(fw, TODAY);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, PiiKind::IdNumber);
    assert_eq!(f[0].chars, 2..20);
    assert_eq!(f[0].bytes, 6..60);
    assert_eq!(f[0].preview, "1101**********002X");
    assert_eq!(kinds("电话：１３８１２３４５６７８").len(), 1);
    // X followed by more letters is not a check character.
    assert!(kinds("11010519491231002XY").is_empty());
}

#[test]
fn wrong_check_digits_and_longer_runs_are_not_flagged() {
    for text in [
        "110105194912310021",  // wrong check character
        "1101051949123100211", // 19 digits: part of a longer run, ID-like
        "911010519491231002X",
        "编号0370881198512035672号",
        "138123456789",
        "213812345678",
        "00000000000000000",
        "370881198512035673",
        "单号12345678901234",
        "2024年3月5日",
        "370881851303567", // legacy with month 13
        "91350100M000100Y44",
        "91350100M000100Y43A",
    ] {
        let found: Vec<_> = scan(text, TODAY)
            .into_iter()
            .filter(|f| f.kind != PiiKind::BankCard)
            .collect();
        assert!(found.is_empty(), "{text}: {found:?}");
    }
    assert!(scan("110105194912310021", TODAY).is_empty());
    assert!(scan("4111111111111112", TODAY).is_empty());
    assert_eq!(
        kinds("4111111111111111"),
        vec![(PiiKind::BankCard, "4111111111111111".into())]
    );
    // A birth date after today is not plausible.
    let future = {
        let first17 = "11010520300101001";
        format!("{first17}{}", id_check_char(first17.as_bytes()).unwrap())
    };
    assert!(scan(&future, TODAY).is_empty());
    assert!(!scan(&future, date!(2031 - 01 - 01)).is_empty());
}

#[test]
fn legacy_and_prefixed_numbers() {
    assert_eq!(
        kinds("旧证370881851203567。"),
        vec![(PiiKind::IdNumber, "370881851203567".into())]
    );
    assert_eq!(
        kinds("电话+8613812345678"),
        vec![(PiiKind::Mobile, "8613812345678".into())]
    );
}

#[test]
fn grouped_numbers() {
    assert_eq!(
        kinds("电话 138 1234 5678。"),
        vec![(PiiKind::Mobile, "138 1234 5678".into())]
    );
    assert_eq!(
        kinds("电话138-1234-5678"),
        vec![(PiiKind::Mobile, "138-1234-5678".into())]
    );
    assert_eq!(
        kinds("卡号 6228 4800 1234 5671 ，"),
        vec![(PiiKind::BankCard, "6228 4800 1234 5671".into())]
    );
    assert_eq!(
        kinds("卡号6222 0212 3456 7890 128"),
        vec![(PiiKind::BankCard, "6222 0212 3456 7890 128".into())]
    );
    assert_eq!(
        kinds("证号 110105 19491231 002X 。"),
        vec![(PiiKind::IdNumber, "110105 19491231 002X".into())]
    );
    // Two numbers side by side are two findings.
    assert_eq!(
        kinds("13812345678 13912345678"),
        vec![
            (PiiKind::Mobile, "13812345678".into()),
            (PiiKind::Mobile, "13912345678".into())
        ]
    );
    // A mobile followed by a separate number is still a mobile.
    assert_eq!(
        kinds("13812345678 9号楼"),
        vec![(PiiKind::Mobile, "13812345678".into())]
    );
    // Groups that do not fit are not joined.
    assert!(kinds("138 1234 56789").is_empty());
}

#[test]
fn masking_in_place() {
    let text =
        "身份证号370802199001011234x，电话 138 1234 5678，卡号６２２８４８００１２３４５６７１。";
    // 370802199001011234 has the wrong check digit for this test; build a valid one.
    let first17 = "37080219900101123";
    let id = format!("{first17}{}", id_check_char(first17.as_bytes()).unwrap());
    let text = text.replace("370802199001011234x", &id);
    let f = scan(&text, TODAY);
    assert_eq!(f.len(), 3, "{f:?}");
    let masked = mask_in_place(&text, &f);
    assert_eq!(
        masked,
        "身份证号3708**********123X，电话 138 **** 5678，卡号６２２８********５６７１。"
    );
    assert!(scan(&masked, TODAY).is_empty());
    // Findings that do not fit the text are skipped, never a panic.
    let bogus = PiiFinding {
        kind: PiiKind::Mobile,
        chars: 0..3,
        bytes: 1..400,
        preview: String::new(),
    };
    assert_eq!(mask_in_place("中文", std::slice::from_ref(&bogus)), "中文");
    let inside = PiiFinding {
        bytes: 1..2,
        ..bogus
    };
    assert_eq!(mask_in_place("中文", &[inside]), "中文");
}

#[test]
fn luhn_examples() {
    assert!(luhn(b"4111111111111111"));
    assert!(!luhn(b"4111111111111112"));
    assert!(!luhn(b"0000000000000000"));
    assert!(!luhn(b""));
    assert!(!luhn(b"41111111111111a1"));
}

/// A small deterministic generator (xorshift64*), so the acceptance set is
/// the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn random_id(rng: &mut Rng) -> String {
    let province = PROVINCE_CODES[rng.below(PROVINCE_CODES.len() as u64) as usize];
    let rest = rng.below(10_000);
    let birth = date!(1900 - 01 - 01) + time::Duration::days(rng.below(45_000) as i64);
    let birth = birth.min(TODAY);
    let first17 = format!(
        "{province:02}{rest:04}{:04}{:02}{:02}{:03}",
        birth.year(),
        u8::from(birth.month()),
        birth.day(),
        rng.below(1000)
    );
    let check = id_check_char(first17.as_bytes()).unwrap();
    format!("{first17}{check}")
}

fn chinese_filler(rng: &mut Rng) -> String {
    const PUNCT: [char; 10] = ['，', '。', '：', '；', '、', '（', '）', '“', '”', ' '];
    let len = 1 + rng.below(30);
    (0..len)
        .map(|_| {
            if rng.below(6) == 0 {
                PUNCT[rng.below(PUNCT.len() as u64) as usize]
            } else {
                char::from_u32(0x4E00 + rng.below(0x9FA5 - 0x4E00) as u32).unwrap()
            }
        })
        .collect()
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect()
}

/// Issue 6 acceptance: every one of 10,000 valid ID numbers embedded in
/// random Chinese text is caught, at the right place; the same numbers with a
/// wrong check character are flagged 0 times.
#[test]
fn ten_thousand_generated_ids() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut caught = 0;
    let mut wrong_flagged = 0;
    let mut total = 0;
    for _doc in 0..1000 {
        let mut good = String::new();
        let mut bad = String::new();
        let mut expected: Vec<String> = Vec::new();
        for _ in 0..10 {
            let id = random_id(&mut rng);
            let mut wrong = id[..17].to_string();
            let right = id.chars().last().unwrap();
            let pool: Vec<char> = "0123456789X".chars().filter(|c| *c != right).collect();
            wrong.push(pool[rng.below(pool.len() as u64) as usize]);
            let (id, wrong) = match rng.below(4) {
                0 => (full_width(&id), full_width(&wrong)),
                1 => (id.to_lowercase(), wrong.to_lowercase()),
                _ => (id, wrong),
            };
            let filler = chinese_filler(&mut rng);
            good.push_str(&filler);
            bad.push_str(&filler);
            good.push_str(&id);
            bad.push_str(&wrong);
            expected.push(id);
            total += 1;
        }
        let tail = chinese_filler(&mut rng);
        good.push_str(&tail);
        bad.push_str(&tail);

        let found = scan(&good, TODAY);
        for (f, id) in found.iter().zip(&expected) {
            if f.kind == PiiKind::IdNumber && good[f.bytes.clone()] == **id {
                caught += 1;
            }
        }
        assert_eq!(found.len(), expected.len(), "{good}");
        wrong_flagged += scan(&bad, TODAY).len();
    }
    assert_eq!(total, 10_000);
    assert_eq!(caught, 10_000);
    assert_eq!(wrong_flagged, 0);
}

fn pii_kind() -> impl Strategy<Value = PiiKind> {
    prop::sample::select(vec![
        PiiKind::IdNumber,
        PiiKind::CreditCode,
        PiiKind::Mobile,
        PiiKind::BankCard,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_and_findings_address_the_text(
        text in "[0-9０-９xX \\-a-zA-Z中文，。\\PC]{0,120}"
    ) {
        let found = scan(&text, TODAY);
        let chars: Vec<char> = text.chars().collect();
        let mut last_end = 0;
        for f in &found {
            prop_assert!(f.chars.start >= last_end);
            last_end = f.chars.end;
            let span = text.get(f.bytes.clone());
            prop_assert!(span.is_some());
            let by_chars: String = chars[f.chars.clone()].iter().collect();
            prop_assert_eq!(Some(by_chars.as_str()), span);
        }
        let masked = mask_in_place(&text, &found);
        prop_assert_eq!(masked.chars().count(), chars.len());
        prop_assert!(scan(&masked, TODAY).is_empty());
    }

    #[test]
    fn mask_in_place_survives_any_findings(
        text in "\\PC{0,40}",
        spans in prop::collection::vec((pii_kind(), 0usize..200, 0usize..200), 0..6),
    ) {
        let findings: Vec<PiiFinding> = spans
            .into_iter()
            .map(|(kind, a, b)| PiiFinding { kind, chars: a..b, bytes: a..b, preview: String::new() })
            .collect();
        let _ = mask_in_place(&text, &findings);
    }
}

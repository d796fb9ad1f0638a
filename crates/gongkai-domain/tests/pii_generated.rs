//! Acceptance of the PII gate (issue 6): every valid resident ID number in a
//! generated set of 10,000 is caught, and none with a wrong check character
//! is flagged.

use gongkai_domain::pii::{expected_id_check, scan, PiiKind};
use time::macros::date;
use time::{Date, Month};

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const PROVINCES: [u32; 31] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65,
];

fn first17(rng: &mut Rng, today: Date) -> String {
    let province = PROVINCES[rng.below(PROVINCES.len() as u64) as usize];
    let rest_of_region = rng.below(10_000);
    let year = 1930 + rng.below((today.year() - 1930) as u64) as i32;
    let month = Month::try_from(1 + rng.below(12) as u8).unwrap();
    let day = 1 + rng.below(28) as u8;
    let birth = Date::from_calendar_date(year, month, day).unwrap();
    let seq = rng.below(1000);
    format!(
        "{province:02}{rest_of_region:04}{:04}{:02}{:02}{seq:03}",
        birth.year(),
        u8::from(birth.month()),
        birth.day()
    )
}

#[test]
fn catches_every_valid_id_and_flags_no_wrong_checksum() {
    let today = date!(2026 - 06 - 30);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut valid = Vec::with_capacity(10_000);
    let mut wrong = Vec::with_capacity(10_000);
    for _ in 0..10_000 {
        let f = first17(&mut rng, today);
        let check = expected_id_check(&f).unwrap();
        valid.push(format!("{f}{check}"));
        let bad = "0123456789X"
            .chars()
            .filter(|c| *c != check)
            .nth(rng.below(10) as usize)
            .unwrap();
        wrong.push(format!("{f}{bad}"));
    }
    // One at a time, and all in one published list (as in the real leaks).
    let mut missed = 0;
    for id in &valid {
        let text = format!("申请人：某某，身份证号：{id}，住址略。");
        let found = scan(&text, today);
        if !(found.len() == 1 && found[0].kind == PiiKind::IdNumber) {
            missed += 1;
        }
    }
    assert_eq!(missed, 0, "valid ID numbers missed");
    let list: String = valid
        .iter()
        .enumerate()
        .map(|(i, id)| format!("{}\t张某{}\t{id}\n", i + 1, i))
        .collect();
    let found = scan(&list, today);
    let ids = found.iter().filter(|f| f.kind == PiiKind::IdNumber).count();
    assert_eq!(ids, 10_000);

    let mut flagged = Vec::new();
    for id in &wrong {
        let text = format!("身份证号：{id}。");
        if scan(&text, today)
            .iter()
            .any(|f| f.kind == PiiKind::IdNumber)
        {
            flagged.push(id.clone());
        }
    }
    assert!(
        flagged.is_empty(),
        "wrong checksums flagged: {:?}",
        &flagged[..flagged.len().min(5)]
    );
}

//! The applicant (申请人) of a disclosure application: the six kinds counted
//! in the annual report, validation of identity documents and contact details,
//! normalisation, the identity key that tells "the same applicant" across
//! applications, and masking (去标识化) for staff lists.
//!
//! - 居民身份证号: GB 11643-1999, 18 characters, MOD 11-2 check character
//!   (`0`–`9` or `X`), a plausible birth date (not before 1900, not in the
//!   future) and a known province code. Legacy 15-digit numbers (born 19YY,
//!   no check character) are accepted and upgraded to 18 digits.
//! - 统一社会信用代码: GB 32100-2015, 18 characters from
//!   `0123456789ABCDEFGHJKLMNPQRTUWXY`, region code (positions 3–8) in digits,
//!   MOD 31 check character.
//! - Mobile numbers: `1[3-9]` and 9 more digits (an optional `+86` / `0086`
//!   prefix is dropped). Landlines (`0` + area code + number, 10–12 digits) are
//!   accepted as a phone but are not mobile numbers.
//!
//! Everything an applicant types goes through [`normalize`] first: full-width
//! characters become half-width, letters upper case, spaces and hyphens go.

use std::fmt;
use std::str::FromStr;

use gongkai_report::labels;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// The applicant kinds of table 三, in column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// 自然人.
    NaturalPerson,
    /// 商业企业.
    Commercial,
    /// 科研机构.
    Research,
    /// 社会公益组织.
    PublicInterest,
    /// 法律服务机构.
    LegalService,
    /// 其他 (法人或其他组织).
    OtherOrganization,
}

impl ApplicantKind {
    pub const ALL: [ApplicantKind; 6] = [
        ApplicantKind::NaturalPerson,
        ApplicantKind::Commercial,
        ApplicantKind::Research,
        ApplicantKind::PublicInterest,
        ApplicantKind::LegalService,
        ApplicantKind::OtherOrganization,
    ];

    /// The serialised name, e.g. `natural_person`.
    pub fn name(self) -> &'static str {
        match self {
            ApplicantKind::NaturalPerson => "natural_person",
            ApplicantKind::Commercial => "commercial",
            ApplicantKind::Research => "research",
            ApplicantKind::PublicInterest => "public_interest",
            ApplicantKind::LegalService => "legal_service",
            ApplicantKind::OtherOrganization => "other_organization",
        }
    }

    /// The column of table 三 (0..=5; column 6 is 总计).
    pub fn column(self) -> usize {
        match self {
            ApplicantKind::NaturalPerson => 0,
            ApplicantKind::Commercial => 1,
            ApplicantKind::Research => 2,
            ApplicantKind::PublicInterest => 3,
            ApplicantKind::LegalService => 4,
            ApplicantKind::OtherOrganization => 5,
        }
    }

    /// The column header of the report (`自然人`, `商业企业`, …, `其他`).
    pub fn label_zh(self) -> &'static str {
        labels::APPLICATION_COLUMNS[self.column()]
    }

    /// `自然人` or `法人或其他组织`.
    pub fn group_zh(self) -> &'static str {
        if self.is_organization() {
            labels::ORGANIZATION
        } else {
            labels::NATURAL_PERSON
        }
    }

    /// The label for forms, where `其他` alone would be unclear, e.g.
    /// `法人或其他组织（其他）`.
    pub fn form_label_zh(self) -> String {
        if self.is_organization() {
            format!("{}（{}）", labels::ORGANIZATION, self.label_zh())
        } else {
            self.label_zh().to_string()
        }
    }

    pub fn is_organization(self) -> bool {
        self != ApplicantKind::NaturalPerson
    }
}

impl fmt::Display for ApplicantKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ApplicantKind {
    type Err = ApplicantError;

    /// Accepts `natural_person` and `natural-person` alike.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().replace('-', "_");
        ApplicantKind::ALL
            .into_iter()
            .find(|k| k.name() == wanted)
            .ok_or_else(|| ApplicantError::UnknownKind(text.to_string()))
    }
}

/// Bad applicant data. Each message names the field in Chinese;
/// [`ApplicantError::field`] gives the API field name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplicantError {
    #[error("申请人类型“{0}”无效，应为 natural_person、commercial、research、public_interest、legal_service 或 other_organization")]
    UnknownKind(String),
    #[error("申请人姓名或名称不能为空，且不超过100个字符")]
    InvalidName,
    #[error("居民身份证号应为18位（或旧版15位），实际为{0}位")]
    IdNumberLength(usize),
    #[error("居民身份证号只能由数字组成，最后一位可以是X")]
    IdNumberCharacters,
    #[error("居民身份证号前两位“{0}”不是有效的省级行政区划代码")]
    IdNumberRegion(String),
    #[error("居民身份证号中的出生日期“{0}”无效")]
    IdNumberBirthDate(String),
    #[error("居民身份证号中的出生日期{0}晚于今天")]
    IdNumberFutureBirth(Date),
    #[error("居民身份证号校验位不正确：应为{expected}，实际为{found}")]
    IdNumberChecksum { expected: char, found: char },
    #[error("统一社会信用代码应为18位，实际为{0}位")]
    CreditCodeLength(usize),
    #[error("统一社会信用代码第{position}位“{found}”不是允许的字符（数字或除I、O、Z、S、V以外的大写字母）")]
    CreditCodeCharacter { position: usize, found: char },
    #[error("统一社会信用代码第3至8位应为行政区划代码（数字）")]
    CreditCodeRegion,
    #[error("统一社会信用代码校验位不正确：应为{expected}，实际为{found}")]
    CreditCodeChecksum { expected: char, found: char },
    #[error("手机号码“{0}”格式不正确，应为以13至19开头的11位数字")]
    InvalidMobile(String),
    #[error("联系电话“{0}”格式不正确，应为11位手机号码或带区号的固定电话")]
    InvalidPhone(String),
    #[error("电子邮箱“{0}”格式不正确")]
    InvalidEmail(String),
    #[error("通信地址不能超过{0}个字符")]
    AddressTooLong(usize),
    #[error("请至少填写一种联系方式（联系电话、电子邮箱或通信地址）")]
    MissingContact,
    #[error("自然人申请人不填写统一社会信用代码")]
    CreditCodeForPerson,
    #[error("法人或其他组织申请人不填写居民身份证号，请填写统一社会信用代码")]
    IdNumberForOrganization,
}

impl ApplicantError {
    /// The API field the error is about (`kind`, `name`, `id_number`,
    /// `credit_code`, `phone`, `email`, `address`).
    pub fn field(&self) -> &'static str {
        use ApplicantError::*;
        match self {
            UnknownKind(_) => "kind",
            InvalidName => "name",
            IdNumberLength(_)
            | IdNumberCharacters
            | IdNumberRegion(_)
            | IdNumberBirthDate(_)
            | IdNumberFutureBirth(_)
            | IdNumberChecksum { .. }
            | IdNumberForOrganization => "id_number",
            CreditCodeLength(_)
            | CreditCodeCharacter { .. }
            | CreditCodeRegion
            | CreditCodeChecksum { .. }
            | CreditCodeForPerson => "credit_code",
            InvalidMobile(_) | InvalidPhone(_) | MissingContact => "phone",
            InvalidEmail(_) => "email",
            AddressTooLong(_) => "address",
        }
    }

    /// A stable machine code, e.g. `invalid_id_number`.
    pub fn code(&self) -> &'static str {
        match self.field() {
            "kind" => "invalid_applicant_kind",
            "name" => "invalid_name",
            "id_number" => "invalid_id_number",
            "credit_code" => "invalid_credit_code",
            "email" => "invalid_email",
            "address" => "invalid_address",
            _ => "invalid_phone",
        }
    }
}

// ---- normalisation ----

/// Full-width → half-width (U+FF01–U+FF5E and the ideographic space), ASCII
/// letters upper case, and every space, hyphen or dash removed.
pub fn normalize(text: &str) -> String {
    text.chars()
        .map(to_half_width)
        .filter(|c| !c.is_whitespace() && !is_dash(*c))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// One character full-width → half-width; others unchanged.
pub fn to_half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}'
    )
}

// ---- 居民身份证号 (GB 11643-1999) ----

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Province-level codes (the first two digits of an 行政区划代码; 71 台湾,
/// 81 香港, 82 澳门, 83 for 台湾居民居住证).
pub const PROVINCE_CODES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// The MOD 11-2 check character of the first 17 digits; `None` unless they
/// are exactly 17 ASCII digits.
pub fn id_check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    ID_CHECK.get((sum % 11) as usize).copied()
}

fn digits_value(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        bytes
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')),
    )
}

/// Whether the two leading digits are a province code.
pub fn is_province_code(first2: &[u8]) -> bool {
    digits_value(first2)
        .and_then(|v| u8::try_from(v).ok())
        .is_some_and(|v| first2.len() == 2 && PROVINCE_CODES.contains(&v))
}

/// The date of `YYYYMMDD` digits if it exists, is not before 1900-01-01 and
/// not after `today`.
pub fn plausible_birth_date(yyyymmdd: &[u8], today: Date) -> Option<Date> {
    let date = date_of_digits(yyyymmdd)?;
    (date.year() >= 1900 && date <= today).then_some(date)
}

fn date_of_digits(yyyymmdd: &[u8]) -> Option<Date> {
    if yyyymmdd.len() != 8 {
        return None;
    }
    let year = i32::try_from(digits_value(yyyymmdd.get(0..4)?)?).ok()?;
    let month = u8::try_from(digits_value(yyyymmdd.get(4..6)?)?).ok()?;
    let day = u8::try_from(digits_value(yyyymmdd.get(6..8)?)?).ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Whether 18 ASCII characters (after [`normalize`]) are a valid 居民身份证号
/// as of `today`. The fast path for scanners; [`IdNumber::parse`] says why not.
pub fn is_valid_id_number(bytes: &[u8], today: Date) -> bool {
    bytes.len() == 18
        && is_province_code(&bytes[0..2])
        && plausible_birth_date(&bytes[6..14], today).is_some()
        && id_check_char(&bytes[..17]).is_some_and(|c| Some(&(c as u8)) == bytes.get(17))
}

/// Whether 15 ASCII digits are a plausible legacy 居民身份证号 (birth 19YYMMDD).
pub fn is_valid_legacy_id_number(bytes: &[u8], today: Date) -> bool {
    legacy_birth_digits(bytes).is_some_and(|birth| {
        is_province_code(&bytes[0..2]) && plausible_birth_date(&birth, today).is_some()
    })
}

fn legacy_birth_digits(bytes: &[u8]) -> Option<[u8; 8]> {
    if bytes.len() != 15 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let yymmdd = bytes.get(6..12)?;
    let mut out = *b"19000000";
    out.get_mut(2..8)?.copy_from_slice(yymmdd);
    Some(out)
}

/// A validated, normalised 18-character 居民身份证号.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdNumber(String);

impl IdNumber {
    /// Normalises and validates as of `today`; a legacy 15-digit number is
    /// upgraded to 18 digits (`19` inserted before the year, check character added).
    pub fn parse(text: &str, today: Date) -> Result<IdNumber, ApplicantError> {
        let norm = normalize(text);
        let count = norm.chars().count();
        if !norm.is_ascii() || (count != 18 && count != 15) {
            return Err(ApplicantError::IdNumberLength(count));
        }
        let bytes = norm.as_bytes();
        let body_ok = if count == 18 {
            bytes[..17].iter().all(u8::is_ascii_digit)
                && (bytes[17].is_ascii_digit() || bytes[17] == b'X')
        } else {
            bytes.iter().all(u8::is_ascii_digit)
        };
        if !body_ok {
            return Err(ApplicantError::IdNumberCharacters);
        }
        if !is_province_code(&bytes[0..2]) {
            return Err(ApplicantError::IdNumberRegion(norm[0..2].to_string()));
        }
        let full = if count == 15 {
            let mut first17 = String::with_capacity(18);
            first17.push_str(&norm[0..6]);
            first17.push_str("19");
            first17.push_str(&norm[6..15]);
            let check =
                id_check_char(first17.as_bytes()).ok_or(ApplicantError::IdNumberCharacters)?;
            first17.push(check);
            first17
        } else {
            norm
        };
        let bytes = full.as_bytes();
        let birth_digits = &bytes[6..14];
        let birth = date_of_digits(birth_digits)
            .filter(|d| d.year() >= 1900)
            .ok_or_else(|| ApplicantError::IdNumberBirthDate(full[6..14].to_string()))?;
        if birth > today {
            return Err(ApplicantError::IdNumberFutureBirth(birth));
        }
        let expected = id_check_char(&bytes[..17]).ok_or(ApplicantError::IdNumberCharacters)?;
        let found = char::from(bytes[17]);
        if expected != found {
            return Err(ApplicantError::IdNumberChecksum { expected, found });
        }
        Ok(IdNumber(full))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit 行政区划代码 of the place of first registration.
    pub fn region_code(&self) -> &str {
        self.0.get(0..6).unwrap_or("")
    }

    pub fn birth_date(&self) -> Option<Date> {
        date_of_digits(self.0.as_bytes().get(6..14)?)
    }

    /// `3708**********1234`.
    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---- 统一社会信用代码 (GB 32100-2015) ----

/// The 31 characters a credit code may use (no I, O, Z, S, V).
pub const CREDIT_CODE_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The value (0..31) of a credit-code character.
pub fn credit_code_value(c: u8) -> Option<u32> {
    CREDIT_CODE_ALPHABET
        .bytes()
        .position(|a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// The MOD 31 check character of the first 17 characters; `None` unless they
/// are 17 characters of the alphabet.
pub fn credit_code_check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(CREDIT_WEIGHTS) {
        sum += credit_code_value(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    CREDIT_CODE_ALPHABET
        .as_bytes()
        .get(check as usize)
        .map(|b| char::from(*b))
}

/// Whether 18 ASCII characters (after [`normalize`]) are a valid credit code.
pub fn is_valid_credit_code(bytes: &[u8]) -> bool {
    bytes.len() == 18
        && bytes[2..8].iter().all(u8::is_ascii_digit)
        && credit_code_check_char(&bytes[..17]).is_some_and(|c| Some(&(c as u8)) == bytes.get(17))
}

/// A validated, normalised 统一社会信用代码.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(text: &str) -> Result<CreditCode, ApplicantError> {
        let norm = normalize(text);
        let count = norm.chars().count();
        if count != 18 {
            return Err(ApplicantError::CreditCodeLength(count));
        }
        for (i, c) in norm.chars().enumerate() {
            let ok = u8::try_from(c).ok().and_then(credit_code_value).is_some();
            if !ok {
                return Err(ApplicantError::CreditCodeCharacter {
                    position: i + 1,
                    found: c,
                });
            }
        }
        let bytes = norm.as_bytes();
        if !bytes[2..8].iter().all(u8::is_ascii_digit) {
            return Err(ApplicantError::CreditCodeRegion);
        }
        let expected =
            credit_code_check_char(&bytes[..17]).ok_or(ApplicantError::CreditCodeRegion)?;
        let found = char::from(bytes[17]);
        if expected != found {
            return Err(ApplicantError::CreditCodeChecksum { expected, found });
        }
        Ok(CreditCode(norm))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `9137**********123X`.
    pub fn masked(&self) -> String {
        mask_credit_code(&self.0)
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---- phone numbers ----

/// Whether 11 ASCII digits are a mainland mobile number (`1[3-9]` + 9 digits).
pub fn is_mobile(bytes: &[u8]) -> bool {
    bytes.len() == 11
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
        && bytes.iter().all(u8::is_ascii_digit)
}

fn strip_country_code(norm: &str) -> &str {
    for prefix in ["+86", "0086"] {
        if let Some(rest) = norm.strip_prefix(prefix) {
            return rest;
        }
    }
    if norm.len() == 13 {
        if let Some(rest) = norm.strip_prefix("86") {
            return rest;
        }
    }
    norm
}

/// A validated, normalised phone number: digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// A mobile number only.
    pub fn parse_mobile(text: &str) -> Result<Phone, ApplicantError> {
        let norm = normalize(text);
        let digits = strip_country_code(&norm);
        if is_mobile(digits.as_bytes()) {
            Ok(Phone(digits.to_string()))
        } else {
            Err(ApplicantError::InvalidMobile(text.trim().to_string()))
        }
    }

    /// A mobile number or a landline with its area code (`0537-1234567`;
    /// brackets around the area code are dropped).
    pub fn parse(text: &str) -> Result<Phone, ApplicantError> {
        if let Ok(mobile) = Phone::parse_mobile(text) {
            return Ok(mobile);
        }
        let norm: String = normalize(text)
            .chars()
            .filter(|c| !matches!(c, '(' | ')'))
            .collect();
        let digits = strip_country_code(&norm);
        let landline = digits.starts_with('0')
            && (10..=12).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit());
        if landline {
            Ok(Phone(digits.to_string()))
        } else {
            Err(ApplicantError::InvalidPhone(text.trim().to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_mobile(&self) -> bool {
        is_mobile(self.0.as_bytes())
    }

    /// The last four digits (what `/track` asks for).
    pub fn last_four(&self) -> &str {
        self.0.get(self.0.len().saturating_sub(4)..).unwrap_or("")
    }

    /// `138****5678` for a mobile, `0537***4567` for a landline (first 4, last 4).
    pub fn masked(&self) -> String {
        if self.is_mobile() {
            mask_mobile(&self.0)
        } else {
            mask_keep(&self.0, 4, 4)
        }
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn valid_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && text.chars().count() <= 254
}

// ---- masking ----

/// Keeps the first `head` and last `tail` characters and replaces every other
/// character with `*`. A text too short to keep anything is masked whole.
pub fn mask_keep(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    if n <= head + tail {
        return "*".repeat(n);
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

/// `3708**********1234`: the first 4 and last 4 characters of an ID number.
pub fn mask_id_number(text: &str) -> String {
    mask_keep(text, 4, 4)
}

/// `9137**********123X`: the first 4 and last 4 characters of a credit code.
pub fn mask_credit_code(text: &str) -> String {
    mask_keep(text, 4, 4)
}

/// `138****5678`: the first 3 and last 4 digits of a mobile number.
pub fn mask_mobile(text: &str) -> String {
    mask_keep(text, 3, 4)
}

/// Any stored phone number (mobile or landline): the last 4 digits kept and
/// at most the first 3, so that a short number still hides its middle.
pub fn mask_phone(text: &str) -> String {
    let len = text.chars().count();
    mask_keep(text, 3.min(len.saturating_sub(4)), 4)
}

/// A person's name keeps its first character (`张*`, `欧阳**`); an
/// organisation's name is not personal data and stays as it is.
pub fn mask_name(name: &str, kind: ApplicantKind) -> String {
    let name = name.trim();
    if kind.is_organization() {
        name.to_string()
    } else {
        mask_keep(name, 1, 0)
    }
}

// ---- identity ----

/// What makes two applications "the same applicant": the normalised ID number
/// or credit code, else the phone. Stored as one string (`id:…`, `uscc:…`,
/// `phone:…`), so a store can index it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IdentityKey(String);

impl IdentityKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key of an identity given as typed: an ID number (a valid legacy one
    /// is upgraded, an invalid one is only normalised), else a credit code,
    /// else a phone number; `None` when all are blank.
    pub fn of(
        id_number: Option<&str>,
        credit_code: Option<&str>,
        phone: Option<&str>,
        today: Date,
    ) -> Option<IdentityKey> {
        if let Some(id) = id_number.map(normalize).filter(|s| !s.is_empty()) {
            let id = IdNumber::parse(&id, today).map(|v| v.0).unwrap_or(id);
            return Some(IdentityKey(format!("id:{id}")));
        }
        if let Some(code) = credit_code.map(normalize).filter(|s| !s.is_empty()) {
            return Some(IdentityKey(format!("uscc:{code}")));
        }
        let phone = phone.map(normalize).filter(|s| !s.is_empty())?;
        let digits: String = strip_country_code(&phone)
            .chars()
            .filter(|c| !matches!(c, '(' | ')'))
            .collect();
        Some(IdentityKey(format!("phone:{digits}")))
    }
}

impl fmt::Display for IdentityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---- the applicant as a whole ----

/// An applicant as typed in a form or sent to the API, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantDraft {
    pub kind: Option<ApplicantKind>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub credit_code: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

/// A validated applicant, every field normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub kind: ApplicantKind,
    pub name: String,
    pub id_number: Option<IdNumber>,
    pub credit_code: Option<CreditCode>,
    pub phone: Option<Phone>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// Longest name (characters).
pub const MAX_NAME_CHARS: usize = 100;
/// Longest address (characters).
pub const MAX_ADDRESS_CHARS: usize = 200;

fn blank_to_none(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ApplicantDraft {
    /// Validates every field as of `today` and returns all errors at once
    /// (each naming its field), or the normalised applicant. A missing kind
    /// counts as a natural person only when no credit code is given.
    pub fn validate(&self, today: Date) -> Result<Applicant, Vec<ApplicantError>> {
        let mut errors = Vec::new();
        let kind = self
            .kind
            .unwrap_or(if blank_to_none(&self.credit_code).is_some() {
                ApplicantKind::OtherOrganization
            } else {
                ApplicantKind::NaturalPerson
            });
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            errors.push(ApplicantError::InvalidName);
        }
        let id_number = match blank_to_none(&self.id_number) {
            Some(_) if kind.is_organization() => {
                errors.push(ApplicantError::IdNumberForOrganization);
                None
            }
            Some(text) => IdNumber::parse(text, today)
                .map_err(|e| errors.push(e))
                .ok(),
            None => None,
        };
        let credit_code = match blank_to_none(&self.credit_code) {
            Some(_) if !kind.is_organization() => {
                errors.push(ApplicantError::CreditCodeForPerson);
                None
            }
            Some(text) => CreditCode::parse(text).map_err(|e| errors.push(e)).ok(),
            None => None,
        };
        let phone = blank_to_none(&self.phone)
            .and_then(|text| Phone::parse(text).map_err(|e| errors.push(e)).ok());
        let email = blank_to_none(&self.email).and_then(|text| {
            let norm: String = text.chars().map(to_half_width).collect();
            let norm = norm.trim().to_string();
            if valid_email(&norm) {
                Some(norm)
            } else {
                errors.push(ApplicantError::InvalidEmail(text.to_string()));
                None
            }
        });
        let address = blank_to_none(&self.address).and_then(|text| {
            if text.chars().count() > MAX_ADDRESS_CHARS {
                errors.push(ApplicantError::AddressTooLong(MAX_ADDRESS_CHARS));
                None
            } else {
                Some(text.to_string())
            }
        });
        let any_contact = [&self.phone, &self.email, &self.address]
            .iter()
            .any(|v| blank_to_none(v).is_some());
        if !any_contact {
            errors.push(ApplicantError::MissingContact);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Applicant {
            kind,
            name,
            id_number,
            credit_code,
            phone,
            email,
            address,
        })
    }
}

impl Applicant {
    /// The key for "same applicant" across applications.
    pub fn identity_key(&self) -> Option<IdentityKey> {
        if let Some(id) = &self.id_number {
            return Some(IdentityKey(format!("id:{id}")));
        }
        if let Some(code) = &self.credit_code {
            return Some(IdentityKey(format!("uscc:{code}")));
        }
        self.phone
            .as_ref()
            .map(|p| IdentityKey(format!("phone:{p}")))
    }

    /// The applicant as staff lists show it: name, ID number, credit code and
    /// phone masked; e-mail and address left out.
    pub fn masked(&self) -> MaskedApplicant {
        MaskedApplicant {
            kind: self.kind,
            name: mask_name(&self.name, self.kind),
            id_number: self.id_number.as_ref().map(IdNumber::masked),
            credit_code: self.credit_code.as_ref().map(CreditCode::masked),
            phone: self.phone.as_ref().map(Phone::masked),
        }
    }
}

/// What a staff list may show of an applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MaskedApplicant {
    pub kind: ApplicantKind,
    pub name: String,
    pub id_number: Option<String>,
    pub credit_code: Option<String>,
    pub phone: Option<String>,
}

//! Applicant kinds, identity documents, phones, masking and identity keys.

use gongkai_domain::applicant::{
    id_check_char, mask_credit_code, mask_id_number, mask_keep, mask_mobile, mask_name, normalize,
    Applicant, ApplicantDraft, ApplicantError, ApplicantKind, CreditCode, IdNumber, IdentityKey,
    Phone,
};
use gongkai_report::labels::APPLICATION_COLUMNS;
use proptest::prelude::*;
use time::macros::date;
use time::Date;

const TODAY: Date = date!(2025 - 06 - 30);

type Case = (&'static str, fn(&ApplicantError) -> bool);

#[test]
fn kinds_serialise_snake_case_and_match_report_columns() {
    let names = [
        "natural_person",
        "commercial",
        "research",
        "public_interest",
        "legal_service",
        "other_organization",
    ];
    for (i, kind) in ApplicantKind::ALL.into_iter().enumerate() {
        assert_eq!(kind.column(), i);
        assert_eq!(kind.name(), names[i]);
        assert_eq!(kind.label_zh(), APPLICATION_COLUMNS[i]);
        assert_eq!(
            serde_json::to_string(&kind).unwrap(),
            format!("\"{}\"", names[i])
        );
        assert_eq!(
            serde_json::from_str::<ApplicantKind>(&format!("\"{}\"", names[i])).unwrap(),
            kind
        );
        assert_eq!(names[i].parse::<ApplicantKind>().unwrap(), kind);
    }
    assert_eq!(ApplicantKind::NaturalPerson.label_zh(), "自然人");
    assert_eq!(
        ApplicantKind::OtherOrganization.form_label_zh(),
        "法人或其他组织（其他）"
    );
    assert_eq!(ApplicantKind::Commercial.group_zh(), "法人或其他组织");
    let err = "person".parse::<ApplicantKind>().unwrap_err();
    assert_eq!(err.field(), "kind");
    assert!(err.to_string().contains("申请人类型"));
}

#[test]
fn normalisation() {
    assert_eq!(
        normalize(" ３７０８ ０２-1990 0101 123x "),
        "37080219900101123X"
    );
    assert_eq!(normalize("１３８－１２３４－５６７８"), "13812345678");
    assert_eq!(normalize("ｘ"), "X");
    assert_eq!(normalize("138\u{3000}1234\u{2014}5678"), "13812345678");
}

#[test]
fn valid_id_numbers() {
    for (text, norm) in [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("370802 19900101 123X", "37080219900101123X"),
        ("370881-19851203-5672", "370881198512035672"),
    ] {
        let id = IdNumber::parse(text, TODAY).unwrap();
        assert_eq!(id.as_str(), norm);
    }
    let id = IdNumber::parse("370881198512035672", TODAY).unwrap();
    assert_eq!(id.birth_date(), Some(date!(1985 - 12 - 03)));
    assert_eq!(id.region_code(), "370881");
    assert_eq!(id.masked(), "3708**********5672");
}

#[test]
fn legacy_id_numbers_are_upgraded() {
    // 15 digits: 370881 851203 567 → 370881 19851203 567 + check.
    let id = IdNumber::parse("370881851203567", TODAY).unwrap();
    assert_eq!(id.as_str(), "370881198512035672");
    let err = IdNumber::parse("370881851303567", TODAY).unwrap_err();
    assert!(matches!(err, ApplicantError::IdNumberBirthDate(_)), "{err}");
}

#[test]
fn invalid_id_numbers_name_the_field() {
    let cases: [Case; 8] = [
        ("11010519491231002", |e| {
            matches!(e, ApplicantError::IdNumberLength(17))
        }),
        ("1101051949123100211", |e| {
            matches!(e, ApplicantError::IdNumberLength(19))
        }),
        ("11010519491231002Y", |e| {
            matches!(e, ApplicantError::IdNumberCharacters)
        }),
        ("1101051949X231002X", |e| {
            matches!(e, ApplicantError::IdNumberCharacters)
        }),
        ("00010519491231002X", |e| {
            matches!(e, ApplicantError::IdNumberRegion(_))
        }),
        ("110105194902300021", |e| {
            matches!(e, ApplicantError::IdNumberBirthDate(_))
        }),
        ("110105203001010021", |e| {
            matches!(e, ApplicantError::IdNumberFutureBirth(_))
        }),
        ("110105194912310021", |e| {
            matches!(
                e,
                ApplicantError::IdNumberChecksum {
                    expected: 'X',
                    found: '1'
                }
            )
        }),
    ];
    for (text, ok) in cases {
        let err = IdNumber::parse(text, TODAY).unwrap_err();
        assert!(ok(&err), "{text}: {err:?}");
        assert_eq!(err.field(), "id_number");
        assert_eq!(err.code(), "invalid_id_number");
        assert!(err.to_string().contains("居民身份证号"), "{err}");
    }
    // Non-ASCII garbage of the right length never panics.
    assert!(IdNumber::parse("一二三四五六七八九十一二三四五六七八", TODAY).is_err());
    assert!(IdNumber::parse("", TODAY).is_err());
}

#[test]
fn credit_codes() {
    for text in [
        "914403001922038216",
        "91350100M000100Y43",
        "91350100m000100y43",
    ] {
        let code = CreditCode::parse(text).unwrap();
        assert_eq!(code.as_str(), text.to_uppercase());
    }
    assert_eq!(
        CreditCode::parse("914403001922038216").unwrap().masked(),
        "9144**********8216"
    );
    let cases: [Case; 5] = [
        ("91440300192203821", |e| {
            matches!(e, ApplicantError::CreditCodeLength(17))
        }),
        ("91440300192203821I", |e| {
            matches!(
                e,
                ApplicantError::CreditCodeCharacter {
                    position: 18,
                    found: 'I'
                }
            )
        }),
        ("91A40300192203821Y", |e| {
            matches!(e, ApplicantError::CreditCodeRegion)
        }),
        ("914403001922038217", |e| {
            matches!(
                e,
                ApplicantError::CreditCodeChecksum {
                    expected: '6',
                    found: '7'
                }
            )
        }),
        ("91440300192203821中", |e| {
            matches!(e, ApplicantError::CreditCodeCharacter { position: 18, .. })
        }),
    ];
    for (text, ok) in cases {
        let err = CreditCode::parse(text).unwrap_err();
        assert!(ok(&err), "{text}: {err:?}");
        assert_eq!(err.field(), "credit_code");
        assert!(err.to_string().contains("统一社会信用代码"), "{err}");
    }
}

#[test]
fn phones() {
    for text in [
        "13812345678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "0086-13812345678",
        "8613812345678",
        "１３８１２３４５６７８",
    ] {
        let p = Phone::parse_mobile(text).unwrap();
        assert_eq!(p.as_str(), "13812345678", "{text}");
        assert_eq!(p.masked(), "138****5678");
        assert_eq!(p.last_four(), "5678");
    }
    for bad in ["12812345678", "1381234567", "138123456789", "abc", ""] {
        let err = Phone::parse_mobile(bad).unwrap_err();
        assert_eq!(err.field(), "phone");
        assert!(err.to_string().contains("手机号码"));
    }
    let land = Phone::parse("(0537) 123-4567").unwrap();
    assert_eq!(land.as_str(), "05371234567");
    assert!(!land.is_mobile());
    assert_eq!(land.masked(), "0537***4567");
    assert!(Phone::parse("12345").is_err());
}

#[test]
fn masks() {
    assert_eq!(mask_id_number("370802199001011234"), "3708**********1234");
    assert_eq!(mask_mobile("13812345678"), "138****5678");
    assert_eq!(mask_credit_code("91350100M000100Y43"), "9135**********0Y43");
    assert_eq!(mask_keep("abc", 4, 4), "***");
    assert_eq!(mask_keep("", 4, 4), "");
    assert_eq!(mask_keep("一二三四五六七八九", 4, 4), "一二三四*六七八九");
    assert_eq!(mask_name("张三", ApplicantKind::NaturalPerson), "张*");
    assert_eq!(mask_name("欧阳娜娜", ApplicantKind::NaturalPerson), "欧***");
    assert_eq!(
        mask_name("某某律师事务所", ApplicantKind::LegalService),
        "某某律师事务所"
    );
}

fn draft(kind: ApplicantKind) -> ApplicantDraft {
    ApplicantDraft {
        kind: Some(kind),
        name: " 张三 ".into(),
        phone: Some("138 1234 5678".into()),
        ..ApplicantDraft::default()
    }
}

#[test]
fn applicant_drafts() {
    let mut d = draft(ApplicantKind::NaturalPerson);
    d.id_number = Some("37080219900101123x".into());
    let a: Applicant = d.validate(TODAY).unwrap();
    assert_eq!(a.name, "张三");
    assert_eq!(a.id_number.as_ref().unwrap().as_str(), "37080219900101123X");
    assert_eq!(a.identity_key().unwrap().as_str(), "id:37080219900101123X");
    let m = a.masked();
    assert_eq!(m.id_number.as_deref(), Some("3708**********123X"));
    assert_eq!(m.phone.as_deref(), Some("138****5678"));
    assert_eq!(m.name, "张*");

    let mut org = draft(ApplicantKind::Commercial);
    org.credit_code = Some("914403001922038216".into());
    let a = org.validate(TODAY).unwrap();
    assert_eq!(
        a.identity_key().unwrap().as_str(),
        "uscc:914403001922038216"
    );

    let a = draft(ApplicantKind::Research).validate(TODAY).unwrap();
    assert_eq!(a.identity_key().unwrap().as_str(), "phone:13812345678");

    // Every error at once, each naming its field.
    let bad = ApplicantDraft {
        kind: Some(ApplicantKind::NaturalPerson),
        name: "  ".into(),
        id_number: Some("370802199001011231".into()),
        credit_code: Some("914403001922038216".into()),
        phone: None,
        email: Some("not-an-email".into()),
        address: Some("路".repeat(201)),
    };
    let errors = bad.validate(TODAY).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field()).collect();
    assert_eq!(
        fields,
        vec!["name", "id_number", "credit_code", "email", "address"]
    );
    // No contact at all.
    let none = ApplicantDraft {
        kind: Some(ApplicantKind::NaturalPerson),
        name: "李四".into(),
        ..ApplicantDraft::default()
    };
    let errors = none.validate(TODAY).unwrap_err();
    assert_eq!(errors, vec![ApplicantError::MissingContact]);
    // An organisation with an ID number.
    let mut org = draft(ApplicantKind::Commercial);
    org.id_number = Some("37080219900101123X".into());
    let errors = org.validate(TODAY).unwrap_err();
    assert_eq!(errors, vec![ApplicantError::IdNumberForOrganization]);
    // E-mail full-width normalised.
    let mut d = draft(ApplicantKind::NaturalPerson);
    d.email = Some("ａｂ＠ｅｘａｍｐｌｅ．ｃｎ".into());
    assert_eq!(
        d.validate(TODAY).unwrap().email.as_deref(),
        Some("ab@example.cn")
    );
}

#[test]
fn identity_keys_from_raw_input() {
    let a = IdentityKey::of(Some("370881851203567"), None, Some("13812345678"), TODAY);
    let b = IdentityKey::of(
        Some("３７０８８１１９８５１２０３５６７２"),
        None,
        None,
        TODAY,
    );
    assert_eq!(a, b);
    assert_eq!(a.unwrap().as_str(), "id:370881198512035672");
    let p1 = IdentityKey::of(Some("  "), Some(""), Some("+86 138-1234-5678"), TODAY);
    let p2 = IdentityKey::of(None, None, Some("13812345678"), TODAY);
    assert_eq!(p1, p2);
    assert_eq!(
        IdentityKey::of(None, Some("91350100m000100y43"), None, TODAY)
            .unwrap()
            .as_str(),
        "uscc:91350100M000100Y43"
    );
    assert_eq!(IdentityKey::of(None, None, Some(" "), TODAY), None);
}

fn valid_id(region: u32, birth: Date, seq: u32) -> String {
    let first17 = format!(
        "{region:06}{:04}{:02}{:02}{seq:03}",
        birth.year(),
        u8::from(birth.month()),
        birth.day()
    );
    let check = id_check_char(first17.as_bytes()).unwrap();
    format!("{first17}{check}")
}

proptest! {
    #[test]
    fn generated_ids_validate_and_a_changed_check_char_fails(
        province in prop::sample::select(gongkai_domain::applicant::PROVINCE_CODES.to_vec()),
        rest in 0u32..10_000,
        days in 0i64..45_000,
        seq in 0u32..1000,
        other in 0usize..11,
    ) {
        let birth = date!(1900 - 01 - 01) + time::Duration::days(days);
        prop_assume!(birth <= TODAY);
        let id = valid_id(u32::from(province) * 10_000 + rest, birth, seq);
        let parsed = IdNumber::parse(&id, TODAY).unwrap();
        prop_assert_eq!(parsed.as_str(), id.as_str());
        prop_assert_eq!(parsed.birth_date(), Some(birth));
        prop_assert_eq!(mask_id_number(&id).chars().filter(|c| *c == '*').count(), 10);
        let wrong = "0123456789X".chars().nth(other).unwrap();
        prop_assume!(!id.ends_with(wrong));
        let mut bad = id[..17].to_string();
        bad.push(wrong);
        let is_checksum_error = matches!(
            IdNumber::parse(&bad, TODAY),
            Err(ApplicantError::IdNumberChecksum { .. })
        );
        prop_assert!(is_checksum_error);
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,40}") {
        let _ = IdNumber::parse(&text, TODAY);
        let _ = CreditCode::parse(&text);
        let _ = Phone::parse(&text);
        let _ = IdentityKey::of(Some(&text), Some(&text), Some(&text), TODAY);
        let _ = mask_keep(&text, 4, 4);
    }
}

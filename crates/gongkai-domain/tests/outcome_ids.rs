//! The outcome taxonomy is exactly the result rows of table 三.

use std::collections::BTreeSet;

use gongkai_domain::outcome::{
    NotProcessedReason, OtherReason, Outcome, OutcomeError, UnavailableReason, WithholdReason,
    OUTCOME_COUNT, REGULATIONS,
};
use gongkai_report::labels::{self, APPLICATION_ROWS};
use gongkai_report::{AnnualReport, Format};

/// Row ids of table 三 that are not outcomes.
const NOT_OUTCOMES: [&str; 4] = ["new", "carried_in", "total", "carried_out"];

#[test]
fn ids_equal_the_report_outcome_rows() {
    let report: BTreeSet<&str> = APPLICATION_ROWS
        .iter()
        .map(|r| r.id)
        .filter(|id| !NOT_OUTCOMES.contains(id))
        .collect();
    let ours: BTreeSet<&str> = Outcome::ALL.iter().map(|o| o.id()).collect();
    assert_eq!(ours, report);
    assert_eq!(ours.len(), OUTCOME_COUNT);
    assert_eq!(Outcome::ALL.len(), OUTCOME_COUNT);
}

#[test]
fn every_id_round_trips() {
    for o in Outcome::ALL {
        assert_eq!(Outcome::parse(o.id()), Ok(o));
        assert_eq!(o.id().parse::<Outcome>(), Ok(o));
        assert_eq!(o.to_string(), o.id());
        let json = serde_json::to_string(&o).unwrap();
        assert_eq!(json, format!("\"{}\"", o.id()));
        assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), o);
        // The row in the report model is the row with this id.
        assert_eq!(APPLICATION_ROWS[o.row_index()].id, o.id());
        assert_eq!(APPLICATION_ROWS[o.row_index()].label, o.label());
    }
}

#[test]
fn ids_are_the_spec_spellings() {
    let cases = [
        (Outcome::Disclosed, "disclosed"),
        (Outcome::PartlyDisclosed, "partly_disclosed"),
        (
            Outcome::Withheld(WithholdReason::StateSecret),
            "withheld.state_secret",
        ),
        (
            Outcome::Withheld(WithholdReason::ForbiddenByLaw),
            "withheld.forbidden_by_law",
        ),
        (
            Outcome::Withheld(WithholdReason::ThreeSecurityOneStability),
            "withheld.three_security_one_stability",
        ),
        (
            Outcome::Withheld(WithholdReason::ThirdPartyRights),
            "withheld.third_party_rights",
        ),
        (
            Outcome::Withheld(WithholdReason::InternalAffairs),
            "withheld.internal_affairs",
        ),
        (
            Outcome::Withheld(WithholdReason::ProcessInformation),
            "withheld.process_information",
        ),
        (
            Outcome::Withheld(WithholdReason::EnforcementCaseFile),
            "withheld.enforcement_case_file",
        ),
        (
            Outcome::Withheld(WithholdReason::AdministrativeInquiry),
            "withheld.administrative_inquiry",
        ),
        (
            Outcome::Unavailable(UnavailableReason::NotHeld),
            "unavailable.not_held",
        ),
        (
            Outcome::Unavailable(UnavailableReason::NeedsCreation),
            "unavailable.needs_creation",
        ),
        (
            Outcome::Unavailable(UnavailableReason::UnclearAfterCorrection),
            "unavailable.unclear_after_correction",
        ),
        (
            Outcome::NotProcessed(NotProcessedReason::Petition),
            "not_processed.petition",
        ),
        (
            Outcome::NotProcessed(NotProcessedReason::Repeated),
            "not_processed.repeated",
        ),
        (
            Outcome::NotProcessed(NotProcessedReason::PublishedMaterial),
            "not_processed.published_material",
        ),
        (
            Outcome::NotProcessed(NotProcessedReason::Excessive),
            "not_processed.excessive",
        ),
        (
            Outcome::NotProcessed(NotProcessedReason::Reconfirmation),
            "not_processed.reconfirmation",
        ),
        (
            Outcome::OtherHandling(OtherReason::CorrectionOverdue),
            "other.correction_overdue",
        ),
        (
            Outcome::OtherHandling(OtherReason::FeeOverdue),
            "other.fee_overdue",
        ),
        (Outcome::OtherHandling(OtherReason::Other), "other.other"),
    ];
    assert_eq!(cases.len(), OUTCOME_COUNT);
    for (o, id) in cases {
        assert_eq!(o.id(), id);
    }
    // Every reason of every group is in ALL.
    let all: BTreeSet<Outcome> = Outcome::ALL.into_iter().collect();
    for r in WithholdReason::ALL {
        assert!(all.contains(&Outcome::Withheld(r)));
    }
    for r in UnavailableReason::ALL {
        assert!(all.contains(&Outcome::Unavailable(r)));
    }
    for r in NotProcessedReason::ALL {
        assert!(all.contains(&Outcome::NotProcessed(r)));
    }
    for r in OtherReason::ALL {
        assert!(all.contains(&Outcome::OtherHandling(r)));
    }
}

#[test]
fn unknown_ids_are_refused_in_chinese() {
    for bad in [
        "",
        "new",
        "total",
        "carried_in",
        "carried_out",
        "withheld",
        "withheld.",
        "Disclosed",
        "other",
        "予以公开",
    ] {
        let err = Outcome::parse(bad).unwrap_err();
        assert_eq!(err, OutcomeError::Unknown(bad.to_string()));
        assert!(err.to_string().contains("办理结果"), "{err}");
        assert!(serde_json::from_str::<Outcome>(&format!("\"{bad}\"")).is_err());
    }
    assert_eq!(Outcome::parse(" disclosed\n"), Ok(Outcome::Disclosed));
    assert!(serde_json::from_str::<Outcome>("3").is_err());
}

#[test]
fn labels_come_from_the_report() {
    assert_eq!(
        Outcome::Withheld(WithholdReason::ThirdPartyRights).label(),
        "4.保护第三方合法权益"
    );
    assert_eq!(
        Outcome::Withheld(WithholdReason::ThirdPartyRights).location(),
        "（三）4.保护第三方合法权益"
    );
    assert_eq!(Outcome::Disclosed.location(), "（一）予以公开");
    assert_eq!(Outcome::PartlyDisclosed.category_zh(), "部分公开");
    assert_eq!(Outcome::PartlyDisclosed.summary_zh(), "部分公开");
    assert_eq!(Outcome::Disclosed.summary_zh(), "予以公开");
    assert_eq!(
        Outcome::Withheld(WithholdReason::ThirdPartyRights).summary_zh(),
        "不予公开（保护第三方合法权益）"
    );
    assert_eq!(
        Outcome::Unavailable(UnavailableReason::NotHeld).summary_zh(),
        "无法提供（本机关不掌握相关政府信息）"
    );
    assert_eq!(
        Outcome::NotProcessed(NotProcessedReason::Repeated).summary_zh(),
        "不予处理（重复申请）"
    );
    assert_eq!(
        Outcome::OtherHandling(OtherReason::Other).summary_zh(),
        "其他处理（其他）"
    );
    for o in Outcome::ALL {
        let cat = o.category_zh();
        assert_eq!(cat.chars().count(), 4, "{o}: {cat}");
        if let Some(reason) = o.reason_zh() {
            assert!(!reason.is_empty());
            assert!(
                !reason.starts_with(|c: char| c.is_ascii_digit()),
                "{reason}"
            );
        }
    }
}

#[test]
fn every_outcome_but_two_has_a_basis() {
    let without: Vec<Outcome> = Outcome::ALL
        .into_iter()
        .filter(|o| o.basis().is_none())
        .collect();
    assert_eq!(
        without,
        vec![
            Outcome::NotProcessed(NotProcessedReason::Reconfirmation),
            Outcome::OtherHandling(OtherReason::Other)
        ]
    );
    let b = Outcome::PartlyDisclosed.basis().unwrap();
    assert_eq!(b.instrument, REGULATIONS);
    assert_eq!(b.text(), "《中华人民共和国政府信息公开条例》第三十七条");
    assert_eq!(
        Outcome::Unavailable(UnavailableReason::NotHeld)
            .basis()
            .unwrap()
            .to_string(),
        "《中华人民共和国政府信息公开条例》第三十六条第（四）项、第（五）项"
    );
    assert!(Outcome::OtherHandling(OtherReason::FeeOverdue)
        .basis()
        .unwrap()
        .text()
        .contains("信息处理费"));
}

#[test]
fn one_count_per_outcome_row_satisfies_the_report_rules() {
    // A report whose every outcome row holds one natural-person answer: the
    // row indices address the model correctly and R1–R3 hold.
    let mut r = AnnualReport::zeroed(Format::F2021);
    for o in Outcome::ALL {
        let row = r.applications[o.row_index()].as_mut().unwrap();
        row[0] += 1;
        row[6] += 1;
    }
    let n = OUTCOME_COUNT as i64;
    r.applications[labels::ROW_NEW] = Some([n, 0, 0, 0, 0, 0, n]);
    r.applications[labels::ROW_TOTAL] = Some([n, 0, 0, 0, 0, 0, n]);
    let findings = gongkai_report::check(&r, None);
    assert!(
        !findings
            .iter()
            .any(|f| ["R1", "R2", "R3", "R4", "R5"].contains(&f.rule.as_str())),
        "{findings:?}"
    );
    for o in Outcome::ALL {
        assert_eq!(r.application_row(o.id()).map(|row| row[6]), Some(1));
    }
}

#[test]
fn abandonment_and_release() {
    let released: Vec<Outcome> = Outcome::ALL
        .into_iter()
        .filter(|o| o.releases_information())
        .collect();
    assert_eq!(released, vec![Outcome::Disclosed, Outcome::PartlyDisclosed]);
    let abandoned: Vec<&str> = Outcome::ALL
        .into_iter()
        .filter(|o| o.is_abandonment())
        .map(|o| o.id())
        .collect();
    assert_eq!(
        abandoned,
        vec!["other.correction_overdue", "other.fee_overdue"]
    );
}

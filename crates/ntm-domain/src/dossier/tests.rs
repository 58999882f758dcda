use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration, Weekday};
use uuid::Uuid;

use super::calendar::{self, pending_step};
use super::*;
use crate::authz::Role;

const ALL_DOCS: [DocumentKind; 9] = [
    DocumentKind::SubmissionLetter,
    DocumentKind::ResultsReport,
    DocumentKind::CommentsSummary,
    DocumentKind::SatisfactionReport,
    DocumentKind::MeetingMinutes,
    DocumentKind::CapitalDebtReport,
    DocumentKind::Photos,
    DocumentKind::ReviewReport,
    DocumentKind::AppraisalReport,
];

fn good_facts(year: i32) -> Facts {
    Facts {
        year,
        all_criteria_met_on_verified_data: true,
        satisfaction: SatisfactionRate::new(97, 100),
        min_commune_content_satisfaction: SatisfactionRate::new(85, 100),
        household_coverage: None,
        documents: ALL_DOCS.into_iter().collect(),
    }
}

fn configured(kind: DossierKind, d: Date) -> Procedure {
    let p = Procedure::for_dossier(kind, d).unwrap();
    if p.satisfaction.is_some() {
        p
    } else {
        p.with_satisfaction_threshold(90, "Quyết định của UBND tỉnh (ví dụ kiểm thử)")
            .unwrap()
    }
}

fn decision(d: Date) -> Decision {
    Decision {
        number: "123/QĐ-UBND".into(),
        date: d,
        signer: "Nguyễn Văn A, Chủ tịch UBND tỉnh".into(),
    }
}

struct Run {
    proc_: Procedure,
    dossier: Dossier,
    events: Vec<DossierEvent>,
    facts: Facts,
    at: Date,
}

impl Run {
    fn new(kind: DossierKind, d: Date) -> Run {
        Run {
            proc_: configured(kind, d),
            dossier: Dossier::new(Uuid::nil(), "00004", kind, 2025, d).unwrap(),
            events: vec![],
            facts: good_facts(2025),
            at: d,
        }
    }

    fn step(&mut self, days: i64, action: Action, role: Role) -> Result<(), WorkflowError> {
        self.at += Duration::days(days);
        let t = apply_with(
            &self.proc_,
            &self.dossier,
            action,
            role,
            self.at,
            &self.facts,
        )?;
        self.dossier = t.dossier;
        self.events.push(t.event);
        Ok(())
    }

    fn advance_to_submitted(&mut self, owner: Role) {
        self.step(0, Action::StartPosting, owner).unwrap();
        self.step(15, Action::EndPosting, owner).unwrap();
        self.step(1, Action::Submit, owner).unwrap();
    }
}

#[test]
fn commune_until_june_2025_goes_through_the_district() {
    let mut r = Run::new(DossierKind::CommuneNtm, date!(2024 - 03 - 01));
    r.advance_to_submitted(Role::CommuneOfficer);
    assert!(matches!(
        r.step(1, Action::Appraise(Verdict::Pass), Role::ProvinceOfficer),
        Err(WorkflowError::ReviewRequired)
    ));
    assert!(matches!(
        r.step(0, Action::Review(Verdict::Pass), Role::ProvinceOfficer),
        Err(WorkflowError::WrongRole {
            expected: Role::DistrictOfficer,
            ..
        })
    ));
    r.step(5, Action::Review(Verdict::Pass), Role::DistrictOfficer)
        .unwrap();
    r.step(5, Action::Appraise(Verdict::Pass), Role::ProvinceOfficer)
        .unwrap();
    let d = r.at + Duration::days(3);
    r.step(3, Action::Decide(decision(d)), Role::ProvinceOfficer)
        .unwrap();
    r.step(1, Action::Publish, Role::ProvinceOfficer).unwrap();
    assert_eq!(r.dossier.state, DossierState::Published);
    assert_eq!(r.dossier.decision.as_ref().unwrap().number, "123/QĐ-UBND");
    let path: Vec<_> = r.events.iter().map(|e| e.to).collect();
    use DossierState::*;
    assert_eq!(
        path,
        vec![
            PublicPosting,
            ReadyToSubmit,
            Submitted,
            Reviewed,
            Appraised,
            Recognized,
            Published
        ]
    );
    assert!(r.events[5].note.as_deref().unwrap().contains("123/QĐ-UBND"));
    r.step(
        100,
        Action::Revoke {
            reason: "≥ 50 % tiêu chí không còn đạt".into(),
        },
        Role::ProvinceOfficer,
    )
    .unwrap();
    assert_eq!(r.dossier.state, Revoked);
    assert!(r.dossier.revocation_reason.is_some());
}

#[test]
fn commune_from_july_2025_goes_to_the_province_directly() {
    let mut r = Run::new(DossierKind::CommuneAdvanced, date!(2025 - 08 - 01));
    r.advance_to_submitted(Role::CommuneOfficer);
    assert_eq!(
        r.step(0, Action::Review(Verdict::Pass), Role::DistrictOfficer),
        Err(WorkflowError::StepNotInProcedure(StepKind::Review))
    );
    r.step(7, Action::Appraise(Verdict::Pass), Role::ProvinceOfficer)
        .unwrap();
    let d = r.at;
    r.step(0, Action::Decide(decision(d)), Role::ProvinceOfficer)
        .unwrap();
    assert_eq!(r.dossier.state, DossierState::Recognized);
    assert!(r.events.iter().all(|e| e.role != Role::DistrictOfficer));
}

#[test]
fn earlier_dossier_still_awaiting_review_on_1_july_2025_goes_to_the_province() {
    let mut r = Run::new(DossierKind::CommuneNtm, date!(2025 - 05 - 20));
    r.advance_to_submitted(Role::CommuneOfficer);
    r.at = date!(2025 - 07 - 01);
    assert_eq!(
        r.step(0, Action::Review(Verdict::Pass), Role::DistrictOfficer),
        Err(WorkflowError::DistrictAbolished(TWO_TIER_FROM))
    );
    r.step(0, Action::Appraise(Verdict::Pass), Role::ProvinceOfficer)
        .unwrap();
    assert!(r.events.last().unwrap().note.is_some());
}

#[test]
fn district_dossier_only_before_july_2025() {
    assert!(
        Dossier::new(
            Uuid::nil(),
            "001",
            DossierKind::DistrictNtm,
            2025,
            TWO_TIER_FROM
        )
        .is_err()
    );
    let mut r = Run::new(DossierKind::DistrictNtm, date!(2024 - 01 - 10));
    r.advance_to_submitted(Role::DistrictOfficer);
    r.step(3, Action::Review(Verdict::Pass), Role::ProvinceOfficer)
        .unwrap();
    // 80 % in every commune for every content (confirmed for huyện NTM).
    r.facts.min_commune_content_satisfaction = SatisfactionRate::new(79, 100);
    assert!(matches!(
        r.step(3, Action::Appraise(Verdict::Pass), Role::ProvinceOfficer),
        Err(WorkflowError::PerCommuneContentBelowThreshold { threshold: 80, .. })
    ));
    r.facts.min_commune_content_satisfaction = SatisfactionRate::new(80, 100);
    r.step(0, Action::Appraise(Verdict::Pass), Role::ProvinceOfficer)
        .unwrap();
}

#[test]
fn returns_land_at_the_commune_with_the_reason() {
    let mut r = Run::new(DossierKind::CommuneNtm, date!(2024 - 03 - 01));
    r.advance_to_submitted(Role::CommuneOfficer);
    assert_eq!(
        r.step(
            1,
            Action::Review(Verdict::Return {
                reason: "  ".into()
            }),
            Role::DistrictOfficer
        ),
        Err(WorkflowError::EmptyReason)
    );
    r.step(
        0,
        Action::Review(Verdict::Return {
            reason: "Thiếu biên bản họp".into(),
        }),
        Role::DistrictOfficer,
    )
    .unwrap();
    assert_eq!(r.dossier.state, DossierState::Preparing);
    assert_eq!(
        r.dossier.last_return().unwrap().reason,
        "Thiếu biên bản họp"
    );
    assert_eq!(
        r.events.last().unwrap().note.as_deref(),
        Some("Thiếu biên bản họp")
    );
    // Start again; now the province returns after review.
    r.advance_to_submitted(Role::CommuneOfficer);
    r.step(1, Action::Review(Verdict::Pass), Role::DistrictOfficer)
        .unwrap();
    r.step(
        1,
        Action::Appraise(Verdict::Return {
            reason: "Tiêu chí 17 chưa đạt".into(),
        }),
        Role::ProvinceOfficer,
    )
    .unwrap();
    assert_eq!(r.dossier.state, DossierState::Preparing);
    assert_eq!(r.dossier.returns.len(), 2);
    assert_eq!(r.dossier.returns[1].step, StepKind::Appraisal);
}

#[test]
fn order_dates_documents_and_posting_are_enforced() {
    let mut r = Run::new(DossierKind::CommuneNtm, date!(2025 - 09 - 01));
    assert!(matches!(
        r.step(0, Action::Appraise(Verdict::Pass), Role::ProvinceOfficer),
        Err(WorkflowError::WrongState { .. })
    ));
    let e = r.step(0, Action::Submit, Role::CommuneOfficer).unwrap_err();
    assert!(matches!(e, WorkflowError::WrongState { .. }));
    // In Vietnamese, with no Rust names in it.
    assert_eq!(
        e.to_string(),
        "không thể trình hồ sơ khi hồ sơ ở trạng thái “Đang chuẩn bị”"
    );
    let e = WorkflowError::WrongRole {
        step: StepKind::Decision,
        expected: Role::ProvinceOfficer,
        actual: Role::DistrictOfficer,
    };
    assert_eq!(
        e.to_string(),
        "bước “Quyết định công nhận” do cán bộ cấp tỉnh thực hiện, không phải cán bộ cấp huyện"
    );
    r.step(0, Action::StartPosting, Role::CommuneOfficer)
        .unwrap();
    assert_eq!(
        r.step(14, Action::EndPosting, Role::CommuneOfficer),
        Err(WorkflowError::PostingTooShort {
            earliest: date!(2025 - 09 - 16)
        })
    );
    r.step(1, Action::EndPosting, Role::CommuneOfficer).unwrap();
    r.facts.documents.remove(&DocumentKind::MeetingMinutes);
    assert!(matches!(
        r.step(0, Action::Submit, Role::CommuneOfficer),
        Err(WorkflowError::MissingDocuments(m)) if m == vec!["Biên bản cuộc họp đề nghị xét, công nhận".to_owned()]
    ));
    r.facts.documents.remove(&DocumentKind::Photos); // optional
    r.facts.documents.insert(DocumentKind::MeetingMinutes);
    r.step(0, Action::Submit, Role::CommuneOfficer).unwrap();
    r.at -= Duration::days(1);
    assert!(matches!(
        r.step(0, Action::Appraise(Verdict::Pass), Role::ProvinceOfficer),
        Err(WorkflowError::DateBeforeLastEvent { .. })
    ));
}

#[test]
fn recognition_needs_criteria_year_and_satisfaction() {
    let d = date!(2025 - 09 - 01);
    let mut r = Run::new(DossierKind::CommuneNtm, d);
    r.advance_to_submitted(Role::CommuneOfficer);
    let appraise = |r: &mut Run| r.step(0, Action::Appraise(Verdict::Pass), Role::ProvinceOfficer);
    r.facts.all_criteria_met_on_verified_data = false;
    assert_eq!(appraise(&mut r), Err(WorkflowError::CriteriaNotMet));
    r.facts.all_criteria_met_on_verified_data = true;
    r.facts.year = 2024;
    assert!(matches!(
        appraise(&mut r),
        Err(WorkflowError::YearMismatch { .. })
    ));
    r.facts.year = 2025;
    r.facts.satisfaction = SatisfactionRate::new(8999, 10000);
    assert!(matches!(
        appraise(&mut r),
        Err(WorkflowError::SatisfactionBelowThreshold { threshold: 90, .. })
    ));
    r.facts.satisfaction = None;
    assert_eq!(appraise(&mut r), Err(WorkflowError::SatisfactionMissing));
    // With the built-in procedure the commune threshold is unknown: never a silent pass.
    let f = good_facts(2025);
    assert!(matches!(
        apply(
            &r.dossier,
            Action::Appraise(Verdict::Pass),
            Role::ProvinceOfficer,
            r.at,
            &f
        ),
        Err(WorkflowError::SatisfactionThresholdUnknown(_))
    ));
    r.facts = f;
    appraise(&mut r).unwrap();
    // The decision is checked again (facts may change) and must be complete and dated.
    r.facts.all_criteria_met_on_verified_data = false;
    let at = r.at;
    assert_eq!(
        r.step(0, Action::Decide(decision(at)), Role::ProvinceOfficer),
        Err(WorkflowError::CriteriaNotMet)
    );
    r.facts.all_criteria_met_on_verified_data = true;
    let mut bad = decision(at);
    bad.signer = " ".into();
    assert_eq!(
        r.step(0, Action::Decide(bad), Role::ProvinceOfficer),
        Err(WorkflowError::DecisionIncomplete)
    );
    assert!(matches!(
        r.step(
            0,
            Action::Decide(decision(at + Duration::days(1))),
            Role::ProvinceOfficer
        ),
        Err(WorkflowError::DecisionDate { .. })
    ));
}

#[test]
fn recognition_checks_the_configured_household_share() {
    use super::survey::{CoverageCheck, MinCoverage};
    let d = date!(2025 - 09 - 01);
    let mut r = Run::new(DossierKind::CommuneNtm, d);
    r.advance_to_submitted(Role::CommuneOfficer);
    let appraise = |r: &mut Run| r.step(0, Action::Appraise(Verdict::Pass), Role::ProvinceOfficer);
    let check = |responses, households| {
        Some(CoverageCheck {
            rule: MinCoverage {
                percent: 60,
                basis: "Kế hoạch 12/KH-UBND tỉnh".into(),
            },
            responses,
            households,
        })
    };
    // Below the minimum: refused, with the share and the basis in the message.
    r.facts.household_coverage = check(1234, 2100);
    let e = appraise(&mut r).unwrap_err();
    assert!(matches!(
        e,
        WorkflowError::HouseholdCoverageBelowMinimum { percent: 60, .. }
    ));
    let msg = e.to_string();
    assert!(
        msg.contains("58,8 %") && msg.contains("1.234/2.100") && msg.contains("12/KH-UBND"),
        "{msg}"
    );
    // No household entered: refused too (the share cannot be computed).
    r.facts.household_coverage = check(10, 0);
    assert!(matches!(
        appraise(&mut r),
        Err(WorkflowError::HouseholdsUnknown { percent: 60, .. })
    ));
    // Exactly at the minimum passes; and no rule configured checks nothing.
    r.facts.household_coverage = check(1260, 2100);
    appraise(&mut r).unwrap();
    r.facts.household_coverage = check(1, 2100);
    let at = r.at;
    assert!(matches!(
        r.step(0, Action::Decide(decision(at)), Role::ProvinceOfficer),
        Err(WorkflowError::HouseholdCoverageBelowMinimum { .. })
    ));
    r.facts.household_coverage = None;
    r.step(0, Action::Decide(decision(at)), Role::ProvinceOfficer)
        .unwrap();
}

#[test]
fn deadlines_and_overdue() {
    let d = date!(2025 - 09 - 01);
    let cal = HolidayCalendar::new(fixed_date_holidays(2025, NationalDayExtra::Before));
    let mut r = Run::new(DossierKind::CommuneNtm, d);
    r.advance_to_submitted(Role::CommuneOfficer);
    // Built-in: appraisal limit unknown → no due date, with a reason, never overdue.
    let dl = deadline(&r.proc_, &cal, &r.dossier).unwrap();
    assert_eq!((dl.step, dl.due), (StepKind::Appraisal, None));
    assert!(dl.reason.is_some() && !dl.confirmed);
    assert!(!is_overdue(
        &r.proc_,
        &cal,
        &r.dossier,
        d + Duration::days(400)
    ));
    // A province's 10-working-day limit: submitted Wed 17/09/2025 → due Wed 01/10/2025.
    let p = r
        .proc_
        .clone()
        .with_time_limit(
            StepKind::Appraisal,
            10,
            DayUnit::WorkingDays,
            "QĐ của UBND tỉnh",
        )
        .unwrap();
    assert_eq!(r.dossier.state_since, date!(2025 - 09 - 17));
    let dl = deadline(&p, &cal, &r.dossier).unwrap();
    assert_eq!(dl.due, Some(date!(2025 - 10 - 01)));
    assert!(!is_overdue(&p, &cal, &r.dossier, date!(2025 - 10 - 01)));
    assert!(is_overdue(&p, &cal, &r.dossier, date!(2025 - 10 - 02)));
    // Posting: a minimum (15 days) never makes a dossier overdue.
    let mut r2 = Run::new(DossierKind::CommuneNtm, d);
    r2.step(0, Action::StartPosting, Role::CommuneOfficer)
        .unwrap();
    let dl = deadline(&r2.proc_, &cal, &r2.dossier).unwrap();
    assert_eq!(dl.due, Some(date!(2025 - 09 - 16)));
    assert!(!is_overdue(
        &r2.proc_,
        &cal,
        &r2.dossier,
        date!(2026 - 01 - 01)
    ));
    // Calendar-day maximum ending on a Saturday rolls to Monday.
    let p = r
        .proc_
        .clone()
        .with_time_limit(StepKind::Appraisal, 3, DayUnit::CalendarDays, "QĐ tỉnh")
        .unwrap();
    assert_eq!(
        deadline(&p, &cal, &r.dossier).unwrap().due,
        Some(date!(2025 - 09 - 22))
    );
}

// ---- property tests ----

fn arb_action() -> impl Strategy<Value = Action> {
    let reason = prop_oneof![Just(String::new()), Just("Thiếu hồ sơ".to_owned())];
    prop_oneof![
        Just(Action::StartPosting),
        Just(Action::EndPosting),
        Just(Action::Submit),
        Just(Action::Review(Verdict::Pass)),
        reason
            .clone()
            .prop_map(|reason| Action::Review(Verdict::Return { reason })),
        Just(Action::Appraise(Verdict::Pass)),
        reason
            .clone()
            .prop_map(|reason| Action::Appraise(Verdict::Return { reason })),
        (0i64..3).prop_map(|back| Action::Decide(Decision {
            number: "1/QĐ-UBND".into(),
            // Filled in at apply time relative to `at`.
            date: date!(2000 - 01 - 01) + Duration::days(back),
            signer: "Chủ tịch".into(),
        })),
        Just(Action::Publish),
        reason.prop_map(|reason| Action::Revoke { reason }),
    ]
}

/// Mostly "the next expected action", sometimes a random one.
fn arb_step() -> impl Strategy<Value = Option<Action>> {
    prop_oneof![3 => Just(None), 2 => arb_action().prop_map(Some)]
}

fn next_action(state: DossierState, review: bool) -> Action {
    use DossierState as S;
    match state {
        S::Preparing => Action::StartPosting,
        S::PublicPosting => Action::EndPosting,
        S::ReadyToSubmit => Action::Submit,
        S::Submitted if review => Action::Review(Verdict::Pass),
        S::Submitted | S::Reviewed => Action::Appraise(Verdict::Pass),
        S::Appraised => Action::Decide(Decision {
            number: "2/QĐ-UBND".into(),
            date: date!(2000 - 01 - 01),
            signer: "Chủ tịch".into(),
        }),
        S::Recognized => Action::Publish,
        S::Published | S::Revoked => Action::Revoke {
            reason: "Không còn đạt".into(),
        },
    }
}

fn arb_kind() -> impl Strategy<Value = DossierKind> {
    prop::sample::select(DossierKind::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_sequences_respect_the_order(
        kind in arb_kind(),
        start_offset in 0i64..900,
        steps in prop::collection::vec(
            (
                arb_step(),
                prop::bool::weighted(0.85),
                0usize..7,
                0i64..20,
                prop::bool::weighted(0.85),
                85u32..=100,
                prop::bool::weighted(0.85),
            ),
            1..60,
        ),
    ) {
        // Dossier dates from 2024-01-01 across the 01/07/2025 cut-over.
        let mut d0 = date!(2024 - 01 - 01) + Duration::days(start_offset);
        if kind.level() == crate::units::Level::District && d0 >= TWO_TIER_FROM {
            d0 = date!(2025 - 06 - 30);
        }
        let procedure = configured(kind, d0);
        let mut dossier = Dossier::new(Uuid::nil(), "x", kind, 2025, d0).unwrap();
        let mut events: Vec<(DossierEvent, Facts)> = vec![];
        let mut at = d0;
        for (action, right_role, other_role, days, criteria, sat, docs) in steps {
            at += Duration::days(days);
            // `None`: the action the dossier waits for (so that long paths are explored).
            let action = action.unwrap_or_else(|| next_action(dossier.state, days % 2 == 0));
            let role = if right_role {
                procedure.step(action.step()).map(|s| s.role).unwrap_or(Role::Admin)
            } else {
                Role::ALL[other_role]
            };
            let action = match action {
                Action::Decide(mut dec) => {
                    dec.date = at - (dec.date - date!(2000 - 01 - 01));
                    Action::Decide(dec)
                }
                a => a,
            };
            let mut facts = good_facts(2025);
            facts.all_criteria_met_on_verified_data = criteria;
            facts.satisfaction = SatisfactionRate::new(sat, 100);
            if !docs {
                facts.documents.clear();
            }
            let before = dossier.clone();
            let reason = match &action {
                Action::Review(Verdict::Return { reason })
                | Action::Appraise(Verdict::Return { reason }) => Some(reason.trim().to_owned()),
                _ => None,
            };
            match apply_with(&procedure, &dossier, action, role, at, &facts) {
                Ok(t) => {
                    prop_assert_eq!(t.event.from, before.state);
                    prop_assert_eq!(t.event.to, t.dossier.state);
                    prop_assert_eq!(t.event.role, role);
                    prop_assert_eq!(Some(role), procedure.step(match t.event.action {
                        ActionKind::StartPosting | ActionKind::EndPosting => StepKind::PublicPosting,
                        ActionKind::Submit => StepKind::Submission,
                        ActionKind::ReviewPass | ActionKind::ReviewReturn => StepKind::Review,
                        ActionKind::AppraisePass | ActionKind::AppraiseReturn => StepKind::Appraisal,
                        ActionKind::Decide => StepKind::Decision,
                        ActionKind::Publish => StepKind::Publication,
                        ActionKind::Revoke => StepKind::Revocation,
                    }).map(|s| s.role));
                    if let Some(reason) = reason {
                        // A return always lands at the commune, reason kept.
                        prop_assert!(!reason.is_empty());
                        prop_assert_eq!(t.dossier.state, DossierState::Preparing);
                        prop_assert_eq!(&t.dossier.last_return().unwrap().reason, &reason);
                        prop_assert_eq!(t.dossier.returns.len(), before.returns.len() + 1);
                    }
                    dossier = t.dossier;
                    events.push((t.event, facts));
                }
                Err(_) => prop_assert_eq!(&dossier, &before),
            }
            if dossier.state == DossierState::Recognized {
                // Since the last return: Submit → [ReviewPass] → AppraisePass → Decide.
                let since = events
                    .iter()
                    .rposition(|(e, _)| e.to == DossierState::Preparing)
                    .map_or(0, |i| i + 1);
                let seq: Vec<_> = events[since..].iter().map(|(e, _)| e.action).collect();
                let pos = |k: ActionKind| seq.iter().position(|a| *a == k);
                let submit = pos(ActionKind::Submit);
                let appraise = pos(ActionKind::AppraisePass);
                let decide = pos(ActionKind::Decide);
                prop_assert!(submit.is_some() && appraise.is_some() && decide.is_some());
                prop_assert!(submit < appraise && appraise < decide);
                match pos(ActionKind::ReviewPass) {
                    Some(r) => prop_assert!(submit < Some(r) && Some(r) < appraise),
                    None => {
                        let appraised_on = events[since..][appraise.unwrap_or(0)].0.date;
                        prop_assert!(
                            !procedure.has_step(StepKind::Review)
                                || (kind.level() == crate::units::Level::Commune
                                    && appraised_on >= TWO_TIER_FROM)
                        );
                    }
                }
                let (_, f) = &events[since..][decide.unwrap_or(0)];
                prop_assert!(f.all_criteria_met_on_verified_data);
                let t = procedure.satisfaction.as_ref().map_or(101, |t| t.percent);
                prop_assert!(f.satisfaction.is_some_and(|s| s.meets(t)));
                prop_assert!(dossier.decision.is_some());
            }
        }
    }

    #[test]
    fn working_day_deadlines_avoid_weekends_and_holidays(
        start_offset in 0i64..1500,
        n in 0u32..80,
        holiday_offsets in prop::collection::vec(0i64..1700, 0..60),
    ) {
        let base = date!(2024 - 01 - 01);
        let cal = HolidayCalendar::new(holiday_offsets.iter().map(|o| base + Duration::days(*o)))
            .with(fixed_date_holidays(2025, NationalDayExtra::Before));
        let start = base + Duration::days(start_offset);
        let due = cal.add_working_days(start, n).unwrap();
        prop_assert!(!matches!(due.weekday(), Weekday::Saturday | Weekday::Sunday));
        prop_assert!(!cal.is_holiday(due));
        prop_assert!(due >= start);
        if n > 0 {
            prop_assert_eq!(cal.working_days_between(start, due), n);
        }
        // Through the procedure: a configured working-day limit gives a working-day due date.
        let kind = DossierKind::CommuneNtm;
        let p = configured(kind, start)
            .with_time_limit(StepKind::Preparation, n, DayUnit::WorkingDays, "QĐ tỉnh")
            .unwrap();
        let dossier = Dossier::new(Uuid::nil(), "x", kind, 2025, start).unwrap();
        prop_assert_eq!(pending_step(&p, &dossier), Some(StepKind::Preparation));
        let dl = calendar::deadline(&p, &cal, &dossier).unwrap();
        prop_assert_eq!(dl.due, Some(due));
        prop_assert!(cal.is_working_day(due));
    }

    #[test]
    fn tokens_detect_single_character_changes(bytes in any::<[u8; 6]>(), pos in 0usize..10, delta in 1u8..32) {
        let t = survey::make_token(bytes);
        prop_assert_eq!(survey::check_token(&t), Ok(t.clone()));
        const A: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let mut b = t.into_bytes();
        let i = A.iter().position(|c| *c == b[pos]).unwrap_or(0);
        b[pos] = A[(i + usize::from(delta)) % 32];
        let changed = String::from_utf8(b).unwrap_or_default();
        prop_assert_eq!(survey::check_token(&changed), Err(survey::TokenError::Check));
    }

    #[test]
    fn survey_rate_is_satisfied_over_valid(answers in prop::collection::vec(0u8..3, 0..200)) {
        let responses: Vec<SurveyResponse> = answers
            .iter()
            .enumerate()
            .map(|(i, a)| SurveyResponse {
                household: format!("h{i}"),
                hamlet: format!("t{}", i % 4),
                answer: match a {
                    0 => survey::Answer::Satisfied,
                    1 => survey::Answer::NotSatisfied,
                    _ => survey::Answer::Invalid,
                },
            })
            .collect();
        let res = tally(&responses).unwrap();
        let sat = answers.iter().filter(|a| **a == 0).count() as u32;
        let valid = answers.iter().filter(|a| **a < 2).count() as u32;
        prop_assert_eq!(res.overall.rate, SatisfactionRate { satisfied: sat, valid });
        let sum: u32 = res.per_hamlet.values().map(|t| t.responses()).sum();
        prop_assert_eq!(sum, answers.len() as u32);
    }
}

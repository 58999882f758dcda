use ntm_domain::authz::{Permission, Role};
use ntm_domain::criteria::Status;
use ntm_domain::observation::ObsStatus;

use super::actions::met_on_verified;
use super::{permission_of, sniff_document};
use crate::criteria::{IndicatorView, ThresholdView, UnitResult};

fn indicator(computed: bool, status: Option<ObsStatus>) -> IndicatorView {
    IndicatorView {
        code: "1.1".into(),
        name_vi: "Chỉ tiêu".into(),
        criterion: Some(1),
        status: Status::Met,
        value: status.map(|_| "Đạt".into()),
        value_status: status,
        version: status.map(|_| 1),
        gap: None,
        caveats: Vec::new(),
        threshold: ThresholdView {
            text: None,
            caveats: Vec::new(),
            provenance: None,
            source: None,
            regional: false,
            basis: None,
        },
        kind: "boolean",
        unit: None,
        computed,
        computed_from: None,
        computed_records: None,
        evidence_required: false,
    }
}

fn result(status: Status, indicators: Vec<IndicatorView>) -> UnitResult {
    UnitResult {
        status,
        tentatively_met: true,
        criteria_met: 1,
        criteria_met_tentative: 1,
        criteria_no_known_shortfall: 1,
        no_known_shortfall: true,
        criteria_total: 1,
        criteria: Vec::new(),
        indicators,
        caveats: Vec::new(),
    }
}

#[test]
fn recognition_needs_confirmed_met_on_verified_values() {
    let verified = || indicator(false, Some(ObsStatus::Verified));
    assert!(met_on_verified(&result(
        Status::Met,
        vec![verified(), indicator(true, None)]
    )));
    // A draft, a submitted value or a missing value is not verified data.
    for s in [None, Some(ObsStatus::Draft), Some(ObsStatus::Submitted)] {
        assert!(!met_on_verified(&result(
            Status::Met,
            vec![verified(), indicator(false, s)]
        )));
    }
    // Tentative or "no known shortfall" results never count as met.
    for st in [Status::NeedsVerification, Status::Missing, Status::NotMet] {
        assert!(!met_on_verified(&result(st, vec![verified()])));
    }
}

#[test]
fn documents_are_recognised_by_their_content() {
    let kind = |b: &[u8]| sniff_document(b).map(|(_, ext)| ext);
    assert_eq!(kind(b"%PDF-1.7\n..."), Some("pdf"));
    assert_eq!(kind(b"\x89PNG\r\n\x1a\n\0\0"), Some("png"));
    assert_eq!(kind(&[0xFF, 0xD8, 0xFF, 0xE1]), Some("jpg"));
    assert_eq!(kind(b"PK\x03\x04....word/document.xml"), Some("docx"));
    assert_eq!(kind(b"PK\x03\x04....xl/workbook.xml"), Some("xlsx"));
    // A plain zip, a text file named .pdf, an executable, nothing: refused.
    for b in [&b"PK\x03\x04abc"[..], b"hello", b"MZ\x90\0", b""] {
        assert_eq!(kind(b), None);
    }
}

#[test]
fn step_roles_map_to_permissions() {
    assert_eq!(
        permission_of(Role::CommuneOfficer),
        Permission::EnterObservations
    );
    for r in [Role::DistrictOfficer, Role::ProvinceOfficer] {
        assert_eq!(permission_of(r), Permission::VerifyObservations);
        assert!(r.allows(permission_of(r)));
    }
    assert!(Role::CommuneOfficer.allows(permission_of(Role::CommuneOfficer)));
    assert!(!Role::Viewer.allows(permission_of(Role::CommuneOfficer)));
}

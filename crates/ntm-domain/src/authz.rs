//! Roles scoped to a unit subtree, and the one permission check every write goes through.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    ProvinceOfficer,
    DepartmentOfficer,
    DistrictOfficer,
    CommuneOfficer,
    Producer,
    Viewer,
    /// Edits the tourism points and tours of its units (a commune's culture officer, a
    /// tourism cooperative) and sees the units like a viewer.
    TourismEditor,
}

impl Permission {
    pub const ALL: [Permission; 15] = [
        Permission::ViewUnits,
        Permission::EditHamlets,
        Permission::ImportUnits,
        Permission::ManageUsers,
        Permission::ViewAudit,
        Permission::EnterObservations,
        Permission::VerifyObservations,
        Permission::ManageCriteria,
        Permission::ManageOcop,
        Permission::ScoreOcop,
        Permission::ManageOwnOcop,
        Permission::RecordTrace,
        Permission::HandleFeedback,
        Permission::PublishPortal,
        Permission::EditTourism,
    ];
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::ProvinceOfficer,
        Role::DepartmentOfficer,
        Role::DistrictOfficer,
        Role::CommuneOfficer,
        Role::Producer,
        Role::Viewer,
        Role::TourismEditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ProvinceOfficer => "province_officer",
            Role::DepartmentOfficer => "department_officer",
            Role::DistrictOfficer => "district_officer",
            Role::CommuneOfficer => "commune_officer",
            Role::Producer => "producer",
            Role::Viewer => "viewer",
            Role::TourismEditor => "tourism_editor",
        }
    }

    /// Who holds the role, in Vietnamese, for messages.
    pub fn name_vi(self) -> &'static str {
        match self {
            Role::Admin => "quản trị hệ thống",
            Role::ProvinceOfficer => "cán bộ cấp tỉnh",
            Role::DepartmentOfficer => "cán bộ sở, ngành",
            Role::DistrictOfficer => "cán bộ cấp huyện",
            Role::CommuneOfficer => "cán bộ cấp xã",
            Role::Producer => "chủ thể sản xuất",
            Role::Viewer => "người xem",
            Role::TourismEditor => "biên tập viên du lịch",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().replace('-', "_");
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// What this role may do inside its scope.
    pub fn allows(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            // A province officer also enters values: it grants commune and district roles,
            // and nobody can hand out a permission they lack.
            Role::ProvinceOfficer => matches!(
                p,
                ViewUnits
                    | EditHamlets
                    | ViewAudit
                    | ManageUsers
                    | EnterObservations
                    | VerifyObservations
                    | ManageCriteria
                    | ManageOcop
                    | ScoreOcop
                    | ManageOwnOcop
                    | RecordTrace
                    | HandleFeedback
                    | PublishPortal
                    | EditTourism
            ),
            Role::DistrictOfficer => matches!(
                p,
                ViewUnits
                    | EditHamlets
                    | EnterObservations
                    | VerifyObservations
                    | ManageOcop
                    | ScoreOcop
                    | ManageOwnOcop
                    | RecordTrace
                    | HandleFeedback
                    | PublishPortal
                    | EditTourism
            ),
            Role::CommuneOfficer => matches!(
                p,
                ViewUnits
                    | EditHamlets
                    | EnterObservations
                    | ManageOcop
                    | ManageOwnOcop
                    | RecordTrace
                    | HandleFeedback
                    | PublishPortal
                    | EditTourism
            ),
            Role::DepartmentOfficer => matches!(p, ViewUnits | VerifyObservations | ScoreOcop),
            // Until lots are tied to producer records, a producer records lots and
            // traceability events for the units of its grant.
            Role::Producer => matches!(p, ViewUnits | ManageOwnOcop | RecordTrace),
            Role::Viewer => matches!(p, ViewUnits),
            Role::TourismEditor => matches!(p, ViewUnits | EditTourism),
        }
    }
}

/// Things a user may be allowed to do; checked against a unit subtree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// See units and their data.
    ViewUnits,
    /// Add, rename or import hamlets (ấp/thôn) under communes.
    EditHamlets,
    /// Import official unit lists and lineage (country-wide reference data).
    ImportUnits,
    /// Create users and grant roles inside the scope.
    ManageUsers,
    /// Read and verify the audit log.
    ViewAudit,
    /// Enter indicator values (observations) and submit them.
    EnterObservations,
    /// Mark submitted indicator values as verified.
    VerifyObservations,
    /// Upload the province's criteria sets (stricter thresholds extending a national set).
    ManageCriteria,
    /// Register OCOP producers and products of the units, import published OCOP lists, open
    /// evaluation rounds and record council decisions.
    ManageOcop,
    /// Score OCOP products as a council member (officers of the evaluating level).
    ScoreOcop,
    /// Manage one's own OCOP producer records, products and dossier documents (the record
    /// must name the user as its owner; officers hold it for the records of their units).
    ManageOwnOcop,
    /// Record lots and capture EPCIS traceability events for units in scope.
    RecordTrace,
    /// Handle citizens' feedback of the units (accept, answer, transfer, merge) and, on a
    /// province, edit its categories, routing rules and answer templates.
    HandleFeedback,
    /// Write the commune portal of the units: news posts (publish, unpublish) and the
    /// loudspeaker schedule with its "held" records.
    PublishPortal,
    /// Write the rural tourism points and tours of the units (narration, photos, audio,
    /// publication).
    EditTourism,
}

/// A role granted on a unit subtree. `scope_path` is the materialized path of the
/// scope unit (`/84/`), or `/` for the whole country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    /// Code of the scope unit; `None` for the whole country.
    pub scope_code: Option<String>,
    pub scope_path: String,
}

/// True when some grant allows `p` on the unit at `target_path` (a unit inside the
/// grant's subtree, the scope unit included). A country-wide target (`/`) is only
/// reachable from a country-wide grant.
pub fn allows(grants: &[Grant], p: Permission, target_path: &str) -> bool {
    grants
        .iter()
        .any(|g| g.role.allows(p) && target_path.starts_with(g.scope_path.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn g(role: Role, path: &str) -> Grant {
        Grant {
            role,
            scope_code: None,
            scope_path: path.into(),
        }
    }

    #[test]
    fn scope_is_a_subtree() {
        let grants = [g(Role::CommuneOfficer, "/84/842/28756/")];
        assert!(allows(&grants, Permission::EditHamlets, "/84/842/28756/"));
        assert!(allows(
            &grants,
            Permission::EditHamlets,
            "/84/842/28756/28756-01/"
        ));
        assert!(!allows(&grants, Permission::EditHamlets, "/84/842/28759/"));
        assert!(!allows(&grants, Permission::EditHamlets, "/84/"));
        assert!(!allows(&grants, Permission::ManageUsers, "/84/842/28756/"));
        // A path prefix must end on a segment boundary: /8/ is not a prefix of /84/.
        assert!(!allows(
            &[g(Role::Admin, "/8/")],
            Permission::ViewUnits,
            "/84/"
        ));
        assert!(allows(&[g(Role::Admin, "/")], Permission::ImportUnits, "/"));
        assert!(!allows(
            &[g(Role::ProvinceOfficer, "/84/")],
            Permission::ImportUnits,
            "/84/"
        ));
        assert!(!allows(&[], Permission::ViewUnits, "/84/"));
    }

    #[test]
    fn criteria_sets_are_managed_by_admins_and_province_officers() {
        let p = Permission::ManageCriteria;
        assert!(allows(&[g(Role::Admin, "/")], p, "/86/"));
        assert!(allows(&[g(Role::ProvinceOfficer, "/86/")], p, "/86/"));
        assert!(!allows(&[g(Role::ProvinceOfficer, "/92/")], p, "/86/"));
        for role in [
            Role::DistrictOfficer,
            Role::CommuneOfficer,
            Role::DepartmentOfficer,
            Role::Viewer,
        ] {
            assert!(!allows(&[g(role, "/86/")], p, "/86/"), "{role:?}");
        }
    }

    #[test]
    fn observation_permissions_by_role() {
        let commune = [g(Role::CommuneOfficer, "/84/842/28756/")];
        assert!(allows(
            &commune,
            Permission::EnterObservations,
            "/84/842/28756/"
        ));
        assert!(!allows(
            &commune,
            Permission::EnterObservations,
            "/84/842/28759/"
        ));
        assert!(!allows(
            &commune,
            Permission::VerifyObservations,
            "/84/842/28756/"
        ));
        let district = [g(Role::DistrictOfficer, "/84/842/")];
        assert!(allows(
            &district,
            Permission::EnterObservations,
            "/84/842/28756/"
        ));
        assert!(allows(
            &district,
            Permission::VerifyObservations,
            "/84/842/28756/"
        ));
        for r in [Role::ProvinceOfficer, Role::DepartmentOfficer] {
            let grants = [g(r, "/84/")];
            assert!(allows(
                &grants,
                Permission::VerifyObservations,
                "/84/842/28756/"
            ));
            assert!(!allows(&grants, Permission::VerifyObservations, "/83/"));
        }
        let dept = [g(Role::DepartmentOfficer, "/84/")];
        assert!(!allows(
            &dept,
            Permission::EnterObservations,
            "/84/842/28756/"
        ));
        for r in [Role::Viewer, Role::Producer] {
            let grants = [g(r, "/")];
            assert!(!allows(&grants, Permission::EnterObservations, "/84/"));
            assert!(!allows(&grants, Permission::VerifyObservations, "/84/"));
        }
        assert!(allows(
            &[g(Role::Admin, "/")],
            Permission::VerifyObservations,
            "/84/"
        ));
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("commune-officer"), Some(Role::CommuneOfficer));
        assert_eq!(Role::parse("mayor"), None);
    }

    proptest! {
        #[test]
        fn no_grant_reaches_outside_its_subtree(a in "[0-9]{2}", b in "[0-9]{2}", c in "[0-9]{3}") {
            prop_assume!(a != b);
            let grants = [g(Role::Admin, &format!("/{a}/"))];
            let inside = format!("/{a}/{c}/");
            let outside = format!("/{b}/{c}/");
            prop_assert!(allows(&grants, Permission::ManageUsers, &inside));
            prop_assert!(!allows(&grants, Permission::ViewUnits, &outside));
            prop_assert!(!allows(&grants, Permission::ViewUnits, "/"));
        }
    }
}

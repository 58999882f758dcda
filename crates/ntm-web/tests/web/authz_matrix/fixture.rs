//! The data every route of the matrix is called on: Trà Vinh as in 2023 (province 84,
//! district 847, commune 29374 and its sibling 29377; Vĩnh Long 86 and district 844 as the
//! units outside), one account per role inside and outside, and one record of each kind
//! in commune 29374 (a value with evidence, a survey campaign, a dossier with a document, a
//! periodic report, a provincial criteria-set version, an OCOP producer with a product and an
//! evaluation round).

use ntm_app::criteria::{ValueBatch, ValueInput, put_observations};
use ntm_app::surveys::{self, CampaignInput, NewCampaign};
use ntm_app::units::{SnapshotInput, import_snapshot};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, AppConfig, Db};
use ntm_domain::authz::Role;
use ntm_domain::observation::ObsSource;
use time::macros::date;

use crate::helpers::{PASSWORD, UNITS_2023, add_two_hamlets};

/// The target commune, its district and province.
pub const COMMUNE: &str = "29374";
pub const SET: &str = "xa-ntm-2021-2025";
pub const YEAR: i32 = 2024;
pub const PLAN: &str = "tra-vinh-2023";

/// Who calls: nobody, the country-wide administrator, or a role scoped inside the target
/// unit's tree (commune 29374 / district 847 / province 84) or on a sibling outside it
/// (commune 29377 / district 844 / province 86).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Who {
    Anonymous,
    Admin,
    In(Role),
    Out(Role),
}

/// Every role of `ntm_domain::authz` but the administrator, which is country-wide.
pub const SCOPED_ROLES: [Role; 7] = [
    Role::ProvinceOfficer,
    Role::DepartmentOfficer,
    Role::DistrictOfficer,
    Role::CommuneOfficer,
    Role::Producer,
    Role::Viewer,
    Role::TourismEditor,
];

impl Who {
    /// Every caller of the matrix: anonymous, administrator, each scoped role in and out.
    pub fn all() -> Vec<Who> {
        assert_eq!(
            Role::ALL.len(),
            SCOPED_ROLES.len() + 1,
            "a role was added to ntm_domain::authz: add it to the matrix's callers"
        );
        let mut out = vec![Who::Anonymous, Who::Admin];
        for r in SCOPED_ROLES {
            out.push(Who::In(r));
            out.push(Who::Out(r));
        }
        out
    }

    /// The account name, and the grant it holds.
    pub fn account(self) -> Option<(String, String)> {
        let (inside, role) = match self {
            Who::Anonymous => return None,
            Who::Admin => return Some(("m.admin".into(), "admin".into())),
            Who::In(r) => (true, r),
            Who::Out(r) => (false, r),
        };
        let scope = match (role, inside) {
            (Role::ProvinceOfficer | Role::DepartmentOfficer, true) => "84",
            (Role::ProvinceOfficer | Role::DepartmentOfficer, false) => "86",
            (Role::DistrictOfficer, true) => "847",
            (Role::DistrictOfficer, false) => "844",
            (_, true) => COMMUNE,
            (_, false) => "29377",
        };
        let name = format!(
            "m.{}.{}",
            role.as_str().replace('_', "-"),
            if inside { "in" } else { "out" }
        );
        Some((name, format!("{}@{scope}", role.as_str())))
    }

    pub fn label(self) -> String {
        match self {
            Who::Anonymous => "anonymous".into(),
            Who::Admin => "admin".into(),
            Who::In(r) => format!("{}@in", r.as_str()),
            Who::Out(r) => format!("{}@out", r.as_str()),
        }
    }
}

/// Ids of the seeded records, substituted for `$dossier`, `$survey`… in the table's paths
/// and bodies.
#[derive(Debug, Clone)]
pub struct Seed {
    pub vars: Vec<(&'static str, String)>,
}

impl Seed {
    pub fn fill(&self, path: &str) -> String {
        let mut out = path.to_string();
        for (k, v) in &self.vars {
            out = out.replace(&format!("${k}"), v);
        }
        assert!(
            !out.contains('$'),
            "no seeded value for a placeholder of {path}"
        );
        out
    }
}

fn temp_data_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ntm-authz-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub async fn seeded(db: Db) -> (App, Seed) {
    let config = AppConfig {
        data_dir: temp_data_dir(),
        ..AppConfig::default()
    };
    let app = App::new(db, config);
    let cli = Actor::cli();
    let input = SnapshotInput {
        source: "units-2023.csv".into(),
        units_csv: UNITS_2023.as_bytes(),
        date: date!(2023 - 05 - 07),
        mapping_csv: None,
    };
    import_snapshot(&app, &cli, input, &mut |_| {})
        .await
        .expect("units");
    let mut accounts: Vec<(String, String)> =
        Who::all().into_iter().filter_map(Who::account).collect();
    // The account the user-management routes act on.
    accounts.push(("m.nannhan".into(), format!("commune_officer@{COMMUNE}")));
    for (username, grant) in accounts {
        let new = NewUser {
            username: username.clone(),
            display_name: username,
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse(&grant).expect("grant")],
        };
        add_user(&app, &cli, new).await.expect("account");
    }
    add_two_hamlets(&app).await;

    // A value with an evidence file.
    put_observations(
        &app,
        &cli,
        COMMUNE,
        ValueBatch {
            set_id: SET.into(),
            year: YEAR,
            values: vec![ValueInput {
                code: "8.4".into(),
                text: "Đạt".into(),
                expected_version: None,
            }],
            note: "ma trận phân quyền".into(),
            source: ObsSource::Manual,
        },
    )
    .await
    .expect("value");
    let value = ntm_app::criteria::ValueRef {
        unit_code: COMMUNE.into(),
        set_id: SET.into(),
        year: YEAR,
        indicator_code: "8.4".into(),
    };
    let rec = ntm_app::criteria::attach_evidence(
        &app,
        &cli,
        &value,
        1,
        vec![ntm_app::criteria::EvidenceInput {
            file_name: "bien-ban.pdf".into(),
            bytes: b"%PDF-1.4 minh chung".to_vec(),
        }],
    )
    .await
    .expect("evidence");
    let evidence = app
        .db_for_tests()
        .observation_files(rec.id)
        .await
        .expect("evidence row")
        .first()
        .expect("one evidence file")
        .id
        .to_string();

    // A survey campaign, open.
    let now = ntm_app::now();
    let c = surveys::create(
        &app,
        &cli,
        NewCampaign {
            unit_code: COMMUNE.into(),
            set_id: SET.into(),
            year: YEAR,
            input: CampaignInput {
                title: "Lấy ý kiến (ma trận)".into(),
                questionnaire: ntm_domain::dossier::campaign::Questionnaire::suggested(),
                opens_at: now - time::Duration::hours(1),
                closes_at: now + time::Duration::days(7),
            },
        },
    )
    .await
    .expect("campaign");
    surveys::open(&app, &cli, &c.code).await.expect("open");

    // A dossier with one document.
    let d = ntm_app::dossiers::create(
        &app,
        &cli,
        ntm_app::dossiers::NewDossier {
            unit_code: COMMUNE.into(),
            set_id: SET.into(),
            year: YEAR,
            kind: ntm_domain::dossier::DossierKind::CommuneNtm,
            date: None,
        },
    )
    .await
    .expect("dossier");
    let doc = ntm_app::dossiers::attach_document(
        &app,
        &cli,
        d.id,
        ntm_domain::dossier::DocumentKind::SubmissionLetter,
        "to-trinh.pdf",
        b"%PDF-1.4 to trinh".to_vec(),
    )
    .await
    .expect("document");

    // A periodic report of the district (communes report to it before 07/2025).
    let report = ntm_app::reports::open(
        &app,
        &cli,
        &ntm_app::reports::ReportKey {
            unit_code: "847".into(),
            plan_id: PLAN.into(),
            kind: ntm_domain::reports::PeriodKind::Annual,
            year: 2023,
        },
    )
    .await
    .expect("report");

    // A provincial criteria-set version, draft.
    let version = ntm_app::criteria_sets::versions::create_version(
        &app,
        &cli,
        "84",
        ntm_app::criteria_sets::versions::Source::Shipped {
            set_id: SET.into(),
            version: "2024".into(),
        },
        &ntm_app::criteria_sets::versions::NewVersion {
            set_id: "xa-tra-vinh-ma-tran".into(),
            label: "Thử ma trận".into(),
            title_vi: "Bộ tiêu chí thử (ma trận phân quyền)".into(),
            valid_from: String::new(),
            valid_to: String::new(),
        },
    )
    .await
    .expect("criteria version");

    // A basis file of that version.
    let (sha, _) = ntm_app::criteria_sets::edit::store_basis_file(
        &app,
        &cli,
        version.id,
        "quyet-dinh.pdf",
        b"%PDF-1.4 quyet dinh".to_vec(),
    )
    .await
    .expect("basis file");

    // A lot of the commune (traceability).
    // An OCOP producer of the commune owned by the producer inside, and its lot.
    let owner = Who::In(Role::Producer)
        .account()
        .expect("producer account")
        .0;
    let producer = ntm_app::ocop::register_producer(
        &app,
        &cli,
        ntm_app::ocop::NewProducer {
            unit_code: COMMUNE.into(),
            kind: "cooperative".into(),
            name: "HTX ma trận".into(),
            owner_username: Some(owner),
            ..Default::default()
        },
    )
    .await
    .expect("producer");
    let lot = ntm_app::trace::create_lot(
        &app,
        &cli,
        COMMUNE,
        &ntm_app::trace::NewLot {
            product: "09520123456788".into(),
            lot: "MA-TRAN-1".into(),
            producer_id: Some(producer.id),
            ..Default::default()
        },
    )
    .await
    .expect("lot");
    // A lot of a short product code (`/p/MA-TRAN/10/MA-TRAN-2`).
    ntm_app::trace::create_lot(
        &app,
        &cli,
        COMMUNE,
        &ntm_app::trace::NewLot {
            product: "MA-TRAN".into(),
            lot: "MA-TRAN-2".into(),
            producer_id: Some(producer.id),
            ..Default::default()
        },
    )
    .await
    .expect("lot of a code");

    // An OCOP producer of the commune owned by the producer account inside, one product,
    // and an evaluation round whose council is the administrator and the scoring officers
    // inside (`ntm_app::ocop`).
    let producer = ntm_app::ocop::register_producer(
        &app,
        &cli,
        ntm_app::ocop::NewProducer {
            unit_code: COMMUNE.into(),
            kind: "cooperative".into(),
            name: "HTX ma trận".into(),
            owner_username: Some("m.producer.in".into()),
            ..Default::default()
        },
    )
    .await
    .expect("OCOP producer");
    let product = ntm_app::ocop::add_product(
        &app,
        &cli,
        producer.id,
        ntm_app::ocop::NewProduct {
            name: "Mắm ma trận".into(),
            group: "1".into(),
            ..Default::default()
        },
    )
    .await
    .expect("OCOP product");
    // A rating, so that the product's public page exists (an imported-style decision).
    let rating = ntm_app::ocop::OcopDecisionRecord {
        id: uuid::Uuid::now_v7(),
        product_id: product.id,
        round_id: None,
        stars: 3,
        average: None,
        year: 2024,
        certificate_no: None,
        issued_on: None,
        valid_until: None,
        imported: true,
        source_url: Some("https://example.invalid/ma-tran".into()),
        source_note: Some("ma trận phân quyền".into()),
        status_text: None,
        superseded_on: None,
        superseded_by: None,
        created_at: ntm_app::now(),
        created_by: "ma-tran".into(),
    };
    app.db_for_tests()
        .record_ocop_decision(
            &rating,
            cli.audit_entry("ocop.decision.record", "ma-tran", serde_json::json!({})),
        )
        .await
        .expect("OCOP rating");
    // A photo, so that the public photo route has something to serve.
    ntm_app::ocop::update_product_details(
        &app,
        &cli,
        product.id,
        ntm_app::ocop::ProductDetails {
            where_to_buy: "Chợ ma trận".into(),
            photo: Some(("anh.png".into(), b"\x89PNG\r\n\x1a\nanh".to_vec())),
        },
    )
    .await
    .expect("OCOP photo");
    let document = ntm_app::ocop::upload_document(
        &app,
        &cli,
        producer.id,
        ntm_app::ocop::NewDocument {
            title: "Phiếu kết quả kiểm nghiệm".into(),
            file_name: "kiem-nghiem.pdf".into(),
            bytes: b"%PDF-1.4 kiem nghiem".to_vec(),
        },
    )
    .await
    .expect("OCOP document");
    let members: Vec<String> = [
        Who::Admin,
        Who::In(Role::ProvinceOfficer),
        Who::In(Role::DepartmentOfficer),
        Who::In(Role::DistrictOfficer),
    ]
    .into_iter()
    .filter_map(|w| w.account().map(|a| a.0))
    .collect();
    let round = ntm_app::ocop::open_round(
        &app,
        &cli,
        product.id,
        "province",
        Some(date!(2025 - 06 - 02)),
        &members,
    )
    .await
    .expect("OCOP round");

    // A raw-material area of the commune owned by that producer record (`ntm_app::areas`).
    let area = ntm_app::areas::register_area(
        &app,
        &cli,
        ntm_app::areas::AreaForm {
            unit_code: COMMUNE.into(),
            code: "MA-TRAN-1".into(),
            crop: "Dừa".into(),
            hectares: "1,2".into(),
            geojson: r#"{"type":"Polygon","coordinates":[[[106.3,9.9],[106.301,9.9],[106.301,9.901],[106.3,9.901],[106.3,9.9]]]}"#.into(),
            owners: vec![producer.id],
        },
    )
    .await
    .expect("area");

    // A published post with a photo and a programme aired yesterday (`ntm_app::portal`).
    let portal_post = ntm_app::portal::new_post(
        &app,
        &cli,
        COMMUNE,
        ntm_app::portal::PostForm {
            title: "Tin ma trận".into(),
            body: "Nội dung".into(),
            category: "chuyen-doi-so".into(),
            photos: vec![ntm_app::portal::Upload {
                name: "anh.png".into(),
                bytes: b"\x89PNG\r\n\x1a\nanh".to_vec(),
            }],
        },
    )
    .await
    .expect("portal post");
    ntm_app::portal::set_published(&app, &cli, portal_post.id, 1, true)
        .await
        .expect("portal publish");
    let portal_photo = app
        .db_for_tests()
        .portal_post_photos(portal_post.id)
        .await
        .expect("portal photos")[0]
        .id;
    let programme = ntm_app::portal::add_programme(
        &app,
        &cli,
        COMMUNE,
        ntm_app::portal::ProgrammeForm {
            air_date: (ntm_app::today() - time::Duration::days(1)).to_string(),
            air_time: "06:30".into(),
            title: "Bản tin ma trận".into(),
            segments: vec![ntm_app::portal::SegmentForm {
                topic: "Chuyển đổi số".into(),
                dx: true,
            }],
        },
    )
    .await
    .expect("portal programme");

    // A published tourism point with a photo and audio, and a published tour of it.
    let point = ntm_app::tourism::new_point(
        &app,
        &cli,
        COMMUNE,
        ntm_app::tourism::PointForm {
            input: ntm_domain::tourism::PointInput {
                kind: "relic".into(),
                name: "Điểm ma trận".into(),
                lat: "9.9".into(),
                lon: "106.3".into(),
                narration_vi: "Thuyết minh".into(),
                ..Default::default()
            },
            photos: vec![ntm_app::tourism::Upload {
                name: "anh.png".into(),
                bytes: ntm_reports::qr::png("anh", 2).expect("png"),
            }],
            audio_vi: Some(ntm_app::tourism::Upload {
                name: "a.mp3".into(),
                bytes: [[0xFF, 0xFB, 0x90, 0x64].as_slice(), &[0u8; 400]].concat(),
            }),
            ..Default::default()
        },
    )
    .await
    .expect("tourism point");
    ntm_app::tourism::set_point_published(&app, &cli, point.id, 1, true)
        .await
        .expect("tourism publish");
    let tourism_photo = app
        .db_for_tests()
        .tourism_point_photos(point.id)
        .await
        .expect("tourism photos")[0]
        .id;
    let tour = ntm_app::tourism::new_tour(
        &app,
        &cli,
        COMMUNE,
        ntm_app::tourism::TourForm {
            input: ntm_domain::tourism::TourInput {
                title_vi: "Tuyến ma trận".into(),
                stops: vec![point.id.to_string()],
                ..Default::default()
            },
        },
    )
    .await
    .expect("tour");
    ntm_app::tourism::set_tour_published(&app, &cli, tour.id, 1, true)
        .await
        .expect("tour publish");

    let seed = Seed {
        vars: vec![
            ("tourism_point", point.id.to_string()),
            ("tourism_photo", tourism_photo.to_string()),
            ("tourism_tour", tour.id.to_string()),
            ("portal_post", portal_post.id.to_string()),
            ("portal_photo", portal_photo.to_string()),
            ("portal_programme", programme.programme.id.to_string()),
            ("area", area.id.to_string()),
            ("ocop_producer", producer.id.to_string()),
            ("ocop_product", product.id.to_string()),
            ("ocop_round", round.id.to_string()),
            ("ocop_document", document.id.to_string()),
            ("lot", lot.record.id.to_string()),
            ("sha", sha),
            ("evidence", evidence),
            ("survey", c.code.clone()),
            ("dossier", d.id.to_string()),
            ("document", doc.id.to_string()),
            ("report", report.to_string()),
            ("version", version.id.to_string()),
        ],
    };
    (app, seed)
}

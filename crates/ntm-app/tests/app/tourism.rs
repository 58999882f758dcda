//! Rural tourism on the official unit lists: a commune's tourism editor creates points with
//! narration, a photo (EXIF location removed) and audio (checked by content), publishes them
//! and makes a tour; editors elsewhere, viewers and anonymous callers are refused; bad input
//! (empty name, outside Việt Nam, outside the commune's stored boundary, wrong or oversized
//! audio, a tour with an unknown or unpublished point) is refused with every problem at once
//! and nothing written; every write is audited; drafts stay private.

use ntm_app::tourism::{self, PointForm, TourForm, Upload};
use ntm_app::{Actor, AppError};
use ntm_domain::tourism::{PointInput, TourInput};
use ntm_testkit::{Db, both_backends};

use crate::{app, reference, user};

fn fields(e: AppError) -> Vec<String> {
    match e {
        AppError::Validation(v) => v.into_iter().map(|f| f.field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn mp3() -> Vec<u8> {
    let mut v = vec![0xFF, 0xF3, 0x48, 0xC4];
    v.extend([0u8; 300]);
    v
}

/// A JPEG whose EXIF segment carries a GPS position.
fn jpeg_with_gps() -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8];
    let exif = b"Exif\0\0MM\0\x2a\0\0\0\x08GPSLatitude 10.05";
    v.extend([0xFF, 0xE1]);
    v.extend(((exif.len() + 2) as u16).to_be_bytes());
    v.extend(exif);
    v.extend([0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0xFF, 0xD9]);
    v
}

fn form(name: &str, lat: &str, lon: &str) -> PointForm {
    PointForm {
        input: PointInput {
            kind: "craft_village".into(),
            name: name.into(),
            lat: lat.into(),
            lon: lon.into(),
            address: "Ấp An Hòa".into(),
            opening: "7:00–17:00".into(),
            contact: "0270 000 000".into(),
            narration_vi: "Làng nghề.\n\nĐoạn hai.".into(),
            narration_en: "A craft village.".into(),
        },
        ..PointForm::default()
    }
}

async fn tourism_audit(app: &ntm_app::App) -> Vec<String> {
    app.db_for_tests()
        .audit_page(0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("tourism."))
        .collect()
}

/// A square boundary for commune 29584 (106.0–106.1 E, 10.0–10.1 N) from 01/07/2025.
async fn square_boundary(app: &ntm_app::App) {
    let geo = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ma":"29584"},"geometry":{"type":"Polygon","coordinates":[[[106.0,10.0],[106.1,10.0],[106.1,10.1],[106.0,10.1],[106.0,10.0]]]}}]}"#;
    ntm_app::boundaries::import_boundaries(
        app,
        &Actor::cli(),
        std::io::Cursor::new(geo.as_bytes().to_vec()),
        ntm_app::boundaries::ImportOptions {
            date: time::macros::date!(2025 - 07 - 01),
            code_property: "ma".into(),
            source: "test square".into(),
            licence: "test".into(),
            only_province: None,
        },
    )
    .await
    .unwrap();
}

both_backends!(tourism_points_tours_and_refusals, |db: Db| async move {
    let mut app = app(db);
    app.config.data_dir = std::env::temp_dir().join(format!("ntm-tour-{}", uuid::Uuid::now_v7()));
    reference(&app).await;
    square_boundary(&app).await;
    let ed = user(&app, "dulich.anbinh", "tourism_editor@29584").await;
    let xa = user(&app, "xa.anbinh", "commune_officer@29584").await;
    let ed2 = user(&app, "dulich.khac", "tourism_editor@28756").await;
    let viewer = user(&app, "xem.tour", "viewer@86").await;
    let anon = Actor::Anonymous {
        origin: "203.0.113.9".into(),
    };

    // Every problem at once; nothing written, no audit entry.
    let mut bad = form("  ", "48.85", "2.35");
    bad.input.kind = "casino".into();
    bad.audio_vi = Some(Upload {
        name: "a.mp3".into(),
        bytes: b"RIFF\0\0\0\0WAVEfmt ".to_vec(),
    });
    bad.audio_en = Some(Upload {
        name: "big.mp3".into(),
        bytes: vec![0xFF; tourism::AUDIO_MAX_BYTES + 1],
    });
    bad.photos = vec![Upload {
        name: "a.gif".into(),
        bytes: b"GIF89a....".to_vec(),
    }];
    let f = fields(
        tourism::new_point(&app, &ed, "29584", bad)
            .await
            .unwrap_err(),
    );
    for want in ["kind", "name", "location", "audio_vi", "audio_en", "photos"] {
        assert!(f.contains(&want.to_string()), "{want} in {f:?}");
    }
    // Inside Việt Nam but outside the commune's stored boundary.
    let e = tourism::new_point(&app, &ed, "29584", form("Ngoài xã", "10.05", "106.3"))
        .await
        .unwrap_err();
    match &e {
        AppError::Validation(v) => {
            assert_eq!(v.len(), 1);
            assert_eq!(v[0].field, "location");
            assert!(v[0].message.contains("ngoài ranh giới"), "{}", v[0].message);
        }
        other => panic!("{other:?}"),
    }
    let o = tourism::officer_tourism(&app, &ed, "29584").await.unwrap();
    assert!(o.points.is_empty() && o.has_boundary);
    assert!(tourism_audit(&app).await.is_empty());

    // Who may write: editors and officers of the commune; not another commune's editor,
    // a viewer or an anonymous caller.
    for (who, want) in [
        (&ed2, "forbidden"),
        (&viewer, "forbidden"),
        (&anon, "unauthorized"),
    ] {
        let e = tourism::new_point(&app, who, "29584", form("Làng", "10.05", "106.05"))
            .await
            .unwrap_err();
        assert!(e.to_string().starts_with(want), "{e}");
    }

    // A point with a photo (location removed) and audio in both languages.
    let mut good = form("Làng nghề đan lát", "10,05", "106,05");
    good.photos = vec![Upload {
        name: "lang.jpg".into(),
        bytes: jpeg_with_gps(),
    }];
    good.audio_vi = Some(Upload {
        name: "vi.mp3".into(),
        bytes: mp3(),
    });
    let mut ogg = b"OggS\0\x02".to_vec();
    ogg.extend([0u8; 22]);
    ogg.extend(b"\x01vorbis\0\0\0\0");
    good.audio_en = Some(Upload {
        name: "en.ogg".into(),
        bytes: ogg.clone(),
    });
    let p = tourism::new_point(&app, &ed, "29584", good).await.unwrap();
    assert!(p.boundary_checked);
    assert_eq!(p.status, "draft");
    // A draft is private: anonymous callers do not see it, its editors do (a preview).
    assert!(matches!(
        tourism::public_point(&app, &anon, p.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(
        tourism::public_point(&app, &xa, p.id)
            .await
            .unwrap()
            .preview
    );
    assert!(
        tourism::commune_tourism(&app, "29584")
            .await
            .unwrap()
            .points
            .is_empty()
    );
    // A tour with an unpublished point is refused.
    let t = TourForm {
        input: TourInput {
            title_vi: "Tuyến làng nghề".into(),
            stops: vec![p.id.to_string()],
            ..TourInput::default()
        },
    };
    let e = tourism::new_tour(&app, &ed, "29584", t.clone())
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["stops"]);

    let p = tourism::set_point_published(&app, &ed, p.id, p.version, true)
        .await
        .unwrap();
    let pub_ = tourism::public_point(&app, &anon, p.id).await.unwrap();
    assert!(!pub_.preview);
    assert_eq!(pub_.photos.len(), 1);
    assert_eq!(
        pub_.audio,
        vec![
            ("en".to_string(), "audio/ogg".to_string()),
            ("vi".to_string(), "audio/mpeg".to_string())
        ]
    );
    let photo = tourism::photo(&app, &anon, pub_.photos[0].id)
        .await
        .unwrap();
    let bytes = std::fs::read(&photo.path).unwrap();
    assert!(!bytes.windows(11).any(|w| w == b"GPSLatitude"), "EXIF kept");
    let audio = tourism::audio(&app, &anon, p.id, "en").await.unwrap();
    assert_eq!(std::fs::read(&audio.path).unwrap(), ogg);
    assert_eq!(
        tourism::point_link(&app, &anon, p.id, "https://ntm.example.vn/")
            .await
            .unwrap(),
        format!("https://ntm.example.vn/tourism/points/{}", p.id)
    );
    // A stale version is a conflict and writes nothing.
    assert!(matches!(
        tourism::update_point(&app, &ed, p.id, 1, form("Cũ", "10.05", "106.05")).await,
        Err(AppError::Conflict(_))
    ));

    // A tour with an unknown point or a point of another commune is refused, naming them.
    let mut t2 = t.clone();
    t2.input.stops.push(uuid::Uuid::now_v7().to_string());
    assert_eq!(
        fields(tourism::new_tour(&app, &ed, "29584", t2).await.unwrap_err()),
        ["stops"]
    );
    let tour = tourism::new_tour(&app, &ed, "29584", t).await.unwrap();
    let tour = tourism::set_tour_published(&app, &xa, tour.id, tour.version, true)
        .await
        .unwrap();
    let pt = tourism::public_tour(&app, &anon, tour.id).await.unwrap();
    assert_eq!(pt.stops.len(), 1);
    let l = tourism::leaflet(&app, &anon, tour.id, "http://h")
        .await
        .unwrap();
    assert_eq!(l.stops[0].url, format!("http://h/tourism/points/{}", p.id));
    let c = tourism::commune_tourism(&app, "29584").await.unwrap();
    assert_eq!((c.points.len(), c.tours.len()), (1, 1));

    // Taking the point back hides it from the public tour and page.
    tourism::set_point_published(&app, &ed, p.id, p.version, false)
        .await
        .unwrap();
    assert!(
        tourism::public_tour(&app, &anon, tour.id)
            .await
            .unwrap()
            .stops
            .is_empty()
    );
    assert!(tourism::audio(&app, &anon, p.id, "vi").await.is_err());

    assert_eq!(
        tourism_audit(&app).await,
        [
            "tourism.point.create",
            "tourism.point.publish",
            "tourism.tour.create",
            "tourism.tour.publish",
            "tourism.point.unpublish",
        ]
    );
    // Another commune without a stored boundary: only Việt Nam's extent is checked.
    let other = tourism::new_point(&app, &ed2, "28756", form("Điểm", "9.9", "106.3"))
        .await
        .unwrap();
    assert!(!other.boundary_checked);
    let _ = std::fs::remove_dir_all(&app.config.data_dir);
});

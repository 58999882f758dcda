//! Backup and restore round trip on both databases: every table and every stored file
//! comes back, the audit chain verifies, a damaged backup is refused before anything is
//! written, and a database that holds data is not overwritten.

use std::path::{Path, PathBuf};

use ntm_app::backup::{self, RestoreTarget};
use ntm_app::criteria::{
    EvidenceInput, ValueBatch, ValueInput, ValueRef, attach_evidence, put_observations,
};
use ntm_app::{Actor, App, AppConfig, AppError};
use ntm_domain::observation::ObsSource;
use ntm_testkit::{Backend, Db, TestDb, both_backends};

use crate::{reference, user};

const SET: &str = "xa-ntm-2021-2025";

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("ntm-{name}-{}", uuid::Uuid::now_v7()))
}

/// Every file under the stored-files folders of a data folder: (relative path, bytes).
fn stored_files(data_dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = backup::STORED_DIRS
        .iter()
        .map(|d| data_dir.join(d))
        .collect();
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(data_dir).unwrap().to_path_buf();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// A second, empty database of the same engine to restore into.
async fn empty_target(backend: Backend, dir: &Path) -> (RestoreTarget, Option<TestDb>) {
    match backend {
        Backend::Sqlite => {
            let file = dir.join("ntm.db");
            (
                RestoreTarget {
                    database_url: format!("sqlite://{}?mode=rwc", file.display()),
                    sqlite_file: Some(file),
                    data_dir: dir.to_path_buf(),
                },
                None,
            )
        }
        Backend::Postgres => {
            // A freshly migrated database: nothing audited, so a restore target.
            let t = TestDb::postgres().await.expect("PostgreSQL");
            (
                RestoreTarget {
                    database_url: t.url.clone(),
                    sqlite_file: None,
                    data_dir: dir.to_path_buf(),
                },
                Some(t),
            )
        }
    }
}

both_backends!(backup_and_restore_round_trip, |t: TestDb| async move {
    let src_dir = temp("backup-src");
    let app = App::new(
        t.db.clone(),
        AppConfig {
            data_dir: src_dir.clone(),
            ..AppConfig::default()
        },
    );
    reference(&app).await;
    let commune = user(&app, "xa.ct", "commune_officer@29386").await;
    let batch = ValueBatch {
        set_id: SET.into(),
        year: 2024,
        values: vec![ValueInput {
            code: "2.1".into(),
            text: "85 %".into(),
            expected_version: None,
        }],
        note: "biên bản".into(),
        source: ObsSource::Manual,
    };
    put_observations(&app, &commune, "29386", batch)
        .await
        .unwrap();
    let value = ValueRef {
        unit_code: "29386".into(),
        set_id: SET.into(),
        year: 2024,
        indicator_code: "2.1".into(),
    };
    for (i, name) in ["bien-ban.pdf", "anh.png"].into_iter().enumerate() {
        let bytes = format!("%PDF-1.4 minh chứng {i}").into_bytes();
        let file = EvidenceInput {
            file_name: name.into(),
            bytes,
        };
        attach_evidence(&app, &commune, &value, 1 + i as i64, vec![file])
            .await
            .unwrap();
    }
    let before = app.db_for_tests().fingerprints().await.unwrap();
    let (head_seq, _) = app.db_for_tests().audit_head().await.unwrap();
    let files_before = stored_files(&src_dir);
    assert_eq!(files_before.len(), 2, "two evidence files stored");

    // Only the command line may back up.
    let out = temp("backup");
    let r = backup::create(&app, &commune, &t.url, &out).await;
    assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    let cli = Actor::cli();
    let manifest = backup::create(&app, &cli, &t.url, &out).await.unwrap();
    assert_eq!(manifest.backend, t.db.backend().as_str());
    assert_eq!(manifest.files.len(), 2);
    assert_eq!(
        manifest.tables, before,
        "the copy is what the database held"
    );
    assert!(manifest.audit_head.starts_with(&format!("{head_seq}:")));
    assert!(
        manifest
            .tables
            .iter()
            .any(|f| f.table == "units" && f.rows > 10_000)
    );
    // The backup itself is audited after the copy.
    assert_eq!(
        app.db_for_tests().audit_head().await.unwrap().0,
        head_seq + 1
    );
    // A second backup into the same folder is refused.
    assert!(matches!(
        backup::create(&app, &cli, &t.url, &out).await,
        Err(AppError::Validation(_))
    ));

    let dst_dir = temp("backup-dst");
    std::fs::create_dir_all(&dst_dir).unwrap();
    let (target, _keep) = empty_target(t.db.backend(), &dst_dir).await;

    // A damaged file: refused naming it, nothing written.
    let damaged = out.join(&manifest.files[0].path);
    let good = std::fs::read(&damaged).unwrap();
    std::fs::write(&damaged, b"changed").unwrap();
    let r = backup::restore(&cli, &out, &target, false).await;
    let Err(AppError::Validation(e)) = &r else {
        panic!("{r:?}")
    };
    assert!(e[0].message.contains(&manifest.files[0].path), "{e:?}");
    assert!(stored_files(&dst_dir).is_empty());
    if let Some(f) = &target.sqlite_file {
        assert!(!f.exists(), "no database written");
    } else {
        let db = Db::connect(&target.database_url).await.unwrap();
        assert_eq!(db.audited_writes().await.unwrap(), 0);
        db.close().await;
    }
    std::fs::write(&damaged, good).unwrap();
    // A manifest naming a file outside the stored folders is refused.
    let mpath = out.join(backup::MANIFEST);
    let text = std::fs::read_to_string(&mpath).unwrap();
    let evil = text.replacen(&manifest.files[0].path, "files/../../etc/passwd", 1);
    std::fs::write(&mpath, &evil).unwrap();
    assert!(matches!(
        backup::restore(&cli, &out, &target, false).await,
        Err(AppError::Validation(_))
    ));
    std::fs::write(&mpath, &text).unwrap();
    // Only the command line may restore.
    assert!(matches!(
        backup::restore(&commune, &out, &target, false).await,
        Err(AppError::Forbidden(_))
    ));

    // The round trip: every table equal, every file equal, the chain verifies.
    let report = backup::restore(&cli, &out, &target, false).await.unwrap();
    assert_eq!(report.files, 2);
    assert_eq!(report.audit_head, manifest.audit_head);
    let restored = Db::connect(&target.database_url).await.unwrap();
    let after = restored.fingerprints().await.unwrap();
    assert_eq!(after.len(), before.len());
    for (a, b) in after.iter().zip(&before) {
        if a.table == "audit_log" || a.table == "audit_head" {
            // The restore adds its own entry after the backup's chain.
            continue;
        }
        assert_eq!(a, b, "table {}", a.table);
    }
    let src_audit = app.db_for_tests().audit_page(0, 100_000).await.unwrap();
    let dst_audit = restored.audit_page(0, 100_000).await.unwrap();
    assert_eq!(dst_audit.len() as i64, head_seq + 1);
    assert_eq!(
        &dst_audit[..head_seq as usize],
        &src_audit[..head_seq as usize]
    );
    assert_eq!(dst_audit.last().unwrap().action, "backup.restore");
    assert_eq!(stored_files(&dst_dir), files_before);
    let restored_app = App::new(
        restored.clone(),
        AppConfig {
            data_dir: dst_dir.clone(),
            ..AppConfig::default()
        },
    );
    let v = ntm_app::audit::verify_chain(&restored_app, &cli)
        .await
        .unwrap();
    assert!(v.ok, "{v:?}");
    // The restored evidence is served from the restored data folder.
    let h = ntm_app::criteria::history(&restored_app, &cli, &value)
        .await
        .unwrap();
    let files: Vec<_> = h.iter().flat_map(|(_, f)| f.iter()).collect();
    assert_eq!(files.len(), 2, "{h:?}");
    for f in files {
        let (_, bytes) = ntm_app::criteria::evidence_file(&restored_app, &cli, f.id)
            .await
            .unwrap();
        assert!(bytes.starts_with(b"%PDF-1.4 minh"));
    }
    restored.close().await;

    // The target now holds data: a second restore is refused; on SQLite --force moves the
    // database aside first.
    let r = backup::restore(&cli, &out, &target, false).await;
    assert!(
        matches!(&r, Err(AppError::Validation(e)) if e[0].message.contains("already holds data")),
        "{r:?}"
    );
    if target.sqlite_file.is_some() {
        let report = backup::restore(&cli, &out, &target, true).await.unwrap();
        let aside = report.moved_aside.expect("moved aside");
        assert!(aside.exists());
    }
    let _ = std::fs::remove_dir_all(&src_dir);
    let _ = std::fs::remove_dir_all(&dst_dir);
    let _ = std::fs::remove_dir_all(&out);
});

/// A small JPEG (SOI, an APP1 EXIF segment, a scan, EOI): filing removes the APP1 segment.
fn feedback_jpeg() -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8];
    let exif = b"Exif\0\0MM\0\x2a\0\0\0\x08GPSLatitude 10.28";
    v.extend([0xFF, 0xE1]);
    v.extend(((exif.len() + 2) as u16).to_be_bytes());
    v.extend(exif);
    v.extend([0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0xFF, 0xD9]);
    v
}

both_backends!(backup_keeps_feedback_photos, |t: TestDb| async move {
    let src_dir = temp("backup-fb-src");
    let app = App::new(
        t.db.clone(),
        AppConfig {
            data_dir: src_dir.clone(),
            ..AppConfig::default()
        },
    );
    reference(&app).await;
    ntm_app::feedback::seed_demo(&app, "86").await.unwrap();
    let citizen = Actor::Anonymous {
        origin: "203.0.113.9".into(),
    };
    let form = ntm_app::feedback::NewReport {
        province_code: "86".into(),
        category: "giao-thong".into(),
        text: "Cống bị tắc trước trường tiểu học".into(),
        unit_code: "29584".into(),
        via_api: true,
        photos: vec![ntm_app::feedback::Upload {
            name: "cong.jpg".into(),
            bytes: feedback_jpeg(),
        }],
        ..ntm_app::feedback::NewReport::default()
    };
    let filed = ntm_app::feedback::file_report(&app, &citizen, form)
        .await
        .unwrap();
    let report = ntm_app::feedback::track(&app, &citizen, &filed.tracking_code)
        .await
        .unwrap();
    assert_eq!(report.photos.len(), 1);
    let photo_id = report.photos[0];
    let stored = ntm_app::feedback::photo(&app, photo_id).await.unwrap();
    assert_eq!(stored.content_type, "image/jpeg");
    let files_before = stored_files(&src_dir);
    assert!(
        files_before
            .iter()
            .any(|(p, b)| p.starts_with("feedback") && *b == stored.bytes),
        "the photo is under a stored-files folder: {:?}",
        files_before.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );

    let cli = Actor::cli();
    let out = temp("backup-fb");
    let manifest = backup::create(&app, &cli, &t.url, &out).await.unwrap();
    assert!(
        manifest
            .files
            .iter()
            .any(|f| f.path.starts_with("files/feedback/")),
        "{:?}",
        manifest.files
    );
    let dst_dir = temp("backup-fb-dst");
    std::fs::create_dir_all(&dst_dir).unwrap();
    let (target, _keep) = empty_target(t.db.backend(), &dst_dir).await;
    backup::restore(&cli, &out, &target, false).await.unwrap();
    assert_eq!(stored_files(&dst_dir), files_before);

    // The restored site serves the report and its photo, byte for byte.
    let restored = Db::connect(&target.database_url).await.unwrap();
    let restored_app = App::new(
        restored.clone(),
        AppConfig {
            data_dir: dst_dir.clone(),
            ..AppConfig::default()
        },
    );
    let again = ntm_app::feedback::track(&restored_app, &citizen, &filed.tracking_code)
        .await
        .unwrap();
    assert_eq!(again.photos, vec![photo_id]);
    let served = ntm_app::feedback::photo(&restored_app, photo_id)
        .await
        .unwrap();
    assert_eq!(served.bytes, stored.bytes);
    restored.close().await;
    let _ = std::fs::remove_dir_all(&src_dir);
    let _ = std::fs::remove_dir_all(&dst_dir);
    let _ = std::fs::remove_dir_all(&out);
});

/// An MPEG-1 Layer III frame header and a silent body: a narration audio file by content.
fn mp3() -> Vec<u8> {
    let mut v = vec![0xFF, 0xFB, 0x90, 0x64];
    v.extend((0..2_000u32).map(|i| (i % 251) as u8));
    v
}

both_backends!(backup_keeps_tourism_audio, |t: TestDb| async move {
    let src_dir = temp("backup-tour-src");
    let app = App::new(
        t.db.clone(),
        AppConfig {
            data_dir: src_dir.clone(),
            ..AppConfig::default()
        },
    );
    reference(&app).await;
    let cli = Actor::cli();
    let form = ntm_app::tourism::PointForm {
        input: ntm_domain::tourism::PointInput {
            kind: "relic".into(),
            name: "Đình làng".into(),
            lat: "9,93".into(),
            lon: "106,34".into(),
            narration_vi: "Thuyết minh".into(),
            ..Default::default()
        },
        audio_vi: Some(ntm_app::tourism::Upload {
            name: "thuyet-minh.mp3".into(),
            bytes: mp3(),
        }),
        ..Default::default()
    };
    let point = ntm_app::tourism::new_point(&app, &cli, "29584", form)
        .await
        .unwrap();
    ntm_app::tourism::set_point_published(&app, &cli, point.id, 1, true)
        .await
        .unwrap();
    let files_before = stored_files(&src_dir);
    assert!(
        files_before
            .iter()
            .any(|(p, b)| p.starts_with("tourism") && *b == mp3()),
        "the audio is under a stored-files folder: {:?}",
        files_before.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    let out = temp("backup-tour");
    let manifest = backup::create(&app, &cli, &t.url, &out).await.unwrap();
    assert!(
        manifest
            .files
            .iter()
            .any(|f| f.path.starts_with("files/tourism/")),
        "{:?}",
        manifest.files
    );
    let dst_dir = temp("backup-tour-dst");
    std::fs::create_dir_all(&dst_dir).unwrap();
    let (target, _keep) = empty_target(t.db.backend(), &dst_dir).await;
    backup::restore(&cli, &out, &target, false).await.unwrap();
    assert_eq!(stored_files(&dst_dir), files_before);

    // The restored site serves the audio, byte for byte.
    let restored = Db::connect(&target.database_url).await.unwrap();
    let restored_app = App::new(
        restored.clone(),
        AppConfig {
            data_dir: dst_dir.clone(),
            ..AppConfig::default()
        },
    );
    let anon = Actor::Anonymous {
        origin: "203.0.113.9".into(),
    };
    let f = ntm_app::tourism::audio(&restored_app, &anon, point.id, "vi")
        .await
        .unwrap();
    assert_eq!(f.content_type, "audio/mpeg");
    assert_eq!(std::fs::read(&f.path).unwrap(), mp3());
    restored.close().await;
    let _ = std::fs::remove_dir_all(&src_dir);
    let _ = std::fs::remove_dir_all(&dst_dir);
    let _ = std::fs::remove_dir_all(&out);
});

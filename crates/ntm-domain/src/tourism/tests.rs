use super::*;
use crate::area::{Bbox, Polygon};

fn good() -> PointInput {
    PointInput {
        kind: "craft_village".into(),
        name: "Làng nghề dệt chiếu".into(),
        lat: "9,9347".into(),
        lon: "106.3421".into(),
        address: "Ấp 1".into(),
        opening: "7:00–17:00".into(),
        contact: "0294 000 000".into(),
        narration_vi: "Làng nghề trăm năm.".into(),
        narration_en: String::new(),
    }
}

fn fields(p: Vec<Problem>) -> Vec<&'static str> {
    p.into_iter().map(|x| x.field).collect()
}

#[test]
fn a_good_point_is_checked_with_both_decimal_marks() {
    let c = check_point(&good()).expect("valid");
    assert_eq!(c.kind, PointKind::CraftVillage);
    assert!((c.lat - 9.9347).abs() < 1e-9);
    assert!((c.lon - 106.3421).abs() < 1e-9);
    assert_eq!(c.narration_en, "");
}

#[test]
fn every_problem_at_once() {
    let bad = PointInput {
        kind: "casino".into(),
        name: "   ".into(),
        lat: "north".into(),
        lon: "".into(),
        narration_vi: " ".into(),
        contact: "x".repeat(MAX_SHORT + 1),
        ..good()
    };
    let f = fields(check_point(&bad).unwrap_err());
    for want in ["kind", "name", "lat", "lon", "narration_vi", "contact"] {
        assert!(f.contains(&want), "{want} in {f:?}");
    }
}

#[test]
fn outside_vietnam_is_refused_and_swapped_axes_named() {
    // Paris, and the demo point with latitude and longitude swapped.
    for (lat, lon) in [("48.85", "2.35"), ("106.3421", "9.9347")] {
        let e = check_point(&PointInput {
            lat: lat.into(),
            lon: lon.into(),
            ..good()
        })
        .unwrap_err();
        assert_eq!(fields(e.clone()), ["location"]);
        assert!(e[0].vi.contains("ngoài lãnh thổ Việt Nam"), "{}", e[0].vi);
    }
    // Trường Sa is inside.
    assert!(
        check_point(&PointInput {
            lat: "8.64".into(),
            lon: "111.92".into(),
            ..good()
        })
        .is_ok()
    );
}

#[test]
fn coordinates_parse_strictly() {
    assert_eq!(parse_coordinate(" 9,5 "), Some(9.5));
    assert_eq!(parse_coordinate("106.25"), Some(106.25));
    assert_eq!(parse_coordinate("1,000.5"), None);
    assert_eq!(parse_coordinate("NaN"), None);
    assert_eq!(parse_coordinate("inf"), None);
    assert_eq!(parse_coordinate(""), None);
}

fn square() -> (Vec<Polygon>, Bbox) {
    let ring = vec![
        [106.0, 9.0],
        [106.1, 9.0],
        [106.1, 9.1],
        [106.0, 9.1],
        [106.0, 9.0],
    ];
    (
        vec![Polygon { rings: vec![ring] }],
        Bbox {
            min_lon: 106.0,
            min_lat: 9.0,
            max_lon: 106.1,
            max_lat: 9.1,
        },
    )
}

#[test]
fn inside_the_commune_within_the_simplification_tolerance() {
    let (b, bb) = square();
    assert!(inside_boundary(106.05, 9.05, "Xã A", &b, bb).is_ok());
    // 0.0003° outside the edge: within the 0.0005° tolerance.
    assert!(inside_boundary(106.1003, 9.05, "Xã A", &b, bb).is_ok());
    let e = inside_boundary(106.2, 9.05, "Xã A", &b, bb).unwrap_err();
    assert_eq!(e.field, "location");
    assert!(e.vi.contains("ngoài ranh giới Xã A"), "{}", e.vi);
}

#[test]
fn tours_need_stops_once_each() {
    let a = uuid::Uuid::now_v7().to_string();
    let b = uuid::Uuid::now_v7().to_string();
    let ok = check_tour(&TourInput {
        title_vi: "Tuyến làng nghề".into(),
        stops: vec![a.clone(), String::new(), b.clone()],
        ..TourInput::default()
    })
    .expect("valid");
    assert_eq!(ok.stops.len(), 2);
    let e = check_tour(&TourInput::default()).unwrap_err();
    assert_eq!(fields(e), ["title_vi", "stops"]);
    let e = check_tour(&TourInput {
        title_vi: "T".into(),
        stops: vec![a.clone(), a.clone(), "khong-co".into()],
        ..TourInput::default()
    })
    .unwrap_err();
    assert_eq!(fields(e), ["stops", "stops"]);
}

#[test]
fn audio_by_content() {
    // MPEG-1 Layer III (infer), MPEG-2 Layer III at 22 kHz (speech), ID3, Ogg Vorbis, Opus.
    assert_eq!(
        sniff_audio(&[0xFF, 0xFB, 0x90, 0x64, 0, 0]),
        Some(AudioKind::Mp3)
    );
    assert_eq!(
        sniff_audio(&[0xFF, 0xF3, 0x48, 0xC4, 0, 0]),
        Some(AudioKind::Mp3)
    );
    assert_eq!(sniff_audio(b"ID3\x04\0\0\0\0\0\0"), Some(AudioKind::Mp3));
    let mut ogg = b"OggS\0\x02".to_vec();
    ogg.extend([0u8; 22]);
    let mut vorbis = ogg.clone();
    vorbis.extend(b"\x01vorbis\0\0\0\0");
    assert_eq!(sniff_audio(&vorbis), Some(AudioKind::Ogg));
    let mut opus = ogg.clone();
    opus.extend(b"OpusHead\x01\x02");
    assert_eq!(sniff_audio(&opus), Some(AudioKind::Ogg));
    // Ogg video (Theora), a WAV file, a JPEG, a text renamed .mp3, a bad frame header.
    let mut theora = ogg;
    theora.extend(b"\x80theora");
    assert_eq!(sniff_audio(&theora), None);
    assert_eq!(sniff_audio(b"RIFF\0\0\0\0WAVEfmt "), None);
    assert_eq!(sniff_audio(&[0xFF, 0xD8, 0xFF, 0xE0]), None);
    assert_eq!(sniff_audio(b"hello"), None);
    assert_eq!(sniff_audio(&[0xFF, 0xF3, 0xF8, 0xC4]), None);
}

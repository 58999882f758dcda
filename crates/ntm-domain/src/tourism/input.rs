//! What a tourism editor types: a point (kind, name, position, address, opening hours,
//! contact, narration in Vietnamese and English) and a tour (titles, descriptions, stops).
//! Texts are plain text (shown escaped, paragraphs at blank lines). Every problem is reported
//! at once, each at its field, in Vietnamese then English.

use uuid::Uuid;

use super::kind::PointKind;
use crate::area::{Bbox, Containment, SIMPLIFICATION_TOLERANCE_DEG, VIETNAM_EXTENT, check_inside};
use crate::area::{Coord, Polygon};

/// Longest name or title (characters).
pub const MAX_NAME: usize = 200;
/// Longest address, opening information or contact.
pub const MAX_SHORT: usize = 500;
/// Longest narration or description.
pub const MAX_NARRATION: usize = 10_000;
/// Most stops on a tour.
pub const MAX_STOPS: usize = 30;

/// A refusal at a form field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub vi: String,
    pub en: String,
}

impl Problem {
    fn new(field: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Problem {
        Problem {
            field,
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// "Vietnamese — English".
    pub fn message(&self) -> String {
        format!("{} — {}", self.vi, self.en)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointInput {
    pub kind: String,
    pub name: String,
    /// Decimal degrees, `.` or `,` as the decimal mark.
    pub lat: String,
    pub lon: String,
    pub address: String,
    pub opening: String,
    pub contact: String,
    pub narration_vi: String,
    pub narration_en: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckedPoint {
    pub kind: PointKind,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub address: String,
    pub opening: String,
    pub contact: String,
    pub narration_vi: String,
    /// Empty when there is no English narration yet.
    pub narration_en: String,
}

/// A decimal degree as typed (`9.9347`, `9,9347`); `None` when it is not a finite number.
pub fn parse_coordinate(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    let t = if t.contains('.') {
        t.to_string()
    } else {
        t.replacen(',', ".", 1)
    };
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn text(
    problems: &mut Vec<Problem>,
    field: &'static str,
    s: &str,
    max: usize,
    required: bool,
    what_vi: &str,
    what_en: &str,
) -> String {
    let t = s.trim().replace("\r\n", "\n");
    if required && t.is_empty() {
        problems.push(Problem::new(
            field,
            format!("Nhập {what_vi}"),
            format!("enter the {what_en}"),
        ));
    } else if t.chars().count() > max {
        problems.push(Problem::new(
            field,
            format!("{what_vi} dài quá {max} ký tự"),
            format!("the {what_en} is longer than {max} characters"),
        ));
    }
    t
}

/// Checks a point's form. The position must be numbers inside Việt Nam's extent (with its
/// islands); whether it lies inside the commune is [`inside_boundary`], when the commune has a
/// stored boundary.
pub fn check_point(input: &PointInput) -> Result<CheckedPoint, Vec<Problem>> {
    let mut p = Vec::new();
    let kind = PointKind::parse(&input.kind);
    if kind.is_none() {
        p.push(Problem::new(
            "kind",
            "Chọn loại điểm trong danh sách",
            "choose a kind from the list",
        ));
    }
    let name = text(
        &mut p,
        "name",
        &input.name,
        MAX_NAME,
        true,
        "tên điểm",
        "name",
    );
    let lat = parse_coordinate(&input.lat);
    let lon = parse_coordinate(&input.lon);
    if lat.is_none() {
        p.push(Problem::new(
            "lat",
            "Vĩ độ phải là số thập phân, ví dụ 9,9347",
            "the latitude must be a decimal number, e.g. 9.9347",
        ));
    }
    if lon.is_none() {
        p.push(Problem::new(
            "lon",
            "Kinh độ phải là số thập phân, ví dụ 106,3421",
            "the longitude must be a decimal number, e.g. 106.3421",
        ));
    }
    if let (Some(la), Some(lo)) = (lat, lon) {
        let e = VIETNAM_EXTENT;
        if !(lo >= e.min_lon && lo <= e.max_lon && la >= e.min_lat && la <= e.max_lat) {
            p.push(Problem::new(
                "location",
                format!(
                    "Vị trí ({la}, {lo}) nằm ngoài lãnh thổ Việt Nam (vĩ độ {}–{}, kinh độ {}–{}); kiểm tra xem có nhập ngược vĩ độ và kinh độ không",
                    e.min_lat, e.max_lat, e.min_lon, e.max_lon
                ),
                format!(
                    "the position ({la}, {lo}) is outside Việt Nam (latitude {}–{}, longitude {}–{}); check that latitude and longitude are not swapped",
                    e.min_lat, e.max_lat, e.min_lon, e.max_lon
                ),
            ));
        }
    }
    let address = text(
        &mut p,
        "address",
        &input.address,
        MAX_SHORT,
        false,
        "Địa chỉ",
        "address",
    );
    let opening = text(
        &mut p,
        "opening",
        &input.opening,
        MAX_SHORT,
        false,
        "Giờ mở cửa",
        "opening information",
    );
    let contact = text(
        &mut p,
        "contact",
        &input.contact,
        MAX_SHORT,
        false,
        "Liên hệ",
        "contact",
    );
    let narration_vi = text(
        &mut p,
        "narration_vi",
        &input.narration_vi,
        MAX_NARRATION,
        true,
        "lời thuyết minh tiếng Việt",
        "Vietnamese narration",
    );
    let narration_en = text(
        &mut p,
        "narration_en",
        &input.narration_en,
        MAX_NARRATION,
        false,
        "Lời thuyết minh tiếng Anh",
        "English narration",
    );
    match (kind, lat, lon) {
        (Some(kind), Some(lat), Some(lon)) if p.is_empty() => Ok(CheckedPoint {
            kind,
            name,
            lon,
            lat,
            address,
            opening,
            contact,
            narration_vi,
            narration_en,
        }),
        _ => Err(p),
    }
}

/// Whether the point lies inside the commune's stored boundary, within the tolerance of the
/// boundary's simplification (`area::containment`); the problem says how far out it is.
pub fn inside_boundary(
    lon: f64,
    lat: f64,
    commune: &str,
    boundary: &[Polygon],
    bbox: Bbox,
) -> Result<(), Problem> {
    let c: Coord = [lon, lat];
    let point = [Polygon {
        rings: vec![vec![c, c]],
    }];
    match check_inside(&point, boundary, bbox, SIMPLIFICATION_TOLERANCE_DEG) {
        Containment::Inside => Ok(()),
        Containment::Outside { distance_m, .. } => Err(Problem::new(
            "location",
            format!(
                "Vị trí ({lat}, {lon}) nằm ngoài ranh giới {commune}, cách khoảng {distance_m:.0} m"
            ),
            format!(
                "the position ({lat}, {lon}) lies outside the boundary of {commune}, about {distance_m:.0} m away"
            ),
        )),
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TourInput {
    pub title_vi: String,
    pub title_en: String,
    pub description_vi: String,
    pub description_en: String,
    /// Point ids in visiting order, as sent (empty entries are skipped).
    pub stops: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedTour {
    pub title_vi: String,
    pub title_en: String,
    pub description_vi: String,
    pub description_en: String,
    pub stops: Vec<Uuid>,
}

/// Checks a tour's form: a Vietnamese title, texts within their limits, 1 to [`MAX_STOPS`]
/// stops, each a point id, none twice. Whether each point exists, is in the commune and is
/// published is the application's check (it reads them).
pub fn check_tour(input: &TourInput) -> Result<CheckedTour, Vec<Problem>> {
    let mut p = Vec::new();
    let title_vi = text(
        &mut p,
        "title_vi",
        &input.title_vi,
        MAX_NAME,
        true,
        "tên tuyến tiếng Việt",
        "Vietnamese title",
    );
    let title_en = text(
        &mut p,
        "title_en",
        &input.title_en,
        MAX_NAME,
        false,
        "Tên tuyến tiếng Anh",
        "English title",
    );
    let description_vi = text(
        &mut p,
        "description_vi",
        &input.description_vi,
        MAX_NARRATION,
        false,
        "Mô tả tiếng Việt",
        "Vietnamese description",
    );
    let description_en = text(
        &mut p,
        "description_en",
        &input.description_en,
        MAX_NARRATION,
        false,
        "Mô tả tiếng Anh",
        "English description",
    );
    let mut stops = Vec::new();
    for s in input
        .stops
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        match Uuid::parse_str(s) {
            Ok(id) if stops.contains(&id) => p.push(Problem::new(
                "stops",
                "Một điểm chỉ xuất hiện một lần trong tuyến",
                "a point appears only once on a tour",
            )),
            Ok(id) => stops.push(id),
            Err(_) => p.push(Problem::new(
                "stops",
                format!("Không có điểm “{s}”"),
                format!("there is no point “{s}”"),
            )),
        }
    }
    if stops.is_empty() && !p.iter().any(|x| x.field == "stops") {
        p.push(Problem::new(
            "stops",
            "Chọn ít nhất một điểm cho tuyến",
            "choose at least one point for the tour",
        ));
    }
    if stops.len() > MAX_STOPS {
        p.push(Problem::new(
            "stops",
            format!("Một tuyến có tối đa {MAX_STOPS} điểm"),
            format!("a tour has at most {MAX_STOPS} stops"),
        ));
    }
    if p.is_empty() {
        Ok(CheckedTour {
            title_vi,
            title_en,
            description_vi,
            description_en,
            stops,
        })
    } else {
        Err(p)
    }
}

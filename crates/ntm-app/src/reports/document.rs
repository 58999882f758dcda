//! The official document of a report (the PDF's data).

use ntm_domain::reports::{self as rules, ReportState};
use ntm_domain::text::format_date_vi;
use ntm_domain::units::{Level, Unit};
use serde::Serialize;
use uuid::Uuid;

use super::actions::get;
use crate::authz::Actor;
use crate::{App, AppError, today};

/// The heading block of the document.
#[derive(Debug, Clone, Serialize)]
pub struct DocHeading {
    /// "UBND TỈNH TRÀ VINH" above the issuer (the parent for a district), or "".
    pub parent: String,
    /// "ỦY BAN NHÂN DÂN HUYỆN CÀNG LONG".
    pub issuer: String,
    /// "…/BC-UBND".
    pub number: String,
    pub place: String,
    /// "ngày 25 tháng 6 năm 2023".
    pub date: String,
    /// "Trà Vinh, ngày 25 tháng 6 năm 2023".
    pub place_date: String,
}

/// One figure as the documents print it (texts already in vi-VN format).
#[derive(Debug, Clone, Serialize)]
pub struct DocFigure {
    pub number: String,
    pub code: String,
    pub text: String,
    pub target: String,
    pub actual: String,
    pub actual_value: Option<f64>,
    pub status: String,
    pub agency: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocSection {
    pub title: String,
    pub text: String,
}

/// Everything the XLSX and the PDF show (the PDF gets it as JSON).
#[derive(Debug, Clone, Serialize)]
pub struct ReportDocument {
    pub heading: DocHeading,
    /// "BÁO CÁO".
    pub title: String,
    /// "Kết quả thực hiện Kế hoạch … 6 tháng đầu năm 2023".
    pub subtitle: String,
    pub basis: String,
    pub figures: Vec<DocFigure>,
    pub figures_note: String,
    pub sections: Vec<DocSection>,
    pub recipients: Vec<String>,
    /// "TM. ỦY BAN NHÂN DÂN".
    pub signer_for: String,
    pub signer_title: String,
    pub signer_name: String,
    pub footer: String,
    pub file_stem: String,
}

/// Vietnamese status words as the documents print them.
pub fn status_vi(status: &str) -> &'static str {
    match status {
        "met" => "Đạt",
        "on_track" => "Đúng tiến độ",
        "at_risk" => "Có nguy cơ chậm",
        "off_track" => "Chậm tiến độ",
        "not_met" => "Không đạt",
        "no_data" => "Chưa có số liệu",
        _ => "Chưa đánh giá",
    }
}

fn people_committee(u: &Unit) -> String {
    // "Huyện Càng Long" → "Ủy ban nhân dân huyện Càng Long".
    format!("Ủy ban nhân dân {}", lower_first(&u.name))
}

/// The data of the exported report (the same for XLSX and PDF).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), report = %id))]
pub async fn document(app: &App, actor: &Actor, id: Uuid) -> Result<ReportDocument, AppError> {
    let v = get(app, actor, id).await?;
    let date = v
        .first_submitted
        .filter(|_| v.state.is_in())
        .unwrap_or_else(today);
    let place_unit = match v.unit.level {
        Level::Province => &v.unit,
        _ => v
            .parent
            .as_ref()
            .filter(|p| p.level == Level::Province)
            .unwrap_or(&v.unit),
    };
    let place = rules::place_name(&place_unit.name, &place_unit.kind);
    let place = if v.unit.level == Level::Province {
        place
    } else {
        rules::place_name(&v.unit.name, &v.unit.kind)
    };
    let parent_line = match (&v.parent, v.unit.level) {
        (Some(p), Level::Commune | Level::District) => format!("UBND {}", p.name).to_uppercase(),
        _ => String::new(),
    };
    let plan_ref = &v.plan_reference;
    let plan_citation = &v.plan_citation;
    let figures: Vec<DocFigure> = v
        .figures
        .iter()
        .enumerate()
        .map(|(i, f)| DocFigure {
            number: (i + 1).to_string(),
            code: f.code.clone(),
            text: f.text.clone(),
            target: f.target_text(),
            actual: if f.actual.is_some() {
                f.actual_text()
            } else {
                "Chưa có số liệu".to_owned()
            },
            actual_value: f.actual,
            status: status_vi(&f.status).to_owned(),
            agency: if f.agency_inherited {
                String::new()
            } else {
                f.agency.clone().unwrap_or_default()
            },
        })
        .collect();
    let lead = v
        .figures
        .iter()
        .find(|f| f.agency_inherited)
        .and_then(|f| f.agency.clone());
    let sections = v
        .narrative
        .sections()
        .iter()
        .enumerate()
        .map(|(i, (_, title, text))| DocSection {
            title: format!("{}. {title}", roman(i + 1)),
            text: if text.trim().is_empty() {
                "(chưa nhập nội dung)".to_owned()
            } else {
                (*text).to_owned()
            },
        })
        .collect();
    let mut recipients = Vec::new();
    if let Some(p) = &v.parent {
        recipients.push(format!("{} (báo cáo)", people_committee(p)));
    }
    recipients.push(format!("{} (báo cáo)", v.recipient));
    recipients.push("Lưu: VT.".to_owned());
    let committee = people_committee(&v.unit);
    Ok(ReportDocument {
        heading: DocHeading {
            parent: parent_line,
            issuer: committee.to_uppercase(),
            number: "…/BC-UBND".to_owned(),
            place: place.clone(),
            // "ngày 25 tháng 6 năm 2023": the shared heading prints it after the place as is.
            date: rules::place_date_line("", date)
                .trim_start_matches(", ")
                .to_owned(),
            place_date: rules::place_date_line(&place, date),
        },
        title: "Báo cáo".to_owned(),
        subtitle: format!("Kết quả thực hiện {plan_ref} {}", v.period.title_vi()),
        basis: format!(
            "Thực hiện {plan_citation} về {}, {} báo cáo kết quả thực hiện {} như sau:",
            lower_first(&v.plan_name),
            committee,
            v.period.title_vi()
        ),
        figures_note: format!(
            "{}{}",
            if v.figures_are_snapshot {
                "Số liệu tại thời điểm gửi báo cáo, tính từ dữ liệu của hệ thống NTM Số."
            } else {
                "Số liệu tính từ dữ liệu của hệ thống NTM Số tại thời điểm xuất báo cáo."
            },
            match &lead {
                Some(l) => format!(" Cơ quan chủ trì (khi chỉ tiêu không ghi riêng): {l}."),
                None => String::new(),
            }
        ),
        figures,
        sections,
        recipients,
        signer_for: "TM. Ủy ban nhân dân".to_uppercase(),
        signer_title: "CHỦ TỊCH".to_owned(),
        signer_name: String::new(),
        footer: format!(
            "Hạn gửi: {} · Trạng thái: {} · Phiên bản {}",
            format_date_vi(v.due),
            state_vi(v.state),
            v.version
        ),
        file_stem: format!(
            "bao-cao-{}-{}-{}-{}",
            v.plan_id,
            v.period.kind.as_str().replace('_', "-"),
            v.period.year,
            v.unit.code
        ),
    })
}

pub(super) fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

pub(super) fn roman(n: usize) -> &'static str {
    ["", "I", "II", "III", "IV", "V", "VI"]
        .get(n)
        .copied()
        .unwrap_or("")
}

/// Vietnamese state words for documents.
pub fn state_vi(s: ReportState) -> &'static str {
    match s {
        ReportState::Draft => "Dự thảo",
        ReportState::Submitted => "Đã gửi",
        ReportState::Returned => "Bị trả lại",
        ReportState::Accepted => "Đã tiếp nhận",
    }
}

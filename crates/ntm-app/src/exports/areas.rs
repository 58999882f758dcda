//! A unit's raw-material areas as XLSX (`GET /units/{code}/areas.xlsx`): the rows of the
//! list page, with the declared and computed hectares and the certifications valid today.

use super::{Download, Labels, file_safe, write_error};
use crate::{Actor, App, AppError};

const COLUMNS: [&str; 9] = [
    "areas-col-code",
    "areas-col-crop",
    "areas-col-commune",
    "areas-col-declared",
    "areas-col-computed",
    "areas-col-owners",
    "areas-col-certifications",
    "areas-col-boundary",
    "areas-col-sample",
];

/// Hundredths as "1,25" (vi) — the reader's Labels decide only words; numbers are written
/// as numbers a spreadsheet reads ("1.25") to stay computable.
fn ha(hundredths: i64) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn areas_xlsx(
    app: &App,
    actor: &Actor,
    code: &str,
    labels: &dyn Labels,
) -> Result<Download, AppError> {
    let view = crate::areas::unit_areas(app, actor, code).await?;
    let header: Vec<String> = COLUMNS.iter().map(|k| labels.text(k)).collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = view
        .areas
        .iter()
        .map(|r| {
            vec![
                r.area.code.clone(),
                r.area.crop.clone(),
                r.area.unit_code.clone(),
                ha(r.area.hectares_x100),
                format!("{:.2}", r.area.computed_ha),
                r.owners.join("; "),
                r.valid_certifications
                    .iter()
                    .map(|k| labels.text(&format!("areas-cert-{k}")))
                    .collect::<Vec<_>>()
                    .join("; "),
                labels.text(if r.area.boundary_checked {
                    "areas-boundary-checked"
                } else {
                    "areas-boundary-unchecked"
                }),
                if r.area.sample {
                    labels.text("areas-sample")
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    let sheet: String = format!("vung-{}", file_safe(&view.unit.code))
        .chars()
        .take(31)
        .collect();
    let bytes = ntm_reports::write_table(&sheet, &header, &rows).map_err(write_error)?;
    Ok(Download {
        file_name: format!("{sheet}.xlsx"),
        bytes,
    })
}

//! A unit's reports as an XLSX table.

use uuid::Uuid;

use super::document::document;
use crate::authz::Actor;
use crate::{App, AppError};

/// The report as an XLSX workbook.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), report = %id))]
pub async fn export_xlsx(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(Vec<u8>, String), AppError> {
    let d = document(app, actor, id).await?;
    let mut heading = vec![
        format!("{} — {}", d.title.to_uppercase(), d.subtitle),
        d.heading.issuer.clone(),
        format!("Số: {}", d.heading.number),
        d.heading.place_date.clone(),
        d.basis.clone(),
    ];
    if !d.heading.parent.is_empty() {
        heading.insert(1, d.heading.parent.clone());
    }
    let sheet = ntm_reports::periodic_xlsx::PeriodicSheet {
        heading,
        figures: d
            .figures
            .iter()
            .map(|f| ntm_reports::periodic_xlsx::FigureRow {
                code: f.code.clone(),
                text: f.text.clone(),
                target: f.target.clone(),
                actual: f.actual_value,
                actual_text: f.actual.clone(),
                status: f.status.clone(),
                agency: f.agency.clone(),
            })
            .collect(),
        sections: d
            .sections
            .iter()
            .map(|s| (s.title.clone(), s.text.clone()))
            .collect(),
        footer: std::iter::once(d.figures_note.clone())
            .chain(std::iter::once("Nơi nhận:".to_owned()))
            .chain(d.recipients.iter().map(|r| format!("- {r}")))
            .chain(std::iter::once(d.footer.clone()))
            .collect(),
    };
    let bytes = ntm_reports::periodic_xlsx::write_periodic(&sheet)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((bytes, format!("{}.xlsx", d.file_stem)))
}

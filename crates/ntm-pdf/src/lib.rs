//! PDF documents typeset with [typst](https://typst.app) used as a library.
//!
//! * Fonts are embedded in the binary (`fonts/`, Liberation Serif 2.x, SIL OFL 1.1: metric-compatible
//!   with Times New Roman, which Decree 30/2020/NĐ-CP prescribes, and covering Vietnamese). No system
//!   font is ever read and no typst package is ever downloaded: only the templates embedded below can
//!   be imported.
//! * Data goes in as one JSON value, read in the template with `data` from `heading.typ` (or
//!   `json(bytes(sys.inputs.data))`). Strings in it are shown as text, never evaluated as markup,
//!   so user text cannot inject typst code. Format numbers (`1.234,5`) and dates (`dd/mm/yyyy`) in
//!   Rust (`ntm_domain::text`) before putting them in the JSON.
//!
//! Adding a template: put `crates/ntm-pdf/templates/<name>.typ` next to `heading.typ`, add a
//! `pub const` for it in [`templates`] (and to [`templates::LIBRARY`] if other templates should
//! `#import` it), then call `ntm_pdf::render(ntm_pdf::templates::<NAME>, &json)`.

use std::sync::OnceLock;

use typst::foundations::{Bytes, Dict, IntoValue};
use typst::text::Font;
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

/// Templates embedded in the binary.
pub mod templates {
    /// Page set-up, official-document heading (national motto) and `data`; import it with
    /// `#import "heading.typ": official-page, official-heading, official-title, data`.
    pub const HEADING: &str = include_str!("../templates/heading.typ");
    /// The recognition dossier for the appraisal council (issue 5 §4).
    pub const DOSSIER: &str = include_str!("../templates/dossier.typ");
    /// The periodic progress report, 6-month or annual (issue 6 §4).
    pub const PERIODIC_REPORT: &str = include_str!("../templates/periodic_report.typ");
    /// A sheet of lot labels with their QR codes (issue 15, part 5).
    pub const TRACE_LABELS: &str = include_str!("../templates/trace_labels.typ");
    /// A rural tour's printable leaflet: stops, short narration, QR codes (issue 16 item 3).
    pub const TOURISM_LEAFLET: &str = include_str!("../templates/tourism_leaflet.typ");

    /// Files any template can `#import` by name.
    pub const LIBRARY: &[(&str, &str)] = &[("heading.typ", HEADING)];
}

const FONT_FILES: [&[u8]; 4] = [
    include_bytes!("../fonts/LiberationSerif-Regular.ttf"),
    include_bytes!("../fonts/LiberationSerif-Bold.ttf"),
    include_bytes!("../fonts/LiberationSerif-Italic.ttf"),
    include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf"),
];

/// Why a PDF could not be made. These are programming or template errors, not user errors.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded fonts could not be read")]
    Fonts,
    #[error("typst template error: {0}")]
    Template(String),
    #[error("PDF export error: {0}")]
    Export(String),
    #[error("data could not be serialised: {0}")]
    Data(#[from] serde_json::Error),
}

fn fonts() -> Result<&'static [Font], PdfError> {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        FONT_FILES
            .iter()
            .flat_map(|bytes| Font::iter(Bytes::new(*bytes)))
            .collect()
    });
    if fonts.len() == FONT_FILES.len() {
        Ok(fonts)
    } else {
        Err(PdfError::Fonts)
    }
}

fn diagnostics<T: std::fmt::Debug>(errors: &[T]) -> String {
    errors
        .iter()
        .map(|e| format!("{e:?}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Typesets `template` (typst source; it may `#import` the files of [`templates::LIBRARY`]) with
/// `data` available as `sys.inputs.data` (a JSON string) and returns the PDF bytes.
pub fn render(template: &str, data: &serde_json::Value) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts()?;
    let mut sources: Vec<(&str, &str)> = vec![("main.typ", template)];
    sources.extend_from_slice(templates::LIBRARY);
    let engine = TypstEngine::builder()
        .fonts(fonts.iter().cloned())
        .with_static_source_file_resolver(sources)
        .build();
    let mut inputs = Dict::new();
    inputs.insert("data".into(), serde_json::to_string(data)?.into_value());
    let document: PagedDocument = engine
        .compile_with_input("main.typ", inputs)
        .output
        .map_err(|e| match e {
            typst_as_lib::TypstAsLibError::TypstSource(d) => PdfError::Template(diagnostics(
                &d.iter().map(|x| &x.message).collect::<Vec<_>>(),
            )),
            other => PdfError::Template(other.to_string()),
        })?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|d| {
        PdfError::Export(diagnostics(
            &d.iter().map(|x| &x.message).collect::<Vec<_>>(),
        ))
    })
}

#[cfg(test)]
mod tests;

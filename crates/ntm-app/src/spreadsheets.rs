//! Uploaded spreadsheets are parsed here, on a **bounded blocking pool**: at most
//! [`PARSE_WORKERS`] files are parsed at once, each on a `spawn_blocking` thread, so uploads
//! never occupy the async request threads and cannot pile up parsers. The size limits
//! themselves live in the one reader, [`ntm_reports::sheets`] (declared sizes checked before
//! any cell is read); every upload path of the web and the API goes through this module.

use ntm_reports::ReportError;
use ntm_reports::survey_xlsx::PaperRow;
use ntm_reports::wide::WideData;
use tokio::sync::Semaphore;

use crate::error::AppError;

/// Spreadsheets parsed at the same time by one process.
pub const PARSE_WORKERS: usize = 2;

static PARSERS: Semaphore = Semaphore::const_new(PARSE_WORKERS);

/// Runs `f` on the blocking pool once one of the [`PARSE_WORKERS`] places is free.
pub async fn on_pool<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _place = PARSERS
        .acquire()
        .await
        .map_err(|e| AppError::Internal(format!("the spreadsheet pool is closed: {e}")))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("the spreadsheet reader stopped: {e}")))
}

/// [`ntm_reports::read_table`] on the pool (the first sheet, or a CSV file).
pub async fn read_table(
    bytes: Vec<u8>,
    file_name: String,
) -> Result<Result<Vec<Vec<String>>, ReportError>, AppError> {
    on_pool(move || ntm_reports::read_table(&bytes, &file_name)).await
}

/// [`ntm_reports::wide::read_wide`] on the pool (every template sheet of a workbook).
pub async fn read_wide(
    bytes: Vec<u8>,
    file_name: String,
) -> Result<Result<Vec<WideData>, ReportError>, AppError> {
    on_pool(move || ntm_reports::wide::read_wide(&bytes, &file_name)).await
}

/// [`ntm_reports::survey_xlsx::read_paper`] on the pool (filled survey paper forms).
pub async fn read_paper(
    bytes: Vec<u8>,
    file_name: String,
) -> Result<Result<Vec<PaperRow>, ReportError>, AppError> {
    on_pool(move || ntm_reports::survey_xlsx::read_paper(&bytes, &file_name)).await
}

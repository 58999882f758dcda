//! What a page's form post comes to, for the use cases that serve one page: done, or the
//! page again with everything it shows (one call from the handler either way).

use crate::AppError;

/// The outcome of a page's form: `Done` with what the redirect needs, or `Again` with the
/// page's data and the refusal to show next to the form (`None` when the form was refused
/// before it reached the use case, e.g. a date that does not parse: the page says why).
#[derive(Debug)]
pub enum Submitted<D, P> {
    Done(D),
    Again { refusal: Option<AppError>, page: P },
}

/// Refusals a page shows next to its form (the rest become error pages, and the page is not
/// built for them).
pub(crate) fn shown_with_form(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Validation(_) | AppError::Conflict(_) | AppError::NotFound(_)
    )
}

/// The page again after `result` refused with a refusal the page shows, else the error.
pub(crate) async fn again<D, P, F>(
    result: Result<D, AppError>,
    page: F,
) -> Result<Submitted<D, P>, AppError>
where
    F: std::future::Future<Output = Result<P, AppError>>,
{
    match result {
        Ok(d) => Ok(Submitted::Done(d)),
        Err(e) if shown_with_form(&e) => Ok(Submitted::Again {
            refusal: Some(e),
            page: page.await?,
        }),
        Err(e) => Err(e),
    }
}

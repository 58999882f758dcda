//! One-time tokens per hamlet (shown once, only hashes stored).

use std::collections::{BTreeMap, BTreeSet};

use ntm_domain::dossier::campaign::{CampaignStatus, StatusError};
use ntm_domain::dossier::survey;
use rand::RngCore;

use super::{
    IssuedToken, MAX_TOKENS_PER_AREA, MAX_TOKENS_PER_REQUEST, areas, managed, parse_status,
    status_error, token_hash,
};
use crate::authz::Actor;
use crate::{App, AppError, FieldError, now};

/// Issues `n` one-time tokens for each `(hamlet code, n)`; the tokens are returned once
/// (for printing) and only their hashes are kept.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn issue_tokens(
    app: &App,
    actor: &Actor,
    code: &str,
    per_area: &[(String, u32)],
) -> Result<Vec<IssuedToken>, AppError> {
    let (r, _) = managed(app, actor, code).await?;
    if parse_status(&r.status)? == CampaignStatus::Closed {
        return Err(status_error(StatusError::AlreadyClosed));
    }
    let areas: BTreeMap<String, String> = areas(app, &r.unit_code)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let mut errors = Vec::new();
    let mut total = 0u32;
    for (area, n) in per_area {
        if !areas.contains_key(area) {
            errors.push(FieldError::new(
                format!("count.{area}"),
                format!("{area} không thuộc đơn vị"),
            ));
        }
        if *n > MAX_TOKENS_PER_AREA {
            errors.push(FieldError::new(
                format!("count.{area}"),
                format!("tối đa {MAX_TOKENS_PER_AREA} mã mỗi ấp"),
            ));
        }
        total = total.saturating_add(*n);
    }
    if total == 0 {
        errors.push(FieldError::new("count", "cần ít nhất một mã"));
    }
    if total > MAX_TOKENS_PER_REQUEST {
        errors.push(FieldError::new(
            "count",
            format!("tối đa {MAX_TOKENS_PER_REQUEST} mã mỗi lần"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(total as usize);
    let mut rows = Vec::with_capacity(total as usize);
    for (area, n) in per_area {
        let mut made = 0;
        while made < *n {
            let mut bytes = [0u8; 6];
            rand::rng().fill_bytes(&mut bytes);
            let token = survey::make_token(bytes);
            if !seen.insert(token.clone()) {
                continue;
            }
            rows.push((token_hash(r.id, &token), area.clone()));
            out.push(IssuedToken {
                token,
                area_code: area.clone(),
                area_name: areas.get(area).cloned().unwrap_or_default(),
            });
            made += 1;
        }
    }
    let counts: BTreeMap<&str, u32> = per_area.iter().map(|(a, n)| (a.as_str(), *n)).collect();
    let entry = actor.audit_entry(
        "survey.tokens",
        &format!("survey:{}", r.code),
        serde_json::json!({ "issued": total, "per_hamlet": counts }),
    );
    app.db
        .insert_survey_tokens(r.id, &rows, now(), entry)
        .await?;
    Ok(out)
}

//! Commune groups by workbook: a template pre-filled with the province's communes (code,
//! name, current group and basis), an upload previewed without writing anything (every
//! change and every bad cell with its reference: a group outside 1–3, an unknown code, a
//! missing basis, moved columns, merged cells), then applied all or nothing.

use std::collections::HashMap;

use ntm_domain::units::Unit;
use ntm_reports::grid::{Grid, cell_ref, read_grid};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{AssignInput, BasisInput, Checked, Field, check_input, may_assign, number_of_group};
use crate::authz::Actor;
use crate::{App, AppError, staging};

/// Columns of the template, in order (the header row must keep them).
pub const COLUMNS: [&str; 8] = [
    "Mã xã",
    "Tên xã",
    "Nhóm (1, 2, 3)",
    "Số văn bản",
    "Ngày văn bản (dd/mm/yyyy)",
    "Cơ quan ban hành",
    "Điều khoản",
    "Ghi chú",
];

const KIND: &str = "groups";
const TTL: time::Duration = time::Duration::hours(2);
const MAX_BYTES: usize = 5 * 1024 * 1024;

fn column_of(f: Field) -> usize {
    match f {
        Field::Code => 0,
        Field::Group => 2,
        Field::Doc => 3,
        Field::Date => 4,
        Field::Issuer => 5,
        Field::Article => 6,
        Field::Note => 7,
    }
}

/// The template of a province (who may assign groups only).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn template(
    app: &App,
    actor: &Actor,
    province_code: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let groups = super::list(app, actor, province_code).await?;
    may_assign(app, actor, province_code).await?;
    let rows: Vec<Vec<String>> = groups
        .communes
        .iter()
        .map(|c| {
            let a = c.current.as_ref();
            vec![
                c.code.clone(),
                c.name.clone(),
                a.map(|a| a.group.to_string()).unwrap_or_default(),
                a.map(|a| a.basis_doc.clone()).unwrap_or_default(),
                a.map(|a| a.basis_date_vi()).unwrap_or_default(),
                a.map(|a| a.basis_issuer.clone()).unwrap_or_default(),
                a.map(|a| a.basis_article.clone()).unwrap_or_default(),
                a.map(|a| a.note.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    let bytes = ntm_reports::write_table("Nhom xa", &COLUMNS, &rows)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        format!("nhom-xa-{}-{}.xlsx", groups.province.code, super::PERIOD),
        bytes,
    ))
}

/// A cell that cannot be used, with its reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadCell {
    /// `C7`, or a range `A5:B5` for merged cells.
    pub cell: String,
    pub message: String,
}

/// A commune whose group or basis changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub row: usize,
    pub code: String,
    pub name: String,
    pub from: Option<i32>,
    pub to: i32,
    pub basis: String,
}

/// What applying an upload would do; nothing is written by a preview.
#[derive(Debug, Clone, Serialize)]
pub struct GroupsPreview {
    pub upload_id: String,
    pub file_name: String,
    pub province_code: String,
    pub changes: Vec<Change>,
    pub unchanged: usize,
    pub bad: Vec<BadCell>,
}

impl GroupsPreview {
    pub fn can_apply(&self) -> bool {
        self.bad.is_empty() && !self.changes.is_empty()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Record {
    province_code: String,
    file_name: String,
    /// (commune code, seq of its current assignment at the preview) of every change.
    seen: Vec<(String, Option<i64>)>,
}

struct Analysis {
    checked: Vec<(Checked, Option<i64>)>,
    changes: Vec<Change>,
    unchanged: usize,
    bad: Vec<BadCell>,
}

fn norm(s: &str) -> String {
    ntm_domain::text::search_key(s)
}

fn analyse(
    grid: &Grid,
    communes: &[Unit],
    current: &HashMap<String, super::Assignment>,
) -> Analysis {
    let mut a = Analysis {
        checked: Vec::new(),
        changes: Vec::new(),
        unchanged: 0,
        bad: Vec::new(),
    };
    for m in &grid.merged {
        a.bad.push(BadCell {
            cell: m.clone(),
            message: "ô gộp: tách các ô ra rồi tải lên lại (merged cells are not read)".into(),
        });
    }
    let mut header_ok = true;
    for (c, want) in COLUMNS.iter().enumerate() {
        let got = grid.cell(0, c);
        if norm(got) != norm(want) {
            header_ok = false;
            a.bad.push(BadCell {
                cell: cell_ref(0, c),
                message: format!(
                    "cột này phải là \"{want}\", thấy \"{got}\": các cột bị di chuyển hoặc \
                     đổi tên, hãy dùng mẫu tải về (columns moved: use the template)"
                ),
            });
        }
    }
    if !header_ok {
        return a;
    }
    let by_code: HashMap<&str, &Unit> = communes.iter().map(|u| (u.code.as_str(), u)).collect();
    let mut seen_codes: HashMap<String, usize> = HashMap::new();
    for r in 1..grid.rows.len() {
        let cell = |c: usize| grid.cell(r, c).trim().to_string();
        if (0..COLUMNS.len()).all(|c| cell(c).is_empty()) {
            continue;
        }
        let code = cell(0);
        if code.is_empty() {
            a.bad.push(BadCell {
                cell: cell_ref(r, 0),
                message: "thiếu mã xã (the commune code is missing)".into(),
            });
            continue;
        }
        let Some(unit) = by_code.get(code.as_str()) else {
            a.bad.push(BadCell {
                cell: cell_ref(r, 0),
                message: format!(
                    "mã xã \"{code}\" không có trong danh sách xã của tỉnh hiện nay \
                     (unknown commune code)"
                ),
            });
            continue;
        };
        if let Some(first) = seen_codes.insert(code.clone(), r) {
            a.bad.push(BadCell {
                cell: cell_ref(r, 0),
                message: format!(
                    "mã xã {code} đã có ở dòng {} (the commune appears twice)",
                    first + 1
                ),
            });
            continue;
        }
        let input = AssignInput {
            commune_code: code.clone(),
            group: cell(2),
            basis: BasisInput {
                doc: cell(3),
                date: cell(4),
                issuer: cell(5),
                article: cell(6),
            },
            note: cell(7),
        };
        if (2..COLUMNS.len()).all(|c| cell(c).is_empty()) {
            // No group written: nothing to change for this commune.
            a.unchanged += 1;
            continue;
        }
        match check_input(&input) {
            Err(errs) => {
                for (f, m) in errs {
                    a.bad.push(BadCell {
                        cell: cell_ref(r, column_of(f)),
                        message: m,
                    });
                }
            }
            Ok(c) => {
                let cur = current.get(&code);
                let same = cur.is_some_and(|x| {
                    x.group == number_of_group(c.group)
                        && x.basis_doc == c.basis_doc
                        && x.basis_date == c.basis_date.to_string()
                        && x.basis_issuer == c.basis_issuer
                        && x.basis_article == c.basis_article
                        && x.note == c.note
                });
                if same {
                    a.unchanged += 1;
                    continue;
                }
                a.changes.push(Change {
                    row: r + 1,
                    code: code.clone(),
                    name: unit.name.clone(),
                    from: cur.map(|x| x.group),
                    to: number_of_group(c.group),
                    basis: format!(
                        "{}, {}, {}, {}",
                        c.basis_doc,
                        ntm_domain::text::format_date_vi(c.basis_date),
                        c.basis_issuer,
                        c.basis_article
                    ),
                });
                a.checked.push((c, cur.map(|x| x.seq)));
            }
        }
    }
    a
}

async fn analyse_upload(
    app: &App,
    actor: &Actor,
    province_code: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<(Unit, Analysis), AppError> {
    let (province, communes) = may_assign(app, actor, province_code).await?;
    if bytes.len() > MAX_BYTES {
        return Err(AppError::invalid(
            "file",
            "tệp lớn quá 5 MB (the file is over 5 MB)",
        ));
    }
    let grid = read_grid(bytes, file_name).map_err(|e| {
        AppError::invalid(
            "file",
            format!("không đọc được tệp: {e} (upload the XLSX template)"),
        )
    })?;
    let groups = super::list(app, actor, &province.code).await?;
    let current: HashMap<String, super::Assignment> = groups
        .communes
        .into_iter()
        .filter_map(|c| c.current.map(|a| (c.code, a)))
        .collect();
    Ok((province, analyse(&grid, &communes, &current)))
}

/// Reads an upload and shows what applying it would change; writes nothing but the staged
/// file (kept for the uploader for two hours).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn preview(
    app: &App,
    actor: &Actor,
    province_code: &str,
    file_name: &str,
    bytes: Vec<u8>,
    now: OffsetDateTime,
) -> Result<GroupsPreview, AppError> {
    let Actor::User { id: user_id, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()));
    };
    let (province, a) = analyse_upload(app, actor, province_code, file_name, &bytes).await?;
    let id = Uuid::now_v7();
    let record = Record {
        province_code: province.code.clone(),
        file_name: file_name.to_string(),
        seen: a
            .checked
            .iter()
            .map(|(c, seq)| (c.commune_code.clone(), *seq))
            .collect(),
    };
    staging::put(app, KIND, id, *user_id, now + TTL, &record, bytes).await?;
    Ok(GroupsPreview {
        upload_id: id.to_string(),
        file_name: file_name.to_string(),
        province_code: province.code,
        changes: a.changes,
        unchanged: a.unchanged,
        bad: a.bad,
    })
}

/// Applies a previewed upload, all or nothing: refused when it has bad cells, when it
/// expired or was applied, or when a commune it changes was reassigned since the preview.
/// Returns how many communes changed.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn apply(
    app: &App,
    actor: &Actor,
    province_code: &str,
    upload_id: &str,
    now: OffsetDateTime,
) -> Result<usize, AppError> {
    let Actor::User { id: user_id, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()));
    };
    // Permission first, then the upload.
    let (province, _) = may_assign(app, actor, province_code).await?;
    let Some(st) = staging::get::<Record>(app, KIND, upload_id, *user_id, now).await? else {
        return Err(AppError::NotFound(format!("upload {upload_id}")));
    };
    if st.record.province_code != province.code {
        return Err(AppError::invalid(
            "upload",
            "tệp này được tải lên cho tỉnh khác (uploaded for another province)",
        ));
    }
    if st.applied {
        return Err(AppError::Conflict(
            "tệp này đã được áp dụng (already applied)".into(),
        ));
    }
    if st.expired {
        return Err(AppError::invalid(
            "upload",
            "bản xem trước đã hết hạn: tải tệp lên lại (the preview expired)",
        ));
    }
    let (province, a) =
        analyse_upload(app, actor, province_code, &st.record.file_name, &st.bytes).await?;
    if !a.bad.is_empty() {
        return Err(AppError::Validation(
            a.bad
                .into_iter()
                .map(|b| crate::FieldError::new(b.cell, b.message))
                .collect(),
        ));
    }
    let now_seen: Vec<(String, Option<i64>)> = a
        .checked
        .iter()
        .map(|(c, seq)| (c.commune_code.clone(), *seq))
        .collect();
    if now_seen != st.record.seen {
        return Err(AppError::Conflict(
            "nhóm của một số xã đã thay đổi từ lúc xem trước: tải tệp lên lại để xem trước \
             (changed since the preview)"
                .into(),
        ));
    }
    if a.checked.is_empty() {
        return Ok(0);
    }
    let rows: Vec<Checked> = a.checked.into_iter().map(|(c, _)| c).collect();
    let n = super::write(app, actor, &province, &rows, "xlsx")
        .await?
        .len();
    staging::mark_applied(app, KIND, upload_id).await?;
    Ok(n)
}

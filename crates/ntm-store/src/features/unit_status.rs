//! Verified NTM results as features: every (unit record, criteria set, year) with at least
//! one **verified** value, keyset-paged on that triple (the order of the partial index
//! `observations_verified`, migration 0031), with the simplified boundary periods and label
//! points the app draws them with. Drafts, submitted and returned values are never read here.

use sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use time::Date;
use uuid::Uuid;

use super::bbox_meets;
use crate::db::{Db, Result};

/// The key of a unit-status feature, in paging order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnitStatusKey {
    pub unit_id: Uuid,
    pub set_id: String,
    pub year: i32,
}

/// A (unit record, set, year) with verified values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitStatusRow {
    pub key: UnitStatusKey,
    /// Some verified value carries the sample note.
    pub sample: bool,
}

/// Which unit-status features a page holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitStatusWindow {
    /// Candidates: records with a boundary period whose box meets it, or with none at all
    /// (drawn at a parent's point; the app checks the point).
    pub bbox: Option<[f64; 4]>,
    /// The feature's time is its year within the record's validity: first and last day.
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub after: Option<UnitStatusKey>,
    pub limit: u64,
}

/// A boundary period's map copy and where its label goes.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PeriodShape {
    pub unit_id: Uuid,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    /// The simplified map copy (GeoJSON geometry text).
    pub geometry: String,
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
    pub label_lon: f64,
    pub label_lat: f64,
}

const VERIFIED: &str = "o.status = 'verified'";

fn keys(sample_note: &str) -> SelectStatement {
    let mut q = Query::select();
    q.columns([("o", "unit_id"), ("o", "set_id"), ("o", "year")])
        // Bound by sea-query: the custom `$1` form was not bound on SQLite (always 0).
        .expr(super::plan_progress::sample_flag(sample_note))
        .from_as("observations", "o")
        // A literal, so both engines match the partial index's predicate.
        .and_where(Expr::cust(VERIFIED))
        .group_by_columns([("o", "unit_id"), ("o", "set_id"), ("o", "year")])
        .order_by(("o", "unit_id"), Order::Asc)
        .order_by(("o", "set_id"), Order::Asc)
        .order_by(("o", "year"), Order::Asc);
    q
}

fn rows(raw: Vec<(Uuid, String, i32, i32)>) -> Vec<UnitStatusRow> {
    raw.into_iter()
        .map(|(unit_id, set_id, year, sample)| UnitStatusRow {
            key: UnitStatusKey {
                unit_id,
                set_id,
                year,
            },
            sample: sample > 0,
        })
        .collect()
}

impl Db {
    /// A page of (unit record, set, year) with verified values, after `w.after` in key order.
    pub async fn unit_status_features(
        &self,
        w: &UnitStatusWindow,
        sample_note: &str,
    ) -> Result<Vec<UnitStatusRow>> {
        let mut q = keys(sample_note);
        if let Some(k) = &w.after {
            q.and_where(
                Expr::tuple([
                    Expr::col(("o", "unit_id")),
                    Expr::col(("o", "set_id")),
                    Expr::col(("o", "year")),
                ])
                .gt(Expr::tuple([
                    Expr::val(k.unit_id),
                    Expr::val(k.set_id.as_str()),
                    Expr::val(k.year),
                ])),
            );
        }
        if w.from.is_some() || w.to.is_some() {
            let mut units = Query::select();
            units
                .column(("u", "id"))
                .from_as("units", "u")
                .and_where_option(w.to.map(|d| {
                    Expr::col(("u", "valid_from"))
                        .is_null()
                        .or(Expr::col(("u", "valid_from")).lte(d))
                }))
                .and_where_option(w.from.map(|d| {
                    Expr::col(("u", "valid_to"))
                        .is_null()
                        .or(Expr::col(("u", "valid_to")).gt(d))
                }));
            q.and_where_option(w.from.map(|d| Expr::col(("o", "year")).gte(d.year())))
                .and_where_option(w.to.map(|d| Expr::col(("o", "year")).lte(d.year())))
                .and_where(Expr::col(("o", "unit_id")).in_subquery(units));
        }
        if let Some(b) = w.bbox {
            let mut meets = Query::select();
            meets
                .column(("b", "unit_id"))
                .from_as("unit_boundary_periods", "b")
                .and_where(bbox_meets("b", b));
            let mut any = Query::select();
            any.column(("b", "unit_id"))
                .from_as("unit_boundary_periods", "b");
            q.and_where(
                Expr::col(("o", "unit_id"))
                    .in_subquery(meets)
                    .or(Expr::col(("o", "unit_id")).not_in_subquery(any)),
            );
        }
        q.limit(w.limit);
        let raw: Vec<(Uuid, String, i32, i32)> = self.fetch_all(&q).await?;
        Ok(rows(raw))
    }

    /// One (unit record, set, year) if it has verified values.
    pub async fn unit_status_feature(
        &self,
        key: &UnitStatusKey,
        sample_note: &str,
    ) -> Result<Option<UnitStatusRow>> {
        let mut q = keys(sample_note);
        q.and_where(Expr::col(("o", "unit_id")).eq(key.unit_id))
            .and_where(Expr::col(("o", "set_id")).eq(key.set_id.as_str()))
            .and_where(Expr::col(("o", "year")).eq(key.year));
        let raw: Vec<(Uuid, String, i32, i32)> = self.fetch_all(&q).await?;
        Ok(rows(raw).pop())
    }

    /// Every boundary period of these unit records (map copies), by record and start.
    pub async fn period_shapes_of_units(&self, ids: &[Uuid]) -> Result<Vec<PeriodShape>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let mut q = Query::select();
            q.columns([
                ("b", "unit_id"),
                ("b", "valid_from"),
                ("b", "valid_to"),
                ("b", "min_lon"),
                ("b", "min_lat"),
                ("b", "max_lon"),
                ("b", "max_lat"),
                ("b", "label_lon"),
                ("b", "label_lat"),
            ])
            .expr_as(Expr::col(("b", "simplified")), "geometry")
            .from_as("unit_boundary_periods", "b")
            .and_where(Expr::col(("b", "unit_id")).is_in(chunk.iter().copied()))
            .order_by(("b", "unit_id"), Order::Asc)
            .order_by(("b", "valid_from"), Order::Asc);
            let rows: Vec<PeriodShape> = self.fetch_all(&q).await?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// The label points of the units with these codes valid on `date`, from their boundary
    /// period of that day: `(code, lon, lat)`.
    pub async fn label_points_on(
        &self,
        codes: &[String],
        date: Date,
    ) -> Result<Vec<(String, f64, f64)>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Query::select();
        q.columns([("u", "code")])
            .columns([("b", "label_lon"), ("b", "label_lat")])
            .from_as("units", "u")
            .join_as(
                JoinType::InnerJoin,
                "unit_boundary_periods",
                "b",
                Expr::col(("b", "unit_id")).equals(("u", "id")),
            )
            .and_where(Expr::col(("u", "code")).is_in(codes.iter().map(String::as_str)))
            .and_where(
                Expr::col(("u", "valid_from"))
                    .is_null()
                    .or(Expr::col(("u", "valid_from")).lte(date)),
            )
            .and_where(
                Expr::col(("u", "valid_to"))
                    .is_null()
                    .or(Expr::col(("u", "valid_to")).gt(date)),
            )
            .and_where(Expr::col(("b", "valid_from")).lte(date))
            .and_where(
                Expr::col(("b", "valid_to"))
                    .is_null()
                    .or(Expr::col(("b", "valid_to")).gt(date)),
            );
        self.fetch_all(&q).await
    }

    /// When a value was last verified: the "NTM results" dataset's change date.
    pub async fn verified_values_modified(&self) -> Result<Option<time::OffsetDateTime>> {
        let row: Option<(time::OffsetDateTime,)> = self
            .fetch_optional(crate::db::sql!(
                "SELECT created_at FROM observations WHERE status = 'verified' \
                 ORDER BY created_at DESC LIMIT 1"
            ))
            .await?;
        Ok(row.map(|r| crate::db::db_time(r.0)))
    }
}

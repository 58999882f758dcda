//! Rated OCOP products as features, located at their producer's unit: the unit's stored
//! outline (the open record's, else the latest) gives the point, computed by the app.

use sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use time::Date;
use uuid::Uuid;

use super::{FeatureWindow, bbox_meets};
use crate::db::{Db, Result};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OcopFeatureRow {
    pub id: Uuid,
    pub name: String,
    pub product_group: Option<i32>,
    pub stars: Option<i32>,
    pub province_code: String,
    pub producer_name: String,
    pub producer_sample: bool,
    pub unit_code: String,
    pub year: Option<i32>,
    pub issued_on: Option<Date>,
    pub valid_until: Option<Date>,
    pub superseded_on: Option<Date>,
    pub imported: Option<bool>,
    pub source_url: Option<String>,
}

/// A unit record's stored outline (GeoJSON geometry text).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct BoundaryOutline {
    pub unit_code: String,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub geojson: String,
}

fn base() -> SelectStatement {
    let mut q = Query::select();
    q.expr_as(Expr::col(("p", "id")), Alias::new("id"))
        .expr_as(Expr::col(("p", "name")), Alias::new("name"))
        .expr_as(
            Expr::col(("p", "product_group")),
            Alias::new("product_group"),
        )
        .expr_as(Expr::col(("p", "stars")), Alias::new("stars"))
        .expr_as(
            Expr::col(("p", "province_code")),
            Alias::new("province_code"),
        )
        .expr_as(Expr::col(("r", "name")), Alias::new("producer_name"))
        .expr_as(Expr::col(("r", "sample")), Alias::new("producer_sample"))
        .expr_as(Expr::col(("r", "unit_code")), Alias::new("unit_code"))
        .expr_as(Expr::col(("d", "year")), Alias::new("year"))
        .expr_as(Expr::col(("d", "issued_on")), Alias::new("issued_on"))
        .expr_as(Expr::col(("d", "valid_until")), Alias::new("valid_until"))
        .expr_as(
            Expr::col(("d", "superseded_on")),
            Alias::new("superseded_on"),
        )
        .expr_as(Expr::col(("d", "imported")), Alias::new("imported"))
        .expr_as(Expr::col(("d", "source_url")), Alias::new("source_url"))
        .from_as("ocop_products", "p")
        .join_as(
            JoinType::InnerJoin,
            "ocop_producers",
            "r",
            Expr::col(("r", "id")).equals(("p", "producer_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "ocop_decisions",
            "d",
            Expr::col(("d", "product_id"))
                .equals(("p", "id"))
                .and(Expr::col(("d", "superseded_by")).is_null()),
        )
        .and_where(Expr::col(("p", "stars")).is_not_null());
    q
}

impl Db {
    /// A page of rated products by id. With a box, only products with an outline of their
    /// unit whose box meets it (the app then keeps those whose point lies in it). The date
    /// is the current decision's issue date, or its year when only the year is known.
    pub async fn ocop_features(&self, w: &FeatureWindow) -> Result<Vec<OcopFeatureRow>> {
        let mut q = base();
        q.and_where_option(w.bbox.map(|b| {
            let mut sub = Query::select();
            sub.expr(Expr::val(1))
                .from_as("unit_boundary_periods", "b")
                .and_where(Expr::col(("b", "unit_code")).equals(("r", "unit_code")))
                .and_where(bbox_meets("b", b));
            Expr::exists(sub)
        }))
        .and_where_option(w.from.map(|d| {
            Expr::col(("d", "issued_on"))
                .gte(d)
                .or(Expr::col(("d", "issued_on"))
                    .is_null()
                    .and(Expr::col(("d", "year")).gte(d.year())))
        }))
        .and_where_option(w.to.map(|d| {
            Expr::col(("d", "issued_on"))
                .lte(d)
                .or(Expr::col(("d", "issued_on"))
                    .is_null()
                    .and(Expr::col(("d", "year")).lte(d.year())))
        }))
        .and_where_option(w.after.map(|id| Expr::col(("p", "id")).gt(id)))
        .order_by(("p", "id"), Order::Asc)
        .limit(w.limit);
        self.fetch_all(&q).await
    }

    /// One rated product as a feature.
    pub async fn ocop_feature(&self, id: Uuid) -> Result<Option<OcopFeatureRow>> {
        let mut q = base();
        q.and_where(Expr::col(("p", "id")).eq(id));
        self.fetch_optional(&q).await
    }

    /// Every stored outline of these unit codes (all records).
    pub async fn outlines_of_codes(&self, codes: &[String]) -> Result<Vec<BoundaryOutline>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Query::select();
        q.columns([
            ("b", "unit_code"),
            ("b", "valid_from"),
            ("b", "valid_to"),
            ("b", "geojson"),
        ])
        .from_as("unit_boundary_periods", "b")
        .and_where(Expr::col(("b", "unit_code")).is_in(codes.iter().map(String::as_str)));
        self.fetch_all(&q).await
    }
}

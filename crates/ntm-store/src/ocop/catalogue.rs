//! The public catalogue: rated products with their producer and current decision,
//! filtered by province, unit subtree, stars and group, keyset-paged on (name key, id).

use sea_query::{Alias, Expr, ExprTrait, JoinType, LikeExpr, Order, Query};
use time::Date;
use uuid::Uuid;

use crate::db::{Db, Result, like_escape};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogueFilter {
    pub province_code: Option<String>,
    /// Unit subtree (a commune's path), `LIKE 'prefix%'`.
    pub path_prefix: Option<String>,
    pub stars: Option<i32>,
    pub group: Option<i32>,
    /// Only products with a current rating.
    pub rated_only: bool,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CatalogueRow {
    pub id: Uuid,
    pub name: String,
    pub search_key: String,
    pub product_group: Option<i32>,
    pub stars: Option<i32>,
    pub province_code: String,
    pub unit_path: String,
    pub producer_id: Uuid,
    pub producer_name: String,
    pub year: Option<i32>,
    pub valid_until: Option<Date>,
    pub imported: Option<bool>,
}

impl Db {
    /// At most `limit` products after `after` (the last row's `(search_key, id)`).
    pub async fn ocop_catalogue(
        &self,
        f: &CatalogueFilter,
        after: Option<(&str, Uuid)>,
        limit: u64,
    ) -> Result<Vec<CatalogueRow>> {
        let mut q = Query::select();
        q.expr_as(Expr::col(("p", "id")), Alias::new("id"))
            .expr_as(Expr::col(("p", "name")), Alias::new("name"))
            .expr_as(Expr::col(("p", "search_key")), Alias::new("search_key"))
            .expr_as(
                Expr::col(("p", "product_group")),
                Alias::new("product_group"),
            )
            .expr_as(Expr::col(("p", "stars")), Alias::new("stars"))
            .expr_as(
                Expr::col(("p", "province_code")),
                Alias::new("province_code"),
            )
            .expr_as(Expr::col(("p", "unit_path")), Alias::new("unit_path"))
            .expr_as(Expr::col(("p", "producer_id")), Alias::new("producer_id"))
            .expr_as(Expr::col(("r", "name")), Alias::new("producer_name"))
            .expr_as(Expr::col(("d", "year")), Alias::new("year"))
            .expr_as(Expr::col(("d", "valid_until")), Alias::new("valid_until"))
            .expr_as(Expr::col(("d", "imported")), Alias::new("imported"))
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
            .and_where_option(
                f.province_code
                    .as_ref()
                    .map(|c| Expr::col(("p", "province_code")).eq(c.as_str())),
            )
            .and_where_option(f.path_prefix.as_ref().map(|p| {
                Expr::col(("p", "unit_path"))
                    .like(LikeExpr::new(format!("{}%", like_escape(p))).escape('\\'))
            }))
            .and_where_option(f.stars.map(|s| Expr::col(("p", "stars")).eq(s)))
            .and_where_option(f.group.map(|g| Expr::col(("p", "product_group")).eq(g)))
            .and_where_option(
                f.rated_only
                    .then(|| Expr::col(("p", "stars")).is_not_null()),
            )
            .and_where_option(after.map(|(key, id)| {
                Expr::col(("p", "search_key"))
                    .gt(key)
                    .or(Expr::col(("p", "search_key"))
                        .eq(key)
                        .and(Expr::col(("p", "id")).gt(id)))
            }))
            .order_by(("p", "search_key"), Order::Asc)
            .order_by(("p", "id"), Order::Asc)
            .limit(limit);
        self.fetch_all(&q).await
    }
}

impl Db {
    /// Province codes that have catalogue products (filter choices).
    pub async fn ocop_catalogue_provinces(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = self
            .fetch_all(crate::db::sql!(
                "SELECT DISTINCT province_code FROM ocop_products WHERE stars IS NOT NULL \
                 ORDER BY province_code"
            ))
            .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

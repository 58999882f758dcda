//! Open data (`docs/open-data.md`): the DCAT-AP catalogue as JSON-LD
//! (`/open-data/catalog.jsonld`), its page for people (`/open-data`, Vietnamese first,
//! English with `?lang=en`, no script), and the datasets' files (CSV with a Frictionless
//! Table Schema, XLSX, GeoJSON). Public: no login.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use ntm_app::open_data::{self, Dataset, Format, LICENCE_NAME, LICENCE_URL};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::view::render;

pub struct FileLink {
    pub label: &'static str,
    pub href: String,
}

pub struct DatasetRow {
    pub id: &'static str,
    pub title: String,
    pub description: String,
    pub modified: String,
    pub files: Vec<FileLink>,
    pub ogc: String,
}

#[derive(Template)]
#[template(path = "open_data.html")]
pub struct OpenDataPage {
    pub ctx: Ctx,
    pub rows: Vec<DatasetRow>,
    pub licence_name: &'static str,
    pub licence_url: &'static str,
}

fn label(f: Format) -> &'static str {
    match f {
        Format::Csv => "CSV",
        Format::Xlsx => "XLSX",
        Format::GeoJson => "GeoJSON",
        Format::TableSchema => "Table Schema (JSON)",
    }
}

fn words(lang: Lang, w: ntm_app::ogc::Words) -> String {
    lang.pick(w.vi, Some(w.en)).to_string()
}

/// `GET /open-data`: the catalogue for people.
pub async fn page(State(st): State<AppState>, ctx: Ctx) -> Result<Response, WebError> {
    let datasets = open_data::catalog(&st.app, &ctx.actor()).await?;
    let rows = datasets
        .iter()
        .map(|d| DatasetRow {
            id: d.info.id,
            title: words(ctx.lang, d.info.title),
            description: words(ctx.lang, d.info.description),
            modified: d
                .modified
                .map(|t| {
                    crate::view::format::date(
                        t.to_offset(ntm_domain::dossier::campaign::VN_OFFSET).date(),
                    )
                })
                .unwrap_or_else(|| ctx.t("opendata-empty")),
            files: Format::ALL
                .into_iter()
                .map(|f| FileLink {
                    label: label(f),
                    href: format!("/open-data/{}{}", d.info.id, f.suffix()),
                })
                .collect(),
            ogc: format!("/ogc/collections/{}", d.info.id),
        })
        .collect();
    Ok(render(
        &OpenDataPage {
            ctx,
            rows,
            licence_name: LICENCE_NAME,
            licence_url: LICENCE_URL,
        },
        StatusCode::OK,
    ))
}

fn lit(vi: &str, en: &str) -> Value {
    json!([{"@value": vi, "@language": "vi"}, {"@value": en, "@language": "en"}])
}

fn distribution(base: &str, d: &Dataset, f: Format) -> Value {
    let url = format!("{base}/open-data/{}{}", d.info.id, f.suffix());
    let mut v = json!({
        "@id": format!("{url}#distribution"),
        "@type": "dcat:Distribution",
        "dct:title": format!("{} ({})", d.info.title.en, label(f)),
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": format!("https://www.iana.org/assignments/media-types/{}",
            f.media_type().split(';').next().unwrap_or_default())},
        "dct:license": {"@id": LICENCE_URL},
    });
    if f == Format::Csv {
        v["dct:conformsTo"] = json!({"@id": format!("{base}/open-data/{}.schema.json", d.info.id)});
    }
    v
}

fn catalog_jsonld(base: &str, datasets: &[Dataset]) -> Value {
    let stamp = |t: time::OffsetDateTime| t.format(&Rfc3339).ok();
    let publisher = json!({
        "@id": format!("{base}/#publisher"),
        "@type": "foaf:Agent",
        "foaf:name": lit(&format!("Đơn vị vận hành NTM Số tại {base}"), &format!("The operator of NTM Số at {base}")),
    });
    let rights = lit(
        "Giấy phép CC BY 4.0 là mặc định của phần mềm, chưa được cơ quan công bố xác nhận.",
        "The CC BY 4.0 licence is the software's default, not yet confirmed by the publishing authority.",
    );
    let ds: Vec<Value> = datasets
        .iter()
        .map(|d| {
            let mut dists: Vec<Value> = [Format::Csv, Format::Xlsx, Format::GeoJson]
                .into_iter()
                .map(|f| distribution(base, d, f))
                .collect();
            let ogc = format!("{base}/ogc/collections/{}/items", d.info.id);
            dists.push(json!({
                "@id": format!("{ogc}#distribution"),
                "@type": "dcat:Distribution",
                "dct:title": format!("{} (OGC API – Features)", d.info.title.en),
                "dcat:accessURL": {"@id": ogc},
                "dcat:mediaType": {"@id": "https://www.iana.org/assignments/media-types/application/geo+json"},
                "dct:conformsTo": {"@id": "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"},
                "dct:license": {"@id": LICENCE_URL},
            }));
            let mut v = json!({
                "@id": format!("{base}/open-data#{}", d.info.id),
                "@type": "dcat:Dataset",
                "dct:identifier": d.info.id,
                "dct:title": lit(d.info.title.vi, d.info.title.en),
                "dct:description": lit(d.info.description.vi, d.info.description.en),
                "dct:publisher": {"@id": format!("{base}/#publisher")},
                "dct:license": {"@id": LICENCE_URL},
                "dct:rights": rights.clone(),
                "dcat:landingPage": {"@id": format!("{base}/open-data")},
                "dcat:distribution": dists,
            });
            if let Some(m) = d.modified.and_then(stamp) {
                v["dct:modified"] = json!({"@value": m, "@type": "xsd:dateTime"});
            }
            v
        })
        .collect();
    let mut cat = json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": format!("{base}/open-data/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": lit("Dữ liệu mở NTM Số", "NTM Số open data"),
        "dct:description": lit(
            "Các tập dữ liệu công khai của NTM Số (chương trình nông thôn mới): sản phẩm OCOP đã xếp hạng, vùng nguyên liệu. Chỉ dữ liệu đã công bố.",
            "Public datasets of NTM Số (New Countryside programme): rated OCOP products, raw-material areas. Published data only.",
        ),
        "dct:publisher": publisher,
        "dct:license": {"@id": LICENCE_URL},
        "dct:rights": rights,
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/VIE"},
        "foaf:homepage": {"@id": format!("{base}/open-data")},
        "dcat:dataset": ds,
    });
    if let Some(m) = datasets
        .iter()
        .filter_map(|d| d.modified)
        .max()
        .and_then(stamp)
    {
        cat["dct:modified"] = json!({"@value": m, "@type": "xsd:dateTime"});
    }
    cat
}

/// `GET /open-data/catalog.jsonld`: the DCAT-AP catalogue.
pub async fn catalog(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let datasets = open_data::catalog(&st.app, &ctx.actor()).await?;
    let mut res = Json(catalog_jsonld(&st.cfg.site_url(&headers), &datasets)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/ld+json"),
    );
    Ok(res)
}

/// `GET /open-data/{file}`: a dataset's CSV, XLSX, GeoJSON or Table Schema.
pub async fn file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let d = open_data::download(&st.app, &ctx.actor(), &file).await?;
    Ok(crate::view::download::attachment(
        d.bytes,
        d.media_type,
        &d.file_name,
    ))
}

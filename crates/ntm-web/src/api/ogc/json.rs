//! The JSON of OGC API – Features: links, collection objects, GeoJSON features.

use ntm_app::ogc::{CollectionInfo, Feature};
use ntm_app::open_data::{geometry_json, properties_json};
use serde_json::{Value, json};

use super::CRS84;

/// The extent of Việt Nam with its islands (CRS84), every collection's spatial extent.
pub const VIETNAM_BBOX: [f64; 4] = [102.1, 6.0, 117.9, 23.4];

pub fn link(href: String, rel: &str, typ: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": typ, "title": title})
}

/// A collection object (`/collections` lists them; `/collections/{id}` is one).
pub fn collection(base: &str, c: &CollectionInfo) -> Value {
    let here = format!("{base}/ogc/collections/{}", c.id);
    json!({
        "id": c.id,
        "title": c.title.en,
        "description": c.description.en,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {
            "spatial": {"bbox": [VIETNAM_BBOX], "crs": CRS84},
            "temporal": {"interval": [[null, null]], "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"},
        },
        "ntm:title_vi": c.title.vi,
        "ntm:description_vi": c.description.vi,
        "ntm:datetime": c.temporal.en,
        "ntm:geometry": c.geometry,
        "ntm:properties": c.properties.iter().map(|p| json!({
            "name": p.name,
            "type": p.kind.as_str(),
            "nullable": p.nullable,
            "title": p.title.en,
            "title_vi": p.title.vi,
        })).collect::<Vec<_>>(),
        "links": [
            link(here.clone(), "self", "application/json", "This collection"),
            link(format!("{here}/items"), "items", "application/geo+json", "The features (GeoJSON)"),
        ],
    })
}

/// A GeoJSON Feature with its links.
pub fn feature(base: &str, c: &CollectionInfo, f: &Feature, with_links: bool) -> Value {
    let mut v = json!({
        "type": "Feature",
        "id": f.id,
        "geometry": geometry_json(&f.geometry),
        "properties": properties_json(c, f),
    });
    if with_links {
        let here = format!("{base}/ogc/collections/{}/items/{}", c.id, f.id);
        let mut links = vec![
            link(here, "self", "application/geo+json", "This feature"),
            link(
                format!("{base}/ogc/collections/{}", c.id),
                "collection",
                "application/json",
                "The collection",
            ),
        ];
        if let Some(p) = &f.page {
            links.push(link(
                format!("{base}{p}"),
                "alternate",
                "text/html",
                "Public page",
            ));
        }
        v["links"] = Value::Array(links);
    }
    v
}

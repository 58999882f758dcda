//! Small static maps drawn on the server as SVG (no JavaScript, no tiles from other hosts):
//! an area's polygon over its commune's outline. Equirectangular projection scaled by the
//! cosine of the middle latitude, which is exact enough at the scale of a commune. Same
//! rules as `charts.rs`: `role="img"` with a title and a description, classes only, escaped
//! text, a `viewBox` that scales down to 360 px phones.

use std::fmt::Write;

use ntm_domain::area::{AreaShape, Bbox};

use crate::charts::escape;

const WIDTH: f64 = 320.0;
const PAD: f64 = 8.0;

struct Frame {
    bbox: Bbox,
    kx: f64,
    ky: f64,
    height: f64,
}

impl Frame {
    fn around(bbox: Bbox) -> Frame {
        let mid = ((bbox.min_lat + bbox.max_lat) / 2.0).to_radians();
        let w = ((bbox.max_lon - bbox.min_lon) * mid.cos()).max(1e-9);
        let h = (bbox.max_lat - bbox.min_lat).max(1e-9);
        let inner = WIDTH - 2.0 * PAD;
        let scale = inner / w.max(h);
        let height = (h * scale + 2.0 * PAD).max(60.0);
        Frame {
            bbox,
            kx: scale * mid.cos(),
            ky: scale,
            height,
        }
    }

    fn x(&self, lon: f64) -> f64 {
        PAD + (lon - self.bbox.min_lon) * self.kx
    }

    fn y(&self, lat: f64) -> f64 {
        self.height - PAD - (lat - self.bbox.min_lat) * self.ky
    }

    fn path(&self, shape: &AreaShape) -> String {
        let mut d = String::new();
        for poly in &shape.polygons {
            for ring in &poly.rings {
                for (i, c) in ring.iter().enumerate() {
                    let _ = write!(
                        d,
                        "{}{:.1} {:.1} ",
                        if i == 0 { "M" } else { "L" },
                        self.x(c[0]),
                        self.y(c[1])
                    );
                }
                d.push_str("Z ");
            }
        }
        d.trim_end().to_string()
    }
}

fn grow(b: Bbox, share: f64, min: f64) -> Bbox {
    let d = ((b.max_lon - b.min_lon).max(b.max_lat - b.min_lat) * share).max(min);
    b.grown(d)
}

/// The map of an area: its commune's outline (when stored) with the area drawn over it and
/// marked by a circle (an area of a few hectares is a dot at commune scale), then a close-up
/// of the polygon with the outline's edge where it is near.
pub fn area_maps(
    id: &str,
    area: &AreaShape,
    outline: Option<&AreaShape>,
    title: &str,
    desc: &str,
    close_title: &str,
) -> String {
    let Some(abox) = area.bbox() else {
        return String::new();
    };
    let mut out = String::new();
    if let Some(outline) = outline
        && let Some(obox) = outline.bbox()
    {
        let f = Frame::around(grow(obox.union(abox), 0.02, 0.0005));
        let cx = f.x((abox.min_lon + abox.max_lon) / 2.0);
        let cy = f.y((abox.min_lat + abox.max_lat) / 2.0);
        let _ = write!(
            out,
            r#"<svg class="area-map" id="{id}-commune" viewBox="0 0 {w:.0} {h:.0}" role="img" aria-labelledby="{id}-t {id}-d" xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{t}</title><desc id="{id}-d">{d}</desc><path class="map-commune" fill-rule="evenodd" d="{o}"/><path class="map-area" fill-rule="evenodd" d="{a}"/><circle class="map-marker" cx="{cx:.1}" cy="{cy:.1}" r="9"/></svg>"#,
            w = WIDTH,
            h = f.height,
            t = escape(title),
            d = escape(desc),
            o = f.path(outline),
            a = f.path(area),
        );
    }
    let f = Frame::around(grow(abox, 0.15, 0.0002));
    let outline_path = outline.map(|o| f.path(o)).unwrap_or_default();
    let _ = write!(
        out,
        r#"<svg class="area-map area-map-close" id="{id}-close" viewBox="0 0 {w:.0} {h:.0}" role="img" aria-labelledby="{id}-ct" xmlns="http://www.w3.org/2000/svg"><title id="{id}-ct">{t}</title><defs><clipPath id="{id}-clip"><rect x="0" y="0" width="{w:.0}" height="{h:.0}"/></clipPath></defs><g clip-path="url(#{id}-clip)">{o}<path class="map-area" fill-rule="evenodd" d="{a}"/></g></svg>"#,
        w = WIDTH,
        h = f.height,
        t = escape(close_title),
        o = if outline_path.is_empty() {
            String::new()
        } else {
            format!(r#"<path class="map-commune" fill-rule="evenodd" d="{outline_path}"/>"#)
        },
        a = f.path(area),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_escape_text_and_draw_both_shapes() {
        let area = ntm_domain::area::parse_shape(
            r#"{"type":"Polygon","coordinates":[[[106.30,9.90],[106.301,9.90],[106.301,9.901],[106.30,9.90]]]}"#,
        )
        .unwrap();
        let commune = ntm_domain::area::parse_shape(
            r#"{"type":"Polygon","coordinates":[[[106.2,9.8],[106.4,9.8],[106.4,10.0],[106.2,9.8]]]}"#,
        )
        .unwrap();
        let svg = area_maps("m", &area, Some(&commune), "Vùng <A>", "mô tả", "cận cảnh");
        assert_eq!(svg.matches("<svg").count(), 2);
        assert_eq!(svg.matches("class=\"map-area\"").count(), 2);
        assert!(svg.contains("Vùng &lt;A&gt;"));
        assert!(!svg.contains("style="));
        let alone = area_maps("m", &area, None, "t", "d", "c");
        assert_eq!(alone.matches("<svg").count(), 1);
        assert!(!alone.contains("map-commune"));
    }
}

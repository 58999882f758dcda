//! EPC URIs (`urn:epc:id:sgtin:…`, `urn:epc:class:lgtin:…`, `urn:epc:idpat:sgtin:…`) turned
//! into constrained canonical GS1 Digital Link URIs (`https://id.gs1.org/01/…/21/…`), as
//! the CBV 2.0 event hash requires (GS1 EPC Tag Data Standard §6–8 for the URI forms;
//! GS1 Digital Link 1.2 §4.11 for the canonical form). The schemes covered are those of
//! physical goods, places and parties: SGTIN, LGTIN, SSCC, SGLN, PGLN, GRAI, GIAI, GSRN,
//! GSRNP, GDTI and the SGTIN pattern; other EPC schemes stay as written.

use super::gtin::check_digit;

/// `!()*+,:` written as escapes, as the reference event-hash implementation does.
fn web_escape(s: &str) -> String {
    s.replace('!', "%21")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('*', "%2A")
        .replace('+', "%2B")
        .replace(',', "%2C")
        .replace(':', "%3A")
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn with_check(data: &str) -> String {
    match check_digit(data) {
        Some(d) => format!("{data}{d}"),
        None => data.to_owned(),
    }
}

/// Company prefix and reference whose lengths add up to `total` (company prefix 6–12).
fn cp_ref<'a>(cp: &'a str, r: &'a str, total: usize) -> Option<(&'a str, &'a str)> {
    ((6..=12).contains(&cp.len())
        && cp.len() + r.len() == total
        && digits(cp)
        && (r.is_empty() || digits(r)))
    .then_some((cp, r))
}

fn gtin_of(cp: &str, item: &str) -> Option<String> {
    let (cp, item) = cp_ref(cp, item, 13)?;
    let (indicator, rest) = item.split_at(1);
    Some(with_check(&format!("{indicator}{cp}{rest}")))
}

/// The canonical Digital Link URI of an EPC URI, or `None` when `uri` is not one of the
/// covered schemes (or is malformed).
pub fn epc_to_digital_link(uri: &str) -> Option<String> {
    const ID: &str = "https://id.gs1.org";
    let (scheme, body) = if let Some(b) = uri.strip_prefix("urn:epc:id:") {
        let (s, b) = b.split_once(':')?;
        (s, b)
    } else if let Some(b) = uri.strip_prefix("urn:epc:class:lgtin:") {
        ("lgtin", b)
    } else if let Some(b) = uri.strip_prefix("urn:epc:idpat:sgtin:") {
        ("idpat-sgtin", b)
    } else {
        return None;
    };
    let parts: Vec<&str> = body.splitn(3, '.').collect();
    match (scheme, parts.as_slice()) {
        ("sgtin", [cp, item, serial]) if !serial.is_empty() => Some(format!(
            "{ID}/01/{}/21/{}",
            gtin_of(cp, item)?,
            web_escape(serial)
        )),
        ("lgtin", [cp, item, lot]) if !lot.is_empty() => Some(format!(
            "{ID}/01/{}/10/{}",
            gtin_of(cp, item)?,
            web_escape(lot)
        )),
        ("idpat-sgtin", [cp, item, "*"]) => Some(format!("{ID}/01/{}", gtin_of(cp, item)?)),
        ("sscc", [cp, serial]) => {
            let (cp, serial) = cp_ref(cp, serial, 17)?;
            let (ext, rest) = serial.split_at(1);
            Some(format!(
                "{ID}/00/{}",
                with_check(&format!("{ext}{cp}{rest}"))
            ))
        }
        ("sgln", [cp, loc, ext]) => {
            let (cp, loc) = cp_ref(cp, loc, 12)?;
            let gln = with_check(&format!("{cp}{loc}"));
            if *ext == "0" {
                Some(format!("{ID}/414/{gln}"))
            } else {
                Some(format!("{ID}/414/{gln}/254/{}", web_escape(ext)))
            }
        }
        ("pgln", [cp, party]) => {
            let (cp, party) = cp_ref(cp, party, 12)?;
            Some(format!("{ID}/417/{}", with_check(&format!("{cp}{party}"))))
        }
        ("grai", [cp, asset, serial]) => {
            let (cp, asset) = cp_ref(cp, asset, 12)?;
            Some(format!(
                "{ID}/8003/{}{}",
                with_check(&format!("0{cp}{asset}")),
                web_escape(serial)
            ))
        }
        ("giai", [cp, asset]) if digits(cp) && !asset.is_empty() => {
            Some(format!("{ID}/8004/{cp}{}", web_escape(asset)))
        }
        ("gsrn" | "gsrnp", [cp, service]) => {
            let (cp, service) = cp_ref(cp, service, 17)?;
            let ai = if scheme == "gsrn" { "8018" } else { "8017" };
            Some(format!(
                "{ID}/{ai}/{}",
                with_check(&format!("{cp}{service}"))
            ))
        }
        ("gdti", [cp, doc, serial]) => {
            let (cp, doc) = cp_ref(cp, doc, 12)?;
            Some(format!(
                "{ID}/253/{}{}",
                with_check(&format!("{cp}{doc}")),
                web_escape(serial)
            ))
        }
        _ => None,
    }
}

/// Primary keys of GS1 Digital Link, with the qualifier kept for the most fine-grained
/// identification.
const KEYS: &[&str] = &[
    "00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010", "8017",
    "8018",
];

/// A Digital Link URI (any domain) constrained as the event hash asks: domain
/// `https://id.gs1.org`, no query string, GTIN on 14 digits, only the finest qualifier
/// (`01` with `21`, else `10`, else `235`; `414` with `254`; `8006` with `21`/`10`; `8010`
/// with `8011`). `None` when `uri` is not a Digital Link URI.
pub fn constrain_digital_link(uri: &str) -> Option<String> {
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))?;
    let rest = rest.split(['?', '#']).next()?;
    let (_, path) = rest.split_once('/')?;
    let segs: Vec<&str> = path.split('/').collect();
    let start = segs.iter().position(|s| KEYS.contains(s))?;
    let key = segs[start];
    let mut value = (*segs.get(start + 1)?).to_owned();
    if value.is_empty() {
        return None;
    }
    if key == "01" && digits(&value) && matches!(value.len(), 8 | 12 | 13) {
        value = format!("{value:0>14}");
    }
    let quals: Vec<(&str, &str)> = segs[start + 2..]
        .chunks(2)
        .filter_map(|c| match c {
            [a, v] => Some((*a, *v)),
            _ => None,
        })
        .collect();
    let find = |ai: &str| quals.iter().find(|(a, _)| *a == ai).map(|(_, v)| *v);
    let qualifier = match key {
        "01" | "8006" => find("21")
            .map(|v| ("21", v))
            .or_else(|| find("10").map(|v| ("10", v)))
            .or_else(|| {
                (key == "01")
                    .then(|| find("235").map(|v| ("235", v)))
                    .flatten()
            }),
        "414" => find("254").map(|v| ("254", v)),
        "8010" => find("8011").map(|v| ("8011", v)),
        _ => None,
    };
    let mut out = format!("https://id.gs1.org/{key}/{value}");
    if let Some((ai, v)) = qualifier {
        out.push_str(&format!("/{ai}/{v}"));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epc_uris() {
        let c = |u: &str| epc_to_digital_link(u);
        assert_eq!(
            c("urn:epc:id:sgtin:0614141.107346.2017").as_deref(),
            Some("https://id.gs1.org/01/10614141073464/21/2017")
        );
        assert_eq!(
            c("urn:epc:id:sscc:4012345.0000000333").as_deref(),
            Some("https://id.gs1.org/00/040123450000003338")
        );
        assert_eq!(
            c("urn:epc:id:sgln:0614141.07346.1234").as_deref(),
            Some("https://id.gs1.org/414/0614141073467/254/1234")
        );
        assert_eq!(
            c("urn:epc:id:sgln:4012345.00011.0").as_deref(),
            Some("https://id.gs1.org/414/4012345000115")
        );
        assert_eq!(
            c("urn:epc:class:lgtin:4012345.012345.998877").as_deref(),
            Some("https://id.gs1.org/01/04012345123456/10/998877")
        );
        assert_eq!(
            c("urn:epc:idpat:sgtin:4012345.098765.*").as_deref(),
            Some("https://id.gs1.org/01/04012345987652")
        );
        assert_eq!(c("urn:epc:id:sgtin:0614141.10734.2017"), None);
        assert_eq!(c("https://example.com/x"), None);
    }

    #[test]
    fn digital_links_constrained() {
        let c = |u: &str| constrain_digital_link(u);
        assert_eq!(
            c("https://example.com/stem/01/9520123456788/10/ABC/21/7?17=201225").as_deref(),
            Some("https://id.gs1.org/01/09520123456788/21/7")
        );
        assert_eq!(
            c("https://id.gs1.org/01/09520123456788/22/V/10/L1").as_deref(),
            Some("https://id.gs1.org/01/09520123456788/10/L1")
        );
        assert_eq!(c("https://example.com/page"), None);
        assert_eq!(c("urn:epc:id:sgtin:0614141.107346.2017"), None);
    }
}

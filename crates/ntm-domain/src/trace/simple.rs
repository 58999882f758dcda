//! Events from a producer's simple form (what happened, when, where, how much) as an EPCIS
//! 2.0 `ObjectEvent` in a capture document — captured like any other document (schema,
//! hash, chain) — and the other way round: a stored event in words for the public trace
//! page (CBV step and disposition, local time, place, quantity). Pure: the caller passes
//! the creation time.

use serde_json::{Map, Value, json};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::digital_link::DigitalLink;

/// The CBV 2.0 business steps (EPCIS 2.0 JSON schema's list).
pub const BIZ_STEPS: &[&str] = &[
    "accepting",
    "arriving",
    "assembling",
    "collecting",
    "commissioning",
    "consigning",
    "creating_class_instance",
    "cycle_counting",
    "decommissioning",
    "departing",
    "destroying",
    "disassembling",
    "dispensing",
    "encoding",
    "entering_exiting",
    "holding",
    "inspecting",
    "installing",
    "killing",
    "loading",
    "other",
    "packing",
    "picking",
    "receiving",
    "removing",
    "repackaging",
    "repairing",
    "replacing",
    "reserving",
    "retail_selling",
    "shipping",
    "staging_outbound",
    "stock_taking",
    "stocking",
    "storing",
    "transporting",
    "unloading",
    "unpacking",
    "void_shipping",
    "sensor_reporting",
    "sampling",
];

/// The CBV 2.0 dispositions.
pub const DISPOSITIONS: &[&str] = &[
    "active",
    "container_closed",
    "damaged",
    "destroyed",
    "dispensed",
    "disposed",
    "encoded",
    "expired",
    "in_progress",
    "in_transit",
    "inactive",
    "no_pedigree_match",
    "non_sellable_other",
    "partially_dispensed",
    "recalled",
    "reserved",
    "retail_sold",
    "returned",
    "sellable_accessible",
    "sellable_not_accessible",
    "stolen",
    "unknown",
    "available",
    "completeness_verified",
    "completeness_inferred",
    "conformant",
    "container_open",
    "mismatch_instance",
    "mismatch_class",
    "mismatch_quantity",
    "needs_replacement",
    "non_conformant",
    "unavailable",
];

/// The steps a producer's form offers, in the order of a lot's life (harvest is
/// `commissioning`: the lot comes into being; CBV 2.0 has no "harvesting").
pub const FORM_STEPS: &[&str] = &[
    "commissioning",
    "inspecting",
    "packing",
    "storing",
    "loading",
    "shipping",
    "transporting",
    "receiving",
    "retail_selling",
];

/// Units of measure the form offers (UN/ECE Rec. 20 codes): kg, tonne, litre, piece.
pub const FORM_UOMS: &[&str] = &["KGM", "TNE", "LTR", "H87"];

/// Namespace of this platform's event extension (`ntm:place`, the place in words).
pub const NS: &str = "urn:ntm-so:trace:";

/// Vietnam's offset: the form's times are local times.
pub const VN_OFFSET: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

const STANDARD_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/// What the form sent, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleEvent {
    pub biz_step: String,
    pub disposition: Option<String>,
    /// Local time in Vietnam (+07:00).
    pub at: PrimitiveDateTime,
    pub place: Option<String>,
    pub quantity: Option<(f64, String)>,
}

/// One problem of the form, by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    pub field: &'static str,
    pub message: String,
}

fn fe(field: &'static str, message: impl Into<String>) -> FormError {
    FormError {
        field,
        message: message.into(),
    }
}

/// A number as typed in Vietnam (`1.234,5`, `1.200`) or with a decimal point (`1234.5`).
pub fn parse_quantity(s: &str) -> Option<f64> {
    let s = s.trim().replace(' ', "");
    let normal = if s.contains(',') {
        s.replace('.', "").replace(',', ".")
    } else if s.matches('.').count() > 1
        || s.split_once('.')
            .is_some_and(|(_, frac)| frac.len() == 3 && frac.bytes().all(|b| b.is_ascii_digit()))
    {
        // Without a comma, dots followed by three digits group thousands (vi: 1.200).
        s.replace('.', "")
    } else {
        s
    };
    normal.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reads the form's fields (`biz_step`, `disposition`, `date` yyyy-mm-dd, `time` HH:MM,
/// `place`, `quantity`, `uom`); every problem is returned, by field.
pub fn read_form(
    biz_step: &str,
    disposition: &str,
    date: &str,
    time_text: &str,
    place: &str,
    quantity: &str,
    uom: &str,
) -> Result<SimpleEvent, Vec<FormError>> {
    let mut errors = Vec::new();
    let biz_step = biz_step.trim();
    if !BIZ_STEPS.contains(&biz_step) {
        errors.push(fe("biz_step", "Chọn việc đã làm — choose what was done"));
    }
    let disposition = disposition.trim();
    if !disposition.is_empty() && !DISPOSITIONS.contains(&disposition) {
        errors.push(fe(
            "disposition",
            "Tình trạng không có trong danh mục CBV — not a CBV disposition",
        ));
    }
    let day = Date::parse(date.trim(), format_description!("[year]-[month]-[day]")).ok();
    if day.is_none() {
        errors.push(fe(
            "date",
            "Nhập ngày dạng dd/mm/yyyy — enter the date (dd/mm/yyyy)",
        ));
    }
    let t = Time::parse(time_text.trim(), format_description!("[hour]:[minute]"))
        .or_else(|_| {
            Time::parse(
                time_text.trim(),
                format_description!("[hour]:[minute]:[second]"),
            )
        })
        .ok();
    if t.is_none() {
        errors.push(fe("time", "Nhập giờ dạng HH:mm — enter the time (HH:mm)"));
    }
    let place = place.trim();
    if place.chars().count() > 200 {
        errors.push(fe(
            "place",
            "Địa điểm tối đa 200 ký tự — at most 200 characters",
        ));
    }
    let quantity_text = quantity.trim();
    let quantity = if quantity_text.is_empty() {
        None
    } else {
        match parse_quantity(quantity_text) {
            Some(q) if q > 0.0 && q <= 1e12 => {
                let uom = uom.trim();
                if FORM_UOMS.contains(&uom) {
                    Some((q, uom.to_owned()))
                } else {
                    errors.push(fe("uom", "Chọn đơn vị tính — choose a unit"));
                    None
                }
            }
            _ => {
                errors.push(fe(
                    "quantity",
                    format!("“{quantity_text}” không phải số lượng dương — not a positive number"),
                ));
                None
            }
        }
    };
    match (day, t) {
        (Some(d), Some(t)) if errors.is_empty() => Ok(SimpleEvent {
            biz_step: biz_step.to_owned(),
            disposition: (!disposition.is_empty()).then(|| disposition.to_owned()),
            at: PrimitiveDateTime::new(d, t),
            place: (!place.is_empty()).then(|| place.to_owned()),
            quantity,
        }),
        _ => Err(errors),
    }
}

impl SimpleEvent {
    /// The instant (local time at +07:00).
    pub fn instant(&self) -> OffsetDateTime {
        self.at.assume_offset(VN_OFFSET)
    }

    /// The capture document of this event about the lot `lot` (its Digital Link URI is the
    /// quantity element's class). Harvest-like steps (`commissioning`) `ADD` the lot,
    /// the others `OBSERVE` it.
    pub fn document(&self, lot: &DigitalLink, created: OffsetDateTime) -> Value {
        let mut ev = Map::new();
        ev.insert("type".into(), json!("ObjectEvent"));
        ev.insert(
            "eventTime".into(),
            json!(self.instant().format(&Rfc3339).unwrap_or_default()),
        );
        ev.insert("eventTimeZoneOffset".into(), json!("+07:00"));
        ev.insert("epcList".into(), json!([]));
        let action = if matches!(
            self.biz_step.as_str(),
            "commissioning" | "creating_class_instance"
        ) {
            "ADD"
        } else {
            "OBSERVE"
        };
        ev.insert("action".into(), json!(action));
        ev.insert("bizStep".into(), json!(self.biz_step));
        if let Some(d) = &self.disposition {
            ev.insert("disposition".into(), json!(d));
        }
        let mut q = Map::new();
        q.insert("epcClass".into(), json!(lot.to_uri()));
        if let Some((n, uom)) = &self.quantity {
            q.insert("quantity".into(), json!(n));
            q.insert("uom".into(), json!(uom));
        }
        ev.insert("quantityList".into(), Value::Array(vec![Value::Object(q)]));
        if let Some(p) = &self.place {
            ev.insert("ntm:place".into(), json!(p));
        }
        json!({
            "@context": [STANDARD_CONTEXT, {"ntm": NS}],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": created.format(&Rfc3339).unwrap_or_default(),
            "epcisBody": {"eventList": [Value::Object(ev)]}
        })
    }
}

/// A stored event in words: what the public page shows of it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSummary {
    /// Bare CBV step (`shipping`) when it is a CBV step, else the value as stored.
    pub biz_step: Option<String>,
    pub disposition: Option<String>,
    /// The event time in the event's own offset (`eventTimeZoneOffset`).
    pub local_time: Option<OffsetDateTime>,
    /// The place in words (`ntm:place`), else the read point or business location id.
    pub place: Option<String>,
    /// The first quantity of the event: amount and unit code.
    pub quantity: Option<(f64, Option<String>)>,
    pub event_type: String,
}

/// The bare CBV name of a step or disposition written as a word, a CBV web URI or a CBV
/// 1.x URN; other vocabularies are returned as written.
pub fn cbv_name(v: &str, web_prefix: &str, urn_prefix: &str) -> String {
    let v = v.trim();
    v.strip_prefix(web_prefix)
        .or_else(|| v.strip_prefix(urn_prefix))
        .unwrap_or(v)
        .to_owned()
}

/// Reads what the public page says of an event (as captured).
pub fn summarize(event: &Value) -> EventSummary {
    let s = |k: &str| event.get(k).and_then(Value::as_str).map(str::to_owned);
    let offset = s("eventTimeZoneOffset").and_then(|o| {
        UtcOffset::parse(
            &o,
            format_description!("[offset_hour sign:mandatory]:[offset_minute]"),
        )
        .ok()
    });
    let local_time = s("eventTime")
        .and_then(|t| OffsetDateTime::parse(&t, &Rfc3339).ok())
        .map(|t| t.to_offset(offset.unwrap_or(VN_OFFSET)));
    let id_of = |k: &str| {
        event
            .get(k)
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let place = s("ntm:place")
        .or_else(|| id_of("bizLocation"))
        .or_else(|| id_of("readPoint"));
    let quantity = ["quantityList", "childQuantityList", "outputQuantityList"]
        .iter()
        .filter_map(|k| event.get(*k).and_then(Value::as_array))
        .flatten()
        .find_map(|q| {
            q.get("quantity")
                .and_then(Value::as_f64)
                .map(|n| (n, q.get("uom").and_then(Value::as_str).map(str::to_owned)))
        });
    EventSummary {
        biz_step: s("bizStep").map(|b| {
            cbv_name(
                &b,
                "https://ref.gs1.org/cbv/BizStep-",
                "urn:epcglobal:cbv:bizstep:",
            )
        }),
        disposition: s("disposition").map(|d| {
            cbv_name(
                &d,
                "https://ref.gs1.org/cbv/Disp-",
                "urn:epcglobal:cbv:disp:",
            )
        }),
        local_time,
        place,
        quantity,
        event_type: s("type").unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::digital_link::ProductRef;
    use crate::trace::event::read_document;
    use time::macros::datetime;

    fn form() -> SimpleEvent {
        read_form(
            "shipping",
            "in_transit",
            "2026-03-02",
            "07:30",
            "Kho HTX Cầu Ngang",
            "1.234,5",
            "KGM",
        )
        .expect("valid form")
    }

    #[test]
    fn form_becomes_a_document_naming_the_lot() {
        let e = form();
        assert_eq!(e.quantity, Some((1234.5, "KGM".into())));
        let lot = DigitalLink::for_lot(
            "https://trace.example",
            ProductRef::parse("09520123456788").expect("gtin"),
            "L-1",
        )
        .expect("lot");
        let doc = e.document(&lot, datetime!(2026-03-02 01:00 UTC));
        let read = read_document(&doc).expect("readable");
        assert_eq!(read.events.len(), 1);
        let ev = &read.events[0];
        assert_eq!(ev.lots.len(), 1);
        assert_eq!(ev.lots[0].lot, "L-1");
        assert_eq!(ev.event_time, datetime!(2026-03-02 00:30 UTC));
        assert_eq!(
            ev.biz_step.as_deref(),
            Some("https://ref.gs1.org/cbv/BizStep-shipping")
        );
        let summary = summarize(&Value::Object(ev.json.clone()));
        assert_eq!(summary.biz_step.as_deref(), Some("shipping"));
        assert_eq!(summary.disposition.as_deref(), Some("in_transit"));
        assert_eq!(summary.place.as_deref(), Some("Kho HTX Cầu Ngang"));
        assert_eq!(summary.quantity, Some((1234.5, Some("KGM".into()))));
        let local = summary.local_time.expect("time");
        assert_eq!((local.hour(), local.minute()), (7, 30));
    }

    #[test]
    fn form_errors_name_each_field() {
        let errs =
            read_form("flying", "nope", "02/03/2026", "7h", "", "-3", "KGM").expect_err("refused");
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            vec!["biz_step", "disposition", "date", "time", "quantity"]
        );
        let errs =
            read_form("packing", "", "2026-03-02", "08:00", "", "10", "XYZ").expect_err("bad unit");
        assert_eq!(errs[0].field, "uom");
    }

    #[test]
    fn summary_reads_urns_and_other_offsets() {
        let ev = json!({"type": "ObjectEvent", "eventTime": "2026-01-01T00:00:00Z",
            "eventTimeZoneOffset": "-05:00", "bizStep": "urn:epcglobal:cbv:bizstep:receiving",
            "readPoint": {"id": "urn:epc:id:sgln:0614141.00777.0"}});
        let s = summarize(&ev);
        assert_eq!(s.biz_step.as_deref(), Some("receiving"));
        assert_eq!(s.local_time.map(|t| t.hour()), Some(19));
        assert_eq!(s.place.as_deref(), Some("urn:epc:id:sgln:0614141.00777.0"));
        assert_eq!(s.quantity, None);
    }

    #[test]
    fn quantities_as_typed() {
        assert_eq!(parse_quantity("1.234,5"), Some(1234.5));
        assert_eq!(parse_quantity("12.5"), Some(12.5));
        assert_eq!(parse_quantity("1.200"), Some(1200.0));
        assert_eq!(parse_quantity("0,125"), Some(0.125));
        assert_eq!(parse_quantity("1.000.000"), Some(1_000_000.0));
        assert_eq!(parse_quantity("abc"), None);
    }
}

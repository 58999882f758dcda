//! Rows of rural tourism (`docs/tourism.md`): the public pages and files for everyone; the
//! editors' pages and writes for whoever holds `EditTourism` on commune 29374 (its tourism
//! editor, its commune, district and province officers, and the administrator).

use super::{A, Allow, CI, DI, Everyone, Form, Multipart, Only, PI, Row, TI, get, post};

const EDIT: Allow = Only(&[A, PI, DI, CI, TI]);

pub const ROWS: &[Row] = &[
    get("/tourism/{code}", "/tourism/29374", Everyone),
    get(
        "/tourism/points/{id}",
        "/tourism/points/$tourism_point?lang=en",
        Everyone,
    ),
    get(
        "/tourism/points/{id}/{file}",
        "/tourism/points/$tourism_point/qr.svg",
        Everyone,
    ),
    get(
        "/tourism/photos/{id}",
        "/tourism/photos/$tourism_photo",
        Everyone,
    ),
    get(
        "/tourism/tours/{id}",
        "/tourism/tours/$tourism_tour",
        Everyone,
    ),
    get(
        "/tourism/tours/{id}/leaflet.pdf",
        "/tourism/tours/$tourism_tour/leaflet.pdf",
        Everyone,
    ),
    get("/units/{code}/tourism", "/units/29374/tourism", EDIT),
    // An empty name: refused as invalid (422) after the check, nothing written.
    post(
        "/units/{code}/tourism/points",
        "/units/29374/tourism/points",
        Multipart(&[("kind", "relic"), ("name", "")], None),
        EDIT,
    ),
    post(
        "/units/{code}/tourism/tours",
        "/units/29374/tourism/tours",
        Form(&[("title_vi", "")]),
        EDIT,
    ),
    get(
        "/tourism/edit/points/{id}",
        "/tourism/edit/points/$tourism_point",
        EDIT,
    ),
    post(
        "/tourism/edit/points/{id}",
        "/tourism/edit/points/$tourism_point",
        Multipart(&[("kind", "relic"), ("name", "")], None),
        EDIT,
    ),
    // A stale version: 409 after the check.
    post(
        "/tourism/edit/points/{id}/publish",
        "/tourism/edit/points/$tourism_point/publish",
        Form(&[("version", "999"), ("publish", "0")]),
        EDIT,
    ),
    get(
        "/tourism/edit/tours/{id}",
        "/tourism/edit/tours/$tourism_tour",
        EDIT,
    ),
    post(
        "/tourism/edit/tours/{id}",
        "/tourism/edit/tours/$tourism_tour",
        Form(&[("title_vi", "")]),
        EDIT,
    ),
    post(
        "/tourism/edit/tours/{id}/publish",
        "/tourism/edit/tours/$tourism_tour/publish",
        Form(&[("version", "999"), ("publish", "0")]),
        EDIT,
    ),
];

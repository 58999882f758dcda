//! Rows of the commune portal (`docs/portal.md`): the public pages for everyone; the
//! officers' pages and writes for whoever holds `PublishPortal` on commune 29374 (its
//! commune, district and province officers, and the administrator).

use super::{A, Allow, CI, DI, Everyone, Form, Multipart, Only, PI, Row, get, post};

const PUBLISH: Allow = Only(&[A, PI, DI, CI]);

pub const ROWS: &[Row] = &[
    get(
        "/portal/{code}",
        "/portal/29374?category=chuyen-doi-so",
        Everyone,
    ),
    get(
        "/portal/{code}/feed.atom",
        "/portal/29374/feed.atom",
        Everyone,
    ),
    get("/portal/{code}/dx", "/portal/29374/dx", Everyone),
    get(
        "/portal/{code}/posts/{id}",
        "/portal/29374/posts/$portal_post",
        Everyone,
    ),
    get(
        "/portal/{code}/photos/{id}",
        "/portal/29374/photos/$portal_photo",
        Everyone,
    ),
    get("/portal/province/{code}", "/portal/province/84", Everyone),
    get("/units/{code}/portal", "/units/29374/portal", PUBLISH),
    get(
        "/units/{code}/portal/photos/{id}",
        "/units/29374/portal/photos/$portal_photo",
        PUBLISH,
    ),
    post(
        "/units/{code}/portal/posts",
        "/units/29374/portal/posts",
        Multipart(
            &[
                ("title", "Tin ma trận"),
                ("body", "Nội dung"),
                ("category", "tin-tuc"),
                ("action", "preview"),
            ],
            None,
        ),
        PUBLISH,
    ),
    get("/portal/edit/{id}", "/portal/edit/$portal_post", PUBLISH),
    // A stale version (none sent): refused with 409 after the check, nothing changed.
    post(
        "/portal/edit/{id}",
        "/portal/edit/$portal_post",
        Multipart(
            &[
                ("title", "Tin ma trận"),
                ("body", "Nội dung"),
                ("category", "tin-tuc"),
                ("action", "save"),
            ],
            None,
        ),
        PUBLISH,
    ),
    post(
        "/portal/edit/{id}/publish",
        "/portal/edit/$portal_post/publish",
        Form(&[("version", "999"), ("publish", "0")]),
        PUBLISH,
    ),
    // A stale version: refused with 409 after the check, the photo kept.
    post(
        "/portal/edit/{id}/photos/{photo}/remove",
        "/portal/edit/$portal_post/photos/$portal_photo/remove",
        Form(&[("version", "999")]),
        PUBLISH,
    ),
    get(
        "/units/{code}/portal/schedule",
        "/units/29374/portal/schedule",
        PUBLISH,
    ),
    // Empty: refused as invalid (422) after the check.
    post(
        "/units/{code}/portal/schedule",
        "/units/29374/portal/schedule",
        Form(&[("title", "")]),
        PUBLISH,
    ),
    // The first allowed caller marks it held; the others get 409 (held once).
    post(
        "/portal/programmes/{id}/held",
        "/portal/programmes/$portal_programme/held",
        Form(&[("note", "ma trận")]),
        PUBLISH,
    ),
];

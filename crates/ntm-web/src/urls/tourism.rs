//! Addresses of rural tourism: the public pages, files and QR codes, the editors' pages.

use uuid::Uuid;

use super::Urls;
use crate::ctx::url_encode;

impl Urls {
    /// `/tourism/{code}`: a commune's public tourism page.
    pub fn tourism(code: &str) -> String {
        format!("/tourism/{}", url_encode(code))
    }

    /// `/tourism/points/{id}`: a point's narration page (what its QR code opens).
    pub fn tourism_point(id: Uuid) -> String {
        format!("/tourism/points/{id}")
    }

    /// `/tourism/points/{id}/{file}`: `qr.svg`, `qr.png`, `audio-vi`, `audio-en`.
    pub fn tourism_point_file(id: Uuid, file: &str) -> String {
        format!("/tourism/points/{id}/{file}")
    }

    /// `/tourism/photos/{id}`: a photo of a point.
    pub fn tourism_photo(id: Uuid) -> String {
        format!("/tourism/photos/{id}")
    }

    /// `/tourism/tours/{id}`: a tour's public page.
    pub fn tourism_tour(id: Uuid) -> String {
        format!("/tourism/tours/{id}")
    }

    /// `/tourism/tours/{id}/leaflet.pdf`: the printable leaflet.
    pub fn tourism_leaflet(id: Uuid) -> String {
        format!("/tourism/tours/{id}/leaflet.pdf")
    }

    /// `/units/{code}/tourism`: the editors' points and tours, and the new-point form.
    pub fn tourism_manage(code: &str) -> String {
        format!("/units/{}/tourism", url_encode(code))
    }

    /// `/units/{code}/tourism/points`: a new point (POST).
    pub fn tourism_new_point(code: &str) -> String {
        format!("/units/{}/tourism/points", url_encode(code))
    }

    /// `/units/{code}/tourism/tours`: a new tour (POST).
    pub fn tourism_new_tour(code: &str) -> String {
        format!("/units/{}/tourism/tours", url_encode(code))
    }

    /// `/tourism/edit/points/{id}`: a point's editor (GET) and its save (POST).
    pub fn tourism_edit_point(id: Uuid) -> String {
        format!("/tourism/edit/points/{id}")
    }

    /// `/tourism/edit/points/{id}/publish` (POST).
    pub fn tourism_publish_point(id: Uuid) -> String {
        format!("/tourism/edit/points/{id}/publish")
    }

    /// `/tourism/edit/tours/{id}`: a tour's editor (GET) and its save (POST).
    pub fn tourism_edit_tour(id: Uuid) -> String {
        format!("/tourism/edit/tours/{id}")
    }

    /// `/tourism/edit/tours/{id}/publish` (POST).
    pub fn tourism_publish_tour(id: Uuid) -> String {
        format!("/tourism/edit/tours/{id}/publish")
    }
}

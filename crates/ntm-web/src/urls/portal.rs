//! Addresses of the commune portal: the public pages and the officers' pages.

use time::Date;
use uuid::Uuid;

use super::Urls;
use crate::ctx::url_encode;

impl Urls {
    /// `/portal/{code}[?category=…]`: a commune's public page.
    pub fn portal(code: &str, category: Option<&str>) -> String {
        match category {
            Some(c) => format!("/portal/{}?category={}", url_encode(code), url_encode(c)),
            None => format!("/portal/{}", url_encode(code)),
        }
    }

    /// `/portal/{code}/posts/{id}`: a published post.
    pub fn portal_post(code: &str, id: Uuid) -> String {
        format!("/portal/{}/posts/{id}", url_encode(code))
    }

    /// `/portal/{code}/photos/{id}`: a photo of a published post.
    pub fn portal_photo(code: &str, id: Uuid) -> String {
        format!("/portal/{}/photos/{id}", url_encode(code))
    }

    /// `/portal/{code}/feed.atom`: the commune's Atom feed.
    pub fn portal_feed(code: &str) -> String {
        format!("/portal/{}/feed.atom", url_encode(code))
    }

    /// `/portal/{code}/dx?from=…&to=…`: the DX figures with the records behind them.
    pub fn portal_dx(code: &str, from: Date, to: Date) -> String {
        format!("/portal/{}/dx?from={from}&to={to}", url_encode(code))
    }

    /// `/portal/province/{code}`: a province's communes' latest posts.
    pub fn portal_province(code: &str) -> String {
        format!("/portal/province/{}", url_encode(code))
    }

    /// `/units/{code}/portal`: the officers' list of posts and the new-post editor.
    pub fn portal_manage(code: &str) -> String {
        format!("/units/{}/portal", url_encode(code))
    }

    /// `/units/{code}/portal/posts`: a new post (POST).
    pub fn portal_new_post(code: &str) -> String {
        format!("/units/{}/portal/posts", url_encode(code))
    }

    /// `/portal/edit/{id}`: a post's editor (GET) and its save (POST).
    pub fn portal_edit(id: Uuid) -> String {
        format!("/portal/edit/{id}")
    }

    /// `/portal/edit/{id}/publish`: publish or unpublish (POST).
    pub fn portal_publish(id: Uuid) -> String {
        format!("/portal/edit/{id}/publish")
    }

    /// `/units/{code}/portal/schedule[?from=…]`: the broadcast calendar; its form (POST).
    pub fn portal_schedule(code: &str, from: Option<Date>) -> String {
        match from {
            Some(d) => format!("/units/{}/portal/schedule?from={d}", url_encode(code)),
            None => format!("/units/{}/portal/schedule", url_encode(code)),
        }
    }

    /// `/units/{code}/portal/photos/{id}`: a photo of any of the commune's posts, for its
    /// officers (drafts included).
    pub fn portal_officer_photo(code: &str, id: Uuid) -> String {
        format!("/units/{}/portal/photos/{id}", url_encode(code))
    }

    /// `/portal/edit/{id}/photos/{photo}/remove`: remove a photo from a post (POST).
    pub fn portal_remove_photo(id: Uuid, photo: Uuid) -> String {
        format!("/portal/edit/{id}/photos/{photo}/remove")
    }

    /// `/portal/programmes/{id}/held`: mark a programme held (POST).
    pub fn portal_held(id: Uuid) -> String {
        format!("/portal/programmes/{id}/held")
    }
}

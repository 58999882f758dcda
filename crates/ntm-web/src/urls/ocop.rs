//! Addresses of the OCOP forms of producers and officers.

use super::Urls;
use crate::ctx::url_encode;

impl Urls {
    /// `/units/{code}/ocop/producers`: registering a producer of the unit (POST).
    pub fn ocop_register(code: &str) -> String {
        format!("/units/{}/ocop/producers", url_encode(code))
    }

    /// `/ocop/producers/{id}/products`: adding a product of a producer (POST).
    pub fn ocop_add_product(producer: &str) -> String {
        format!("/ocop/producers/{}/products", url_encode(producer))
    }
}

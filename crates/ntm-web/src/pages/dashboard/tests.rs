use ntm_app::exports::SortKey;

use super::labels::headers;
use crate::i18n::Lang;

#[test]
fn headers_toggle_and_mark_the_sorted_column() {
    let h = headers(
        Lang::Vi,
        "/units/84/dashboard?set=x&year=2023",
        "communes",
        &[(SortKey::Name, "a"), (SortKey::Criteria, "b")],
        SortKey::Name,
        false,
    );
    assert_eq!(h[0].aria_sort, "ascending");
    assert!(h[0].href.ends_with("&sort=name&dir=desc#communes"));
    assert_eq!(h[1].aria_sort, "");
    assert!(h[1].href.ends_with("&sort=criteria&dir=desc#communes"));
}

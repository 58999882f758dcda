use super::*;

fn commune(code: &str, name: &str, status: Status, criteria_met: u16) -> CommuneRow {
    CommuneRow {
        code: code.into(),
        name: name.into(),
        district_code: None,
        district_name: None,
        status,
        criteria_met,
        criteria_no_known_shortfall: criteria_met,
        no_known_shortfall: status == Status::Met,
    }
}

#[test]
fn communes_sort_by_each_column() {
    let mut rows = vec![
        commune("3", "Xã Đa Lộc", Status::Missing, 2),
        commune("1", "Xã Ân Thạnh", Status::NeedsVerification, 9),
        commune("2", "Xã Bình Phú", Status::Met, 19),
    ];
    let codes = |r: &[CommuneRow]| r.iter().map(|c| c.code.clone()).collect::<Vec<_>>();
    sort_communes(&mut rows, SortKey::Name, false);
    assert_eq!(codes(&rows), ["1", "2", "3"]);
    sort_communes(&mut rows, SortKey::Criteria, true);
    assert_eq!(codes(&rows), ["2", "1", "3"]);
    sort_communes(&mut rows, SortKey::Status, false);
    assert_eq!(codes(&rows), ["2", "1", "3"]);
    sort_communes(&mut rows, SortKey::Status, true);
    assert_eq!(codes(&rows), ["3", "1", "2"]);
    sort_communes(&mut rows, SortKey::Code, false);
    assert_eq!(codes(&rows), ["1", "2", "3"]);
}

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

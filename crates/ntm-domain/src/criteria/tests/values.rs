//! Values typed by people and observation rows.

use super::*;

// ------------------------------------------------------------------ values and observations

#[test]
fn values_typed_by_people() {
    assert_eq!(
        Value::parse(ValueKind::Percent, "85"),
        Ok(Value::Percent(85.0))
    );
    assert_eq!(
        Value::parse(ValueKind::Percent, " 85,5 %"),
        Ok(Value::Percent(85.5))
    );
    assert_eq!(
        Value::parse(ValueKind::Percent, "85.5%"),
        Ok(Value::Percent(85.5))
    );
    assert_eq!(
        Value::parse(ValueKind::Percent, "140 %"),
        Err(ValueError::PercentOver100 { value: 140.0 })
    );
    assert_eq!(
        Value::parse(ValueKind::Percent, "140 %").map_err(|e| e.to_string()),
        Err("140 % is more than 100 %".into())
    );
    assert_eq!(
        Value::parse(ValueKind::Percent, "tốt"),
        Err(ValueError::NotANumber {
            text: "tốt".into()
        })
    );
    assert_eq!(
        Value::parse(ValueKind::Percent, "-1"),
        Err(ValueError::Negative { value: -1.0 })
    );
    assert_eq!(
        Value::parse(ValueKind::Number, "1.234,5"),
        Ok(Value::Number(1234.5))
    );
    assert_eq!(
        Value::parse(ValueKind::Number, "1.234.567"),
        Ok(Value::Number(1_234_567.0))
    );
    assert_eq!(
        Value::parse(ValueKind::Number, "62.5"),
        Ok(Value::Number(62.5))
    );
    assert_eq!(
        Value::parse(ValueKind::Count, "-3"),
        Err(ValueError::Negative { value: -3.0 })
    );
    assert_eq!(
        Value::parse(ValueKind::Count, "2,5"),
        Err(ValueError::NotAWholeNumber { value: 2.5 })
    );
    assert_eq!(Value::parse(ValueKind::Count, "12"), Ok(Value::Count(12)));
    assert_eq!(
        Value::parse(ValueKind::Boolean, "Đạt"),
        Ok(Value::Boolean(true))
    );
    assert_eq!(
        Value::parse(ValueKind::Boolean, "KHÔNG ĐẠT"),
        Ok(Value::Boolean(false))
    );
    assert_eq!(
        Value::parse(ValueKind::Boolean, "có"),
        Ok(Value::Boolean(true))
    );
    assert_eq!(
        Value::parse(ValueKind::Boolean, "85"),
        Err(ValueError::NotABoolean { text: "85".into() })
    );
    assert_eq!(
        Value::parse(ValueKind::Boolean, "  "),
        Err(ValueError::Empty)
    );
}

#[test]
fn observation_rows_report_every_bad_row() {
    let cat = mini();
    let set = cat.set_for_year("mini", 2023).expect("mini");
    let rows = [
        (2, "1.1", "140 %"),
        (3, "1.3", "Đạt"),
        (4, "2.1", "mười"),
        (5, "2.2", "-3"),
        (6, "1.2", "Đạt"),
    ];
    let err = Observations::from_rows(set, rows).expect_err("bad rows");
    let msgs: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert_eq!(
        msgs,
        vec![
            "row 2: indicator 1.1: 140 % is more than 100 %",
            "row 3: indicator 1.3: unknown indicator code (did you mean 1.1?)",
            "row 4: indicator 2.1: \"mười\" is not a number",
            "row 5: indicator 2.2: -3 is negative",
        ]
    );
    let mut o = Observations::new(set);
    let e = o
        .set(set, "1.1", Value::Boolean(true))
        .expect_err("wrong kind");
    assert_eq!(
        e.to_string(),
        "indicator 1.1: expected a percent value, got a boolean value"
    );
    assert_eq!(
        o.set(set, "1.1", Value::Percent(101.0))
            .map_err(|e| e.to_string()),
        Err("indicator 1.1: 101 % is more than 100 %".into())
    );
    assert!(Observations::from_rows(set, [(2, "1.1", "85 %"), (3, "1.2", "Có")]).is_ok());
}

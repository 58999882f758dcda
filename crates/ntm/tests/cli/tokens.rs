//! `ntm token create|list|revoke` as an operator runs them.

use super::{Env, failed, ok};

#[test]
fn api_tokens_from_the_command_line() {
    let env = Env::with_small_units();
    ok(&env.run(&[
        "user",
        "add",
        "svc-tinh",
        "--name",
        "Nền tảng tỉnh",
        "--role",
        "viewer@84",
    ]));
    let out = ok(&env.run(&[
        "token",
        "create",
        "--user",
        "svc-tinh",
        "--name",
        "Nền tảng dữ liệu",
        "--scope",
        "read",
        "--days",
        "90",
    ]));
    let secret = out
        .lines()
        .find(|l| l.starts_with("ntm_"))
        .unwrap_or_else(|| panic!("token printed: {out}"))
        .to_string();
    assert_eq!(secret.len(), 47, "{out}");
    let id = out.split_whitespace().nth(1).expect("token id").to_string();

    // Listed without the secret.
    let list = ok(&env.run(&["token", "list"]));
    assert!(
        list.contains(&id) && list.contains("svc-tinh") && list.contains("active"),
        "{list}"
    );
    assert!(!list.contains(&secret), "{list}");

    // Refused: a year and a day, an unknown scope, an unknown account.
    for args in [
        vec!["--days", "366", "--scope", "read"],
        vec!["--days", "30", "--scope", "admin"],
    ] {
        let mut a = vec!["token", "create", "--user", "svc-tinh", "--name", "x"];
        a.extend(args);
        failed(&env.run(&a));
    }
    failed(&env.run(&["token", "create", "--user", "khong-co", "--name", "x"]));
    assert_eq!(ok(&env.run(&["token", "list"])).lines().count(), 1);

    let out = ok(&env.run(&["token", "revoke", &id]));
    assert!(out.contains("revoked"), "{out}");
    let list = ok(&env.run(&["token", "list"]));
    assert!(list.contains("revoked"), "{list}");
    failed(&env.run(&["token", "revoke", "not-an-id"]));
    let audit = ok(&env.run(&["audit", "list"]));
    assert!(
        audit.contains("api_token.create") && audit.contains("api_token.revoke"),
        "{audit}"
    );
}

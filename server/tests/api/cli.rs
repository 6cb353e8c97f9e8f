//! The `propdesk` binary's commands, run as a person would run them.

use std::path::Path;
use std::process::{Command, Output};

fn propdesk(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_propdesk"));
    // The workspace root holds Cargo.toml with the Leptos settings.
    cmd.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("PROPDESK_DATA_DIR", data_dir)
        .env_remove("PROPDESK_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("run propdesk");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("propdesk output")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn commands_seed_create_import_and_back_up() {
    let dir = tempfile::tempdir().unwrap();
    let help = propdesk(dir.path(), &["--help"], None);
    assert!(help.status.success());
    for cmd in [
        "serve",
        "migrate",
        "seed-demo",
        "create-estate",
        "create-user",
        "import",
        "backup",
    ] {
        assert!(text(&help).contains(cmd), "--help lists {cmd}");
    }

    let seeded = propdesk(dir.path(), &["seed-demo"], None);
    assert!(seeded.status.success(), "{}", text(&seeded));
    assert!(text(&seeded).contains("desk, desk2, super, tech, patrol, resident"));
    let again = propdesk(dir.path(), &["seed-demo"], None);
    assert!(
        !again.status.success(),
        "demo data goes only into an empty database"
    );

    let estate = propdesk(
        dir.path(),
        &["create-estate", "--code", "NW", "--name", "North Wharf"],
        None,
    );
    assert!(estate.status.success(), "{}", text(&estate));
    let dup = propdesk(
        dir.path(),
        &["create-estate", "--code", "NW", "--name", "Again"],
        None,
    );
    assert!(
        !dup.status.success() && text(&dup).contains("already exists"),
        "{}",
        text(&dup)
    );

    let created = propdesk(
        dir.path(),
        &[
            "create-user",
            "--username",
            "night",
            "--name",
            "Night Desk",
            "--role",
            "front_desk",
            "--department",
            "customer_service",
            "--estate",
            "HG",
            "--password-stdin",
        ],
        Some("night-shift-pw\n"),
    );
    assert!(created.status.success(), "{}", text(&created));
    let bad_role = propdesk(
        dir.path(),
        &[
            "create-user",
            "--username",
            "x1",
            "--name",
            "X",
            "--role",
            "janitor",
            "--department",
            "cleaning",
            "--estate",
            "HG",
            "--password",
            "long-enough",
        ],
        None,
    );
    assert!(!bad_role.status.success());
    assert!(text(&bad_role).contains("janitor"), "{}", text(&bad_role));

    let csv = dir.path().join("units.csv");
    let header = app::domain::import::CSV_COLUMNS.join(",");
    std::fs::write(
        &csv,
        format!("{header}\nZ,Building Z,3,101,1,50,vacant,,,,,,,\nZ,,,102,x,50,vacant,,,,,,,\n"),
    )
    .unwrap();
    let refused = propdesk(
        dir.path(),
        &["import", "--estate", "HG", csv.to_str().unwrap()],
        None,
    );
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("units.csv:3: floor"),
        "{}",
        text(&refused)
    );
    let skipped = propdesk(
        dir.path(),
        &[
            "import",
            "--estate",
            "HG",
            "--skip-bad-rows",
            csv.to_str().unwrap(),
        ],
        None,
    );
    assert!(skipped.status.success(), "{}", text(&skipped));
    assert!(text(&skipped).contains("1 units"), "{}", text(&skipped));

    let copy = dir.path().join("copy.db");
    let backup = propdesk(dir.path(), &["backup", copy.to_str().unwrap()], None);
    assert!(backup.status.success(), "{}", text(&backup));
    assert!(std::fs::metadata(&copy).unwrap().len() > 100_000);
    let twice = propdesk(dir.path(), &["backup", copy.to_str().unwrap()], None);
    assert!(
        !twice.status.success(),
        "an existing file is never overwritten"
    );
}

#[test]
fn bad_configuration_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_propdesk"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("PROPDESK_DATA_DIR", dir.path())
        .env("PROPDESK_LISTEN", "not-an-address")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("PROPDESK_LISTEN"));
}

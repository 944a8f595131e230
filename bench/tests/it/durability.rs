//! Durability under SIGKILL: `homeward-bench faults` opens cases and adds contacts at a fixed
//! rate while killing the server `HOMEWARD_DURABILITY_KILLS` times, then checks that every
//! acknowledged write is there, no case is partial and the audit chain verifies. It runs on
//! SQLite, and on PostgreSQL when `HOMEWARD_TEST_POSTGRES_URL` names a server. Unset, the test
//! says SKIPPED and passes: a full run (20 kills per backend) takes minutes.

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn acknowledged_writes_survive_sigkill() {
    let Ok(kills) = std::env::var("HOMEWARD_DURABILITY_KILLS") else {
        eprintln!("SKIPPED: set HOMEWARD_DURABILITY_KILLS to the number of kills per backend (a full run: 20)");
        return;
    };
    let kills: u32 = kills.trim().parse().expect("HOMEWARD_DURABILITY_KILLS must be a whole number");
    let bench = PathBuf::from(env!("CARGO_BIN_EXE_homeward-bench"));
    // Cargo builds the server's binary into the same folder whenever it builds the workspace's
    // tests; run alone, this test needs `cargo build -p homeward` first.
    let homeward = bench.with_file_name(format!("homeward{}", std::env::consts::EXE_SUFFIX));
    assert!(homeward.exists(), "{} is missing: build it with `cargo build -p homeward`", homeward.display());

    faults(&bench, &homeward, kills, &["--backend", "sqlite"]);
    match std::env::var("HOMEWARD_TEST_POSTGRES_URL").ok().filter(|url| !url.trim().is_empty()) {
        Some(url) => faults(&bench, &homeward, kills, &["--backend", "postgres", "--postgres-url", &url]),
        None => eprintln!("PostgreSQL SKIPPED: HOMEWARD_TEST_POSTGRES_URL is not set"),
    }
}

fn faults(bench: &Path, homeward: &Path, kills: u32, backend: &[&str]) {
    let output = Command::new(bench)
        .args(["faults", "--rate", "100", "--kills", &kills.to_string(), "--homeward"])
        .arg(homeward)
        .args(backend)
        .output()
        .expect("homeward-bench runs");
    let report = String::from_utf8_lossy(&output.stdout);
    let log = String::from_utf8_lossy(&output.stderr);
    eprintln!("{log}\n{report}");
    assert!(output.status.success(), "the fault harness failed on {backend:?}:\n{log}\n{report}");
    assert!(report.contains("| cases |"), "the fault harness printed no counts:\n{report}");
}

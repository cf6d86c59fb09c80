//! Running the built `crm` binary on a database, as a user would from a shell.

use std::path::Path;
use std::process::Command;

/// Runs `crm --db DB ARGS…` as the OS user "nobody" (no salesperson is "me");
/// returns the exit code, standard output and standard error.
pub fn crm(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_crm"))
        .env_remove("CRM_DB")
        .env("USER", "nobody")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("crm runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

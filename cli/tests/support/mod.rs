//! Running the built `canary-judge` binary on fixture files.

#![allow(dead_code)] // each test file uses a part

use std::io::Write;
use std::process::{Command, Stdio};

/// What a run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The path of a fixture file.
pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary with `args`, `stdin` on its standard input.
pub fn run_with_stdin(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_canary-judge"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // A command that fails early may not read its input: a broken pipe is not a test failure.
    let _ = child.stdin.take().expect("stdin is piped").write_all(stdin);
    let output = child.wait_with_output().expect("the binary ends");
    Run {
        code: output.status.code().expect("an exit code, not a signal"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 errors"),
    }
}

/// Runs the binary with `args` and empty standard input.
pub fn run(args: &[&str]) -> Run {
    run_with_stdin(args, b"")
}

/// `judge --config CONFIG --baseline BASELINE --canary CANARY` plus `extra`, on fixtures.
pub fn judge(config: &str, baseline: &str, canary: &str, extra: &[&str]) -> Run {
    let (config, baseline, canary) = (fixture(config), fixture(baseline), fixture(canary));
    let mut args = vec![
        "judge",
        "--config",
        &config,
        "--baseline",
        &baseline,
        "--canary",
        &canary,
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// Asserts an input error: exit 3, nothing judged on stdout, `needle` in the message.
pub fn assert_refused(r: &Run, needle: &str) {
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(r.stderr.contains(needle), "{needle:?} not in: {}", r.stderr);
}

//! docs/cli.md shows real output: its first example is run here and compared.

mod support;

#[test]
fn the_first_example_of_the_docs_prints_what_they_show() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let page = std::fs::read_to_string(format!("{root}/docs/cli.md")).unwrap();
    let shown = page
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a text block after the first example");
    let config = format!("{root}/examples/configs/judge-minimal.toml");
    let base = support::fixture("baseline.csv");
    let canary = support::fixture("canary-slow.csv");
    let r = support::run(&[
        "judge",
        "--config",
        &config,
        "--baseline",
        &base,
        "--canary",
        &canary,
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stdout, shown,
        "docs/cli.md shows another output than the command's"
    );
}

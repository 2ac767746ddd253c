//! The documentation shows real configurations and real output: every TOML block in `docs/`
//! and the README is a file under `examples/configs/` that loads, every JSON document in the
//! guide loads, and the examples in `docs/verdict-json.md` are the current output of
//! `examples/verdict_json.rs`. (The guide's Rust blocks run as doc tests.)

mod judge_support;

#[path = "../examples/verdict_json.rs"]
#[allow(dead_code)]
mod example;

use std::path::{Path, PathBuf};

use canary_judge::judge::{Judge, Observations};
use canary_judge::policy::Gate;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fenced blocks of `language` in a Markdown text, each with the line before its fence.
fn blocks(text: &str, language: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut lines = text.lines().peekable();
    let mut previous = "";
    while let Some(line) = lines.next() {
        if line.trim() == format!("```{language}") {
            let mut body = String::new();
            for inner in lines.by_ref() {
                if inner.trim() == "```" {
                    break;
                }
                body.push_str(inner);
                body.push('\n');
            }
            found.push((previous.to_string(), body));
        }
        previous = line;
    }
    found
}

/// The Markdown files of the documentation.
fn documents() -> Vec<PathBuf> {
    let mut paths = vec![root().join("README.md")];
    for dir in ["docs", "docs/methods"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "md") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
}

/// The configuration files, loaded as a gate when they have stages, else as a judge; scenario
/// and policy files of the simulator as such.
fn load(path: &Path) {
    let text = read(path);
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .unwrap_or_default();
    if folder == "scenarios" || folder == "policies" {
        return load_simulation(path, &text);
    }
    let loaded = if text.lines().any(|l| l.starts_with("stages")) {
        Gate::from_toml(&text).map(|_| ())
    } else {
        Judge::from_toml(&text).map(|_| ())
    };
    if let Err(e) = loaded {
        panic!("{} does not load: {e}", path.display());
    }
}

#[cfg(feature = "sim")]
fn load_simulation(path: &Path, text: &str) {
    use canary_judge::sim::{Policy, ScenarioConfig};
    let loaded = if path.parent().is_some_and(|p| p.ends_with("scenarios")) {
        ScenarioConfig::from_toml(text).map(|_| ())
    } else {
        Policy::from_toml(text).map(|_| ())
    };
    if let Err(e) = loaded {
        panic!("{} does not load: {e}", path.display());
    }
}

/// Without the simulator, its files are compared with the docs but not loaded.
#[cfg(not(feature = "sim"))]
fn load_simulation(_path: &Path, _text: &str) {}

#[test]
fn every_configuration_file_loads() {
    let mut count = 0;
    for entry in std::fs::read_dir(root().join("examples/configs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            load(&path);
            count += 1;
        }
    }
    assert!(count >= 3, "{count} configuration files");
}

#[test]
fn every_toml_block_in_the_docs_is_a_configuration_file() {
    let mut shown = 0;
    for doc in documents() {
        for (_, body) in blocks(&read(&doc), "toml") {
            let first = body.lines().next().unwrap_or_default();
            let name = first
                .strip_prefix("# ")
                .and_then(|rest| rest.split(':').next())
                .filter(|name| {
                    [
                        "examples/configs/",
                        "examples/scenarios/",
                        "examples/policies/",
                    ]
                    .iter()
                    .any(|dir| name.starts_with(dir))
                        && name.ends_with(".toml")
                })
                .unwrap_or_else(|| {
                    panic!(
                        "{}: a TOML block must start with `# examples/configs/<name>.toml` (or \
                         `examples/scenarios/`, `examples/policies/`), the file it shows; this \
                         one starts with {first:?}",
                        doc.display()
                    )
                });
            let file = root().join(name);
            assert_eq!(
                body,
                read(&file),
                "{} shows {name} differently from the file",
                doc.display()
            );
            load(&file);
            shown += 1;
        }
    }
    assert!(shown >= 3, "{shown} configuration blocks");
}

#[test]
fn the_observations_in_the_guide_load_and_can_be_judged() {
    let guide = read(&root().join("docs/guide.md"));
    let judge = Judge::from_toml(&read(&root().join("examples/configs/judge.toml"))).unwrap();
    let documents = blocks(&guide, "json");
    assert!(!documents.is_empty());
    for (_, json) in documents {
        let observations = Observations::from_json(&json)
            .unwrap_or_else(|e| panic!("the guide's observations do not load: {e}\n{json}"));
        judge.judge(&observations).unwrap();
    }
}

#[test]
fn the_verdict_json_page_shows_the_current_output() {
    let page = read(&root().join("docs/verdict-json.md"));
    let shown = blocks(&page, "json");
    let marked = |what: &str| {
        shown
            .iter()
            .find(|(before, _)| before.contains(&format!("examples/verdict_json.rs: {what}")))
            .map(|(_, body)| body.trim_end().to_string())
            .unwrap_or_else(|| panic!("no {what} example in docs/verdict-json.md"))
    };
    let verdict = example::verdict_example().unwrap().to_json_pretty();
    assert_eq!(
        marked("verdict"),
        verdict,
        "docs/verdict-json.md is out of date: paste `cargo run --example verdict_json`"
    );
    let report = serde_json::to_string_pretty(&example::gate_report_example().unwrap()).unwrap();
    assert_eq!(
        marked("gate report"),
        report,
        "docs/verdict-json.md is out of date: paste `cargo run --example verdict_json`"
    );
}

#[test]
fn the_example_verdict_is_the_one_the_page_describes() {
    use canary_judge::judge::{Decision, Outcome, ScoreClass};
    let verdict = example::verdict_example().unwrap();
    // Latency regresses: the latency group scores 50, the verdict 0.5 x 50 + 0.3 x 100 +
    // 0.2 x 100 = 75, marginal.
    assert_eq!(verdict.metrics[0].outcome, Outcome::Regression);
    assert_eq!(verdict.score, Some(75.0));
    assert_eq!(verdict.classification, Some(ScoreClass::Marginal));
    assert_eq!(verdict.decision, Decision::Continue);
    let cache = judge_support::metric(&verdict, "cache_hit_rate");
    assert!(cache.muted && cache.outcome == Outcome::Regression);
    let report = example::gate_report_example().unwrap();
    assert_eq!((report.tick, report.weight), (11, 20.0));
}

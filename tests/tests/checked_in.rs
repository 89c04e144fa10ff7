//! The generated artifacts checked into the repository are current: this is
//! `cargo xtask generate --check` as a test.

#[test]
fn checked_in_generated_code_is_fresh() {
    let root = kubegen_tests::workspace_root();
    std::env::set_current_dir(&root).unwrap();
    for artifact in xtask::ARTIFACTS {
        if artifact.needs_shared && kubegen_tests::shared_specs("checked_in").is_none() {
            continue;
        }
        let differences = xtask::builder_for(artifact)
            .check_crate(artifact.out)
            .unwrap();
        assert!(
            differences.is_empty(),
            "{} is stale; run `cargo xtask generate`:\n{}",
            artifact.out,
            differences
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// The files derived from the built-in API's IR (the reuse catalog, the test
/// server's catalog) are current.
#[test]
fn derived_files_are_fresh() {
    if kubegen_tests::shared_specs("derived_files").is_none() {
        return;
    }
    let root = kubegen_tests::workspace_root();
    std::env::set_current_dir(&root).unwrap();
    let api = xtask::ARTIFACTS.iter().find(|a| a.out == "api").unwrap();
    for (path, text) in xtask::derived_files(api).unwrap() {
        let current = std::fs::read_to_string(root.join(path)).unwrap_or_default();
        assert!(
            current == text,
            "{path} is stale; run `cargo xtask generate`"
        );
    }
}

//! The round trip's first half: the CRDs that `#[derive(Resource)]` writes for
//! the fixture kinds, printed as YAML and fed to the generator, exactly as a
//! user would feed a CRD file to `kubegen generate`.

use std::path::PathBuf;

fn main() {
    if let Err(error) = generate() {
        // A build script reports through cargo; a panic would bury the message.
        println!("cargo::error=kubegen-derive-roundtrip: {error}");
    }
}

fn generate() -> Result<(), String> {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?);
    let yaml = kubegen_derive_fixtures::crds_yaml()?;
    let path = out_dir.join("derived-crds.yaml");
    std::fs::write(&path, yaml).map_err(|e| format!("{}: {e}", path.display()))?;
    kubegen_generator::Builder::new()
        .input(&path)
        .generate(&out_dir)
        .map_err(|e| e.to_string())?;
    Ok(())
}

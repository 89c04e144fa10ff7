//! Generates the Widget types from the project's example CRD at build time.

fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let generated = kubegen_generator::Builder::new()
        .input("../../specs/crds/widgets.yaml")
        .generate(&out_dir);
    if let Err(error) = generated {
        // A build script reports through cargo; a panic would bury the message.
        println!("cargo::error=kubegen: {error}");
    }
}

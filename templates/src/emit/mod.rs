//! Emitters: IR → Rust source.

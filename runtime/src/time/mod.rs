//! Time types of `meta/v1`: [`Time`], [`MicroTime`] and [`Duration`].
//!
//! Kubernetes sends timestamps as RFC 3339 strings and durations as Go `time.Duration`
//! strings (`1h2m3s`); these wrappers parse and print exactly those forms.

mod duration;
mod timestamp;

pub use duration::{Duration, DurationParseError};
pub use timestamp::{MicroTime, Time, TimeParseError};

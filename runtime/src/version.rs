//! The API server's build information, served at `/version`.

use serde::{Deserialize, Serialize};

/// `k8s.io/apimachinery/pkg/version.Info`: what `GET /version` returns.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Info {
    /// Major version of the binary, such as `"1"`.
    #[serde(default)]
    pub major: String,
    /// Minor version of the binary, such as `"32"` (may carry a `+` on some distributions).
    #[serde(default)]
    pub minor: String,
    /// Major version of the emulated version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emulation_major: Option<String>,
    /// Minor version of the emulated version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emulation_minor: Option<String>,
    /// Major version of the minimum compatibility version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_compatibility_major: Option<String>,
    /// Minor version of the minimum compatibility version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_compatibility_minor: Option<String>,
    /// Full version, such as `"v1.32.13"`.
    #[serde(default)]
    pub git_version: String,
    /// Commit the binary was built from.
    #[serde(default)]
    pub git_commit: String,
    /// `"clean"` or `"dirty"`.
    #[serde(default)]
    pub git_tree_state: String,
    /// Build time, RFC 3339.
    #[serde(default)]
    pub build_date: String,
    /// Go version used for the build.
    #[serde(default)]
    pub go_version: String,
    /// Go compiler used for the build.
    #[serde(default)]
    pub compiler: String,
    /// `os/arch` of the binary.
    #[serde(default)]
    pub platform: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_a_real_response() {
        let json = r#"{"major":"1","minor":"32","gitVersion":"v1.32.13","gitCommit":"63adf010aa20e104c0b7043b47f42f50c9f72b17","gitTreeState":"clean","buildDate":"2026-11-22T05:16:38Z","goVersion":"go1.23.5","compiler":"gc","platform":"linux/amd64"}"#;
        let info: Info = serde_json::from_str(json).unwrap();
        assert_eq!(info.git_version, "v1.32.13");
        assert_eq!(serde_json::to_string(&info).unwrap(), json);
    }
}

//! `null` where a required list or map is expected reads as empty, as Go's
//! JSON decoder reads it (a nil slice or map). Generated code names
//! [`null_as_default`] in `#[serde(deserialize_with = …)]` on such fields.

use serde::{Deserialize, Deserializer};

/// Deserializes `null` as `T::default()`, anything else as `T`.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Holder {
        #[serde(deserialize_with = "super::null_as_default")]
        items: Vec<String>,
    }

    #[test]
    fn null_reads_as_empty_and_values_as_themselves() {
        let held: Holder = serde_json::from_str(r#"{"items": null}"#).unwrap();
        assert!(held.items.is_empty());
        let held: Holder = serde_json::from_str(r#"{"items": ["a"]}"#).unwrap();
        assert_eq!(held.items, ["a"]);
        assert!(
            serde_json::from_str::<Holder>("{}").is_err(),
            "still required"
        );
    }
}

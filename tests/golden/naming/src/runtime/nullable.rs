//! Serde support for optional *and* nullable fields, generated as `Option<Option<T>>`:
//! `None` is an absent field (skipped when encoding), `Some(None)` an explicit `null`,
//! `Some(Some(v))` a value. Plain `Option<T>` would fold `null` and absent together,
//! which loses the difference between "leave unchanged" and "clear" in PATCH bodies.
#![allow(
    dead_code,
    reason = "used only by generated crates whose spec has optional nullable fields"
)]

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Encodes `Some(None)` as `null` and `Some(Some(v))` as `v` (`None` is skipped by the
/// field's `skip_serializing_if`).
pub(crate) fn serialize<T: Serialize, S: Serializer>(
    value: &Option<Option<T>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(Some(v)) => v.serialize(serializer),
        _ => serializer.serialize_none(),
    }
}

/// Called only when the field is present: `null` becomes `Some(None)`. An absent field
/// never reaches here and takes the `#[serde(default)]` of `None`.
pub(crate) fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Option::is_none", with = "super")]
        name: Option<Option<String>>,
    }

    #[test]
    fn absent_null_and_value_stay_distinct() -> Result<(), serde_json::Error> {
        let absent: Patch = serde_json::from_str("{}")?;
        let null: Patch = serde_json::from_str(r#"{"name":null}"#)?;
        let value: Patch = serde_json::from_str(r#"{"name":"x"}"#)?;
        assert_eq!(absent.name, None);
        assert_eq!(null.name, Some(None));
        assert_eq!(value.name, Some(Some("x".into())));
        assert_eq!(serde_json::to_string(&absent)?, "{}");
        assert_eq!(serde_json::to_string(&null)?, r#"{"name":null}"#);
        assert_eq!(serde_json::to_string(&value)?, r#"{"name":"x"}"#);
        Ok(())
    }
}

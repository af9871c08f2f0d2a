//! The shared half of the generated struct decoders.
//!
//! Each generated struct implements `Deserialize` with one `visit_map` that matches a
//! key's position in the struct's list of wire names and reads the value straight into
//! its field. Recognising the key is done here, once for every struct, instead of by
//! a derived field enum and visitor per struct: the generated code stays one line per
//! field, which is most of what a crate with hundreds of types spends compiling.
//!
//! Behaviour matches a derived decoder for JSON objects, with two differences: a key
//! sent twice keeps its last value (as `serde_json::Value` does) instead of failing,
//! and a JSON array is not accepted in place of an object.
#![allow(
    dead_code,
    reason = "a crate whose structs all lack additional properties never asks for names"
)]

use serde::de::{DeserializeSeed, Deserializer, Error, Visitor};
use std::fmt;

/// Decodes an object key as its index in `names`, or `None` for a key the struct does
/// not know (its value is then skipped).
#[derive(Clone, Copy)]
pub(crate) struct FieldIndex(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| *name == key))
    }

    fn visit_bytes<E: Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(self.0.iter().position(|name| name.as_bytes() == key))
    }
}

/// Decodes an object key as its index in `names`, or the key itself when the struct
/// does not name it (its value then goes to the struct's additional properties).
#[derive(Clone, Copy)]
pub(crate) struct FieldOrName(pub(crate) &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldOrName {
    type Value = Result<usize, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldOrName {
    type Value = Result<usize, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self
            .0
            .iter()
            .position(|name| *name == key)
            .ok_or_else(|| key.to_owned()))
    }

    fn visit_string<E: Error>(self, key: String) -> Result<Self::Value, E> {
        match self.0.iter().position(|name| *name == key) {
            Some(i) => Ok(Ok(i)),
            None => Ok(Err(key)),
        }
    }

    fn visit_bytes<E: Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        match std::str::from_utf8(key) {
            Ok(key) => self.visit_str(key),
            Err(_) => Err(E::invalid_value(
                serde::de::Unexpected::Bytes(key),
                &"a UTF-8 field name",
            )),
        }
    }
}

/// The value of a required field, or the missing-field error naming it when the
/// object did not carry it. A function rather than a closure at each use, so that a
/// struct with many required fields adds no bodies for the compiler to check.
pub(crate) fn required<T, E: Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    match value {
        Some(v) => Ok(v),
        None => Err(E::missing_field(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct decoded the way generated ones are, with additional properties.
    #[derive(Debug, PartialEq)]
    struct Sample {
        id: String,
        note: Option<String>,
        extra: std::collections::BTreeMap<String, serde_json::Value>,
    }

    impl<'de> serde::Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Sample;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> Result<Sample, A::Error> {
                    let (mut id, mut note, mut extra) = (None, None, Default::default());
                    while let Some(key) = map.next_key_seed(FieldOrName(&["id", "note"]))? {
                        match key {
                            Ok(0) => id = Some(map.next_value()?),
                            Ok(_) => note = map.next_value()?,
                            Err(name) => {
                                let _ = std::collections::BTreeMap::insert(
                                    &mut extra,
                                    name,
                                    map.next_value()?,
                                );
                            }
                        }
                    }
                    Ok(Sample {
                        id: required(id, "id")?,
                        note,
                        extra,
                    })
                }
            }
            deserializer.deserialize_map(V)
        }
    }

    #[test]
    fn known_keys_fill_fields_and_the_rest_are_kept() -> Result<(), serde_json::Error> {
        let s: Sample = serde_json::from_str(r#"{"x":1,"id":"a","note":null,"y\u0041":2}"#)?;
        assert_eq!(s.id, "a");
        assert_eq!(s.note, None);
        assert_eq!(
            s.extra.keys().collect::<Vec<_>>(),
            ["x", "yA"],
            "an escaped key is decoded before it is matched"
        );
        let from_value: Sample = serde_json::from_value(serde_json::json!({"id": "b"}))?;
        assert_eq!(from_value.id, "b");
        Ok(())
    }

    #[test]
    fn a_missing_required_field_is_named() {
        let e = serde_json::from_str::<Sample>(r#"{"note":"n"}"#).err();
        assert_eq!(
            e.map(|e| e.to_string()),
            Some("missing field `id` at line 1 column 12".to_string())
        );
    }

    #[test]
    fn unknown_keys_are_skipped_by_index_lookup() -> Result<(), serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(r#""note""#);
        assert_eq!(FieldIndex(&["id", "note"]).deserialize(&mut de)?, Some(1));
        let mut de = serde_json::Deserializer::from_str(r#""other""#);
        assert_eq!(FieldIndex(&["id", "note"]).deserialize(&mut de)?, None);
        Ok(())
    }
}

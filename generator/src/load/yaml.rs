//! YAML (and JSON that serde_json refuses) read straight into a `serde_json::Value`.
//!
//! `serde_yaml::Value` cannot hold every number a YAML file can contain (an integer
//! below `i64::MIN` such as `-9223372036854776000` is read as an `i128` and rejected),
//! and it fails a whole file on a repeated mapping key. This reader takes every scalar
//! the YAML parser produces: integers beyond 64 bits become the nearest `f64` (as JSON
//! parsers read them), infinities the largest finite `f64` of their sign, NaN null;
//! mapping keys of any scalar type become strings (YAML `200:` is the key `"200"`), and
//! a repeated key keeps its last value. A tagged value (`!tag x`) is read as `x`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A JSON value read from YAML.
pub struct Json(pub Value);

fn float(f: f64) -> Value {
    let f = if f.is_infinite() {
        f64::MAX.copysign(f)
    } else {
        f
    };
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json(Value::from(v)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Json, E> {
        Ok(Json(match i64::try_from(v) {
            Ok(i) => Value::from(i),
            Err(_) => match u64::try_from(v) {
                Ok(u) => Value::from(u),
                Err(_) => float(v as f64),
            },
        }))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Json, E> {
        Ok(Json(match u64::try_from(v) {
            Ok(u) => Value::from(u),
            Err(_) => float(v as f64),
        }))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(Json(float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json(Value::String(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        Json::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        Json::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = Vec::new();
        while let Some(Json(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Json(Value::Array(out)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = Map::new();
        while let Some((Json(k), Json(v))) = map.next_entry()? {
            let key = match k {
                Value::String(s) => s,
                other => other.to_string(),
            };
            out.insert(key, v);
        }
        Ok(Json(Value::Object(out)))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Json, A::Error> {
        // A YAML tag: keep the tagged value, drop the tag.
        let (_tag, variant): (Json, _) = data.variant()?;
        de::VariantAccess::newtype_variant::<Json>(variant)
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Value {
        serde_yaml::from_str::<Json>(text).unwrap().0
    }

    #[test]
    fn integers_beyond_64_bits_are_read_as_floats() {
        assert_eq!(
            read("a: -9223372036854776000\nb: 18446744073709551615\nc: -.inf\n"),
            json!({"a": -9223372036854775808.0_f64, "b": 18446744073709551615_u64, "c": f64::MIN})
        );
    }

    #[test]
    fn keys_of_any_scalar_type_become_strings_and_repeats_keep_the_last() {
        assert_eq!(
            read("200: ok\ntrue: yes\nnull: n\nx: 1\nx: 2\n"),
            json!({"200": "ok", "true": "yes", "null": "n", "x": 2})
        );
    }
}

//! Unions on the wire.
//!
//! A union without a discriminator is decoded by evidence, never by the order of its
//! members: the generator records what each member knows (its properties, the
//! required ones, the ones with a single allowed value, the JSON type it takes), and
//! [`decode`] keeps only the members the payload fits, decodes each, and takes the
//! best by evidence. When the evidence cannot tell two members apart the JSON is kept
//! as it came (`Unknown`) rather than guessed. A sibling field that names the member
//! (declared in the generator's config) settles such ties through [`prefer`].
//!
//! A tagged union writes its tag from the variant that holds the value
//! ([`serialize_tagged`]), so the tag on the wire always matches the variant.
#![allow(
    dead_code,
    reason = "used only by generated crates whose spec has unions"
)]

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// The JSON type a union member accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// An object.
    Object,
    /// An array.
    Array,
    /// A string.
    String,
    /// An integer.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Bool,
    /// Anything: only decoding tells.
    Any,
}

/// What the generator knew about one member of an untagged union.
#[derive(Debug)]
pub(crate) struct Member {
    shape: Shape,
    /// Objects: every property the member has.
    known: &'static [&'static str],
    /// Objects: properties that must be present.
    required: &'static [&'static str],
    /// Objects: properties with a single allowed value, and that value.
    fixed: &'static [(&'static str, &'static str)],
    /// Objects: keeps properties it does not name. Strings: any value, not only `values`.
    open: bool,
    /// Strings: the values the member admits (when not `open`).
    values: &'static [&'static str],
}

impl Member {
    /// An object member.
    pub(crate) const fn object(
        known: &'static [&'static str],
        required: &'static [&'static str],
        fixed: &'static [(&'static str, &'static str)],
        open: bool,
    ) -> Self {
        Self {
            shape: Shape::Object,
            known,
            required,
            fixed,
            open,
            values: &[],
        }
    }

    /// A string member admitting only `values` (a string enum).
    pub(crate) const fn one_of(values: &'static [&'static str]) -> Self {
        Self {
            shape: Shape::String,
            known: &[],
            required: &[],
            fixed: &[],
            open: false,
            values,
        }
    }

    /// A member known only by its JSON type.
    pub(crate) const fn of(shape: Shape) -> Self {
        Self {
            shape,
            known: &[],
            required: &[],
            fixed: &[],
            open: true,
            values: &[],
        }
    }

    /// Whether the payload can be this member at all, before decoding it.
    fn admits(&self, value: &Value, members: &[Member]) -> bool {
        match (self.shape, value) {
            (Shape::Any, _)
            | (Shape::Array, Value::Array(_))
            | (Shape::Number, Value::Number(_))
            | (Shape::Bool, Value::Bool(_)) => true,
            (Shape::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            (Shape::String, Value::String(s)) => self.open || self.values.contains(&s.as_str()),
            (Shape::Object, Value::Object(map)) => {
                self.required.iter().all(|k| map.contains_key(*k))
                    && self
                        .fixed
                        .iter()
                        .all(|(k, v)| map.get(*k).is_none_or(|x| x.as_str() == Some(*v)))
                    // A member that would drop a property another member knows is wrong.
                    && (self.open
                        || map.keys().all(|k| {
                            self.knows(k) || !members.iter().any(|m| m.knows(k))
                        }))
            }
            _ => false,
        }
    }

    fn knows(&self, key: &str) -> bool {
        self.known.contains(&key)
    }

    /// Evidence for this member, strongest first: fixed values it matches (for a string
    /// enum, the value being one of its own), required properties present, known
    /// properties present.
    fn evidence(&self, value: &Value) -> (usize, usize, usize) {
        let Value::Object(map) = value else {
            let listed = self.shape == Shape::String && !self.open;
            return (usize::from(listed), 0, 0);
        };
        (
            self.fixed.iter().filter(|(k, _)| map.contains_key(*k)).count(),
            self.required.len(),
            map.keys().filter(|k| self.knows(k)).count(),
        )
    }
}

/// An untagged union: its members' evidence and how to decode each.
pub(crate) trait Untagged: Serialize + Sized {
    /// One entry per member, in variant order.
    const MEMBERS: &'static [Member];
    /// Decodes member `index` from `value`, `None` when it does not fit.
    fn member(index: usize, value: Value) -> Option<Self>;
    /// The value kept verbatim.
    fn unknown(value: Value) -> Self;
}

/// `Deserialize` for an untagged union: the JSON first, then [`decode`].
pub(crate) fn deserialize<'de, U: Untagged, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<U, D::Error> {
    Value::deserialize(deserializer).map(|value| decode(value, None))
}

/// Chooses and decodes the member of `value`. `hint` (a member index) wins among the
/// members the payload fits; otherwise a member that re-encodes to the same JSON beats
/// one that does not, then the evidence decides. A tie is kept as `Unknown`.
pub(crate) fn decode<U: Untagged>(value: Value, hint: Option<usize>) -> U {
    let members = U::MEMBERS;
    let mut decoded: Vec<U> = Vec::new();
    let mut scores = Vec::new();
    for (i, m) in members.iter().enumerate() {
        if !m.admits(&value, members) {
            continue;
        }
        if let Some(u) = U::member(i, value.clone()) {
            let lossless = serde_json::to_value(&u).is_ok_and(|back| keeps(&value, &back, members));
            scores.push((hint == Some(i), lossless, m.evidence(&value)));
            decoded.push(u);
        }
    }
    let Some(best) = scores.iter().max() else {
        return U::unknown(value);
    };
    let mut at = scores.iter().enumerate().filter(|(_, s)| *s == best);
    match (at.next(), at.next()) {
        (Some((i, _)), None) => decoded.swap_remove(i),
        _ => U::unknown(value),
    }
}

/// Re-decides the member of a decoded union, preferring member `index` (named by a
/// sibling field) wherever the payload fits it.
pub(crate) fn prefer<U: Untagged>(union: &mut U, index: usize) {
    if let Ok(value) = serde_json::to_value(&*union) {
        *union = decode(value, Some(index));
    }
}

/// Whether a member's encoding keeps what matters of the payload: every property some
/// member knows (with its `null`ness), or for other JSON the very same value.
fn keeps(original: &Value, back: &Value, members: &[Member]) -> bool {
    match (original, back) {
        (Value::Object(a), Value::Object(b)) => a.iter().all(|(k, v)| {
            !members.iter().any(|m| m.knows(k))
                || b.get(k).is_some_and(|w| w.is_null() == v.is_null())
        }),
        _ => original == back,
    }
}

/// The text of a tag field (`Option<Option<T>>`, an enum, a string...), if it has one.
pub(crate) fn tag_text<T: Serialize>(field: &T) -> Option<String> {
    match serde_json::to_value(field) {
        Ok(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// Encodes a member of a tagged union with its tag: the value's own tag when it is one
/// that selects this variant, otherwise the variant's first tag value.
pub(crate) fn serialize_tagged<T: Serialize, S: Serializer>(
    member: &T,
    tag: &str,
    values: &[&str],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut value = serde_json::to_value(member).map_err(serde::ser::Error::custom)?;
    if let (Value::Object(map), Some(first)) = (&mut value, values.first()) {
        let own = map.get(tag).and_then(Value::as_str);
        if !own.is_some_and(|t| values.contains(&t)) {
            map.insert(tag.to_string(), Value::String((*first).to_string()));
        }
    }
    value.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `{a, b}` or `{a, c}` or a string.
    #[derive(Debug, PartialEq, Serialize)]
    #[serde(untagged)]
    enum Ab {
        B(BTreeObject),
        C(BTreeObject),
        Text(String),
        Unknown(Value),
    }

    type BTreeObject = std::collections::BTreeMap<String, Value>;

    fn only(value: Value, keys: &[&str]) -> Option<BTreeObject> {
        let map: BTreeObject = serde_json::from_value(value).ok()?;
        map.keys().all(|k| keys.contains(&k.as_str())).then_some(map)
    }

    impl Untagged for Ab {
        const MEMBERS: &'static [Member] = &[
            Member::object(&["a", "b"], &[], &[], false),
            Member::object(&["a", "c"], &[], &[], false),
            Member::of(Shape::String),
        ];
        fn member(index: usize, value: Value) -> Option<Self> {
            match index {
                0 => only(value, &["a", "b"]).map(Self::B),
                1 => only(value, &["a", "c"]).map(Self::C),
                2 => serde_json::from_value(value).ok().map(Self::Text),
                _ => None,
            }
        }
        fn unknown(value: Value) -> Self {
            Self::Unknown(value)
        }
    }

    #[test]
    fn the_member_that_knows_every_key_wins_and_ties_stay_unknown() {
        assert!(matches!(decode::<Ab>(json!({"a": 1, "c": 2}), None), Ab::C(_)));
        assert!(matches!(decode::<Ab>(json!({"b": 1}), None), Ab::B(_)));
        assert!(matches!(decode::<Ab>(json!("x"), None), Ab::Text(_)));
        assert_eq!(
            decode::<Ab>(json!({"a": 1}), None),
            Ab::Unknown(json!({"a": 1}))
        );
        // A hint settles a tie, never a misfit.
        assert!(matches!(decode::<Ab>(json!({"a": 1}), Some(1)), Ab::C(_)));
        assert!(matches!(decode::<Ab>(json!({"b": 1}), Some(1)), Ab::B(_)));
    }

    #[test]
    fn tagged_members_are_written_with_their_own_tag() -> Result<(), serde_json::Error> {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::new(&mut out);
        serialize_tagged(&json!({"kind": "other", "x": 1}), "kind", &["card"], &mut ser)?;
        assert_eq!(
            serde_json::from_slice::<Value>(&out)?,
            json!({"kind": "card", "x": 1})
        );
        Ok(())
    }
}

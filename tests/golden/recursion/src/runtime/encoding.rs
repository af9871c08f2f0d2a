//! Turning Rust values into the text of URL paths and query strings.
//!
//! Path parameters are percent-encoded here, by the SDK, rather than left to the
//! URL parser: a parser leaves `/`, `?` and `#` alone, so an identifier such as
//! `a/b` would silently address a different resource. Query values are only
//! rendered to strings here; [`reqwest::Url`] form-encodes them when the request
//! is built.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::error::{EncodeError, ValidationError};

/// Percent-encodes one path segment.
///
/// Every byte of the UTF-8 encoding is escaped except the RFC 3986 *unreserved*
/// characters (`A-Z a-z 0-9 - . _ ~`), so the result can never add a segment
/// (`/`), start a query (`?`) or a fragment (`#`).
#[allow(
    dead_code,
    reason = "used only by generated crates whose spec has path parameters"
)]
pub(crate) fn encode_path_segment(s: &str) -> String {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    // Identifiers are usually sent as they are.
    if s.bytes().all(unreserved) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if unreserved(b) {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Encodes a path parameter, refusing values that would change which resource
/// the request addresses.
///
/// An empty value would collapse `/payouts/{id}` into `/payouts/` (often the list
/// endpoint), and `.` / `..` are removed by URL normalisation whatever their
/// encoding, so all three are rejected before anything is sent.
#[allow(
    dead_code,
    reason = "used only by generated crates whose spec has path parameters"
)]
pub(crate) fn path_param(field: &'static str, value: &str) -> Result<String, ValidationError> {
    match value {
        "" => Err(ValidationError::new(field, "must not be empty")),
        "." | ".." => Err(ValidationError::new(
            field,
            "must not be `.` or `..`, which URLs cannot carry as a path segment",
        )),
        _ => Ok(encode_path_segment(value)),
    }
}

/// A value that can be sent as a query parameter.
///
/// `to_query` pushes the textual form of each value to send under the
/// parameter's name: nothing for an absent value, one string for a scalar, one
/// per element for a list. Lists therefore come out as repeated pairs
/// (`status=a&status=b`), the OpenAPI default of `style: form, explode: true`;
/// wrap a list in [`CommaSeparated`] for `explode: false`.
///
/// Generated string enums implement it through their `Display`, either by hand:
///
/// ```ignore
/// impl ToQuery for PayoutStatus {
///     fn to_query(&self, out: &mut Vec<String>) {
///         out.push(self.to_string())
///     }
/// }
/// ```
///
/// or with the [`impl_to_query_via_display!`] macro.
pub(crate) trait ToQuery {
    /// Appends the query value(s) for `self` to `out`.
    fn to_query(&self, out: &mut Vec<String>);
}

/// Implements [`ToQuery`] for types whose `Display` output is their wire form,
/// such as generated string enums.
#[allow(
    unused_macros,
    reason = "used only by generated crates whose spec has enum query parameters"
)]
macro_rules! impl_to_query_via_display {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl $crate::runtime::ToQuery for $ty {
                fn to_query(&self, out: &mut ::std::vec::Vec<::std::string::String>) {
                    out.push(::std::string::ToString::to_string(self));
                }
            }
        )+
    };
}
#[allow(
    unused_imports,
    reason = "used only by generated crates whose spec has enum query parameters"
)]
pub(crate) use impl_to_query_via_display;

impl ToQuery for str {
    fn to_query(&self, out: &mut Vec<String>) {
        out.push(self.to_owned());
    }
}

impl ToQuery for String {
    fn to_query(&self, out: &mut Vec<String>) {
        out.push(self.clone());
    }
}

impl ToQuery for bool {
    fn to_query(&self, out: &mut Vec<String>) {
        out.push(if *self { "true" } else { "false" }.to_owned());
    }
}

macro_rules! to_query_via_to_string {
    ($($ty:ty),+) => {
        $(
            impl ToQuery for $ty {
                fn to_query(&self, out: &mut Vec<String>) {
                    out.push(self.to_string());
                }
            }
        )+
    };
}
to_query_via_to_string!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32, f64
);
// RFC 3339 in UTC (`2025-02-18T12:03:44Z`, fractional seconds only when there are
// any) and `YYYY-MM-DD`: the `Display` forms of both.
to_query_via_to_string!(jiff::Timestamp, jiff::civil::Date);

impl<T: ToQuery + ?Sized> ToQuery for &T {
    fn to_query(&self, out: &mut Vec<String>) {
        (**self).to_query(out);
    }
}

impl<T: ToQuery> ToQuery for Option<T> {
    fn to_query(&self, out: &mut Vec<String>) {
        if let Some(v) = self {
            v.to_query(out);
        }
    }
}

impl<T: ToQuery> ToQuery for [T] {
    fn to_query(&self, out: &mut Vec<String>) {
        for v in self {
            v.to_query(out);
        }
    }
}

impl<T: ToQuery> ToQuery for Vec<T> {
    fn to_query(&self, out: &mut Vec<String>) {
        self.as_slice().to_query(out);
    }
}

/// Sends a list as one comma-separated value (`status=a,b`), for parameters
/// declared with `style: form, explode: false`. An empty list sends nothing.
#[allow(
    dead_code,
    reason = "used only by generated crates whose spec has explode: false lists"
)]
pub(crate) struct CommaSeparated<'a, T>(pub(crate) &'a [T]);

impl<T: ToQuery> ToQuery for CommaSeparated<'_, T> {
    fn to_query(&self, out: &mut Vec<String>) {
        let mut parts = Vec::new();
        self.0.to_query(&mut parts);
        if !parts.is_empty() {
            out.push(parts.join(","));
        }
    }
}

/// How a parameter or form field is written: the spec's `style`, or JSON text
/// for a parameter declared with `content: application/json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "generated code names only the styles its spec uses"
)]
pub(crate) enum Style {
    /// `a=1&a=2` (explode) or `a=1,2`; objects `k=v&k2=v2` (explode) or `a=k,v,k2,v2`.
    Form,
    /// `1,2`; objects `k,v,k2,v2`, or `k=v,k2=v2` with explode (paths, headers).
    Simple,
    /// `a=1 2` for arrays.
    SpaceDelimited,
    /// `a=1|2` for arrays.
    PipeDelimited,
    /// `a[k]=v`, nested as `a[k][k2]=v`, with list items indexed `a[k][0]=v`.
    DeepObject,
    /// The value as JSON text.
    Json,
}

/// The text of a scalar JSON value: strings without quotes, numbers and
/// booleans as written, `null` empty. Arrays and objects give their JSON text.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// Serialises a value for a parameter.
fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, EncodeError> {
    serde_json::to_value(value)
        .map_err(|e| EncodeError::with_source("could not serialise a parameter", e))
}

/// `prefix[k]...=v` pairs for a nested value; list items are indexed.
fn deep_pairs(prefix: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                deep_pairs(format!("{prefix}[{i}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                deep_pairs(format!("{prefix}[{k}]"), v, out);
            }
        }
        scalar => out.push((prefix, scalar_text(scalar))),
    }
}

/// Joins the elements of a list (or the keys and values of an object) into one
/// value with `sep`; nested values are written as JSON text.
fn joined(value: &Value, sep: &str, explode_object: bool) -> String {
    match value {
        Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(sep),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                if explode_object {
                    format!("{k}={}", scalar_text(v))
                } else {
                    format!("{k}{sep}{}", scalar_text(v))
                }
            })
            .collect::<Vec<_>>()
            .join(sep),
        scalar => scalar_text(scalar),
    }
}

/// The `(name, value)` pairs that carry `value` as the parameter (or form field)
/// `name`. `null` sends nothing.
pub(crate) fn styled_pairs(
    name: &str,
    value: &Value,
    style: Style,
    explode: bool,
    out: &mut Vec<(String, String)>,
) {
    if value.is_null() {
        return;
    }
    if is_scalar(value) && style != Style::Json {
        out.push((name.to_owned(), scalar_text(value)));
        return;
    }
    match style {
        Style::Json => out.push((name.to_owned(), value.to_string())),
        Style::DeepObject => deep_pairs(name.to_owned(), value, out),
        Style::Form | Style::SpaceDelimited | Style::PipeDelimited if explode => match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if is_scalar(item) {
                        out.push((name.to_owned(), scalar_text(item)));
                    } else {
                        deep_pairs(format!("{name}[{i}]"), item, out);
                    }
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    if is_scalar(v) {
                        out.push((k.clone(), scalar_text(v)));
                    } else {
                        deep_pairs(k.clone(), v, out);
                    }
                }
            }
            _ => {}
        },
        Style::SpaceDelimited => out.push((name.to_owned(), joined(value, " ", false))),
        Style::PipeDelimited => out.push((name.to_owned(), joined(value, "|", false))),
        Style::Form | Style::Simple => out.push((name.to_owned(), joined(value, ",", false))),
    }
}

/// The text of a parameter written as one value (path, header and cookie
/// parameters): `simple` style, or JSON text for [`Style::Json`].
#[allow(
    dead_code,
    reason = "used only by generated crates whose spec has such parameters"
)]
pub(crate) fn param_text<T: Serialize + ?Sized>(
    value: &T,
    style: Style,
    explode: bool,
) -> Result<String, EncodeError> {
    let value = to_value(value)?;
    Ok(match style {
        Style::Json if !value.is_null() => value.to_string(),
        _ if value.is_object() => joined(&value, ",", explode),
        _ => joined(&value, ",", false),
    })
}

/// The query pairs of any serialisable parameter value.
pub(crate) fn query_pairs<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<Vec<(String, String)>, EncodeError> {
    let mut out = Vec::new();
    styled_pairs(name, &to_value(value)?, style, explode, &mut out);
    Ok(out)
}

/// The pairs of an `application/x-www-form-urlencoded` body.
///
/// Each property of the (object) body is one field. A property listed in
/// `encoding` follows its style and explode; any other is written the way
/// form-encoded APIs expect: scalars as `k=v`, lists as repeated `k=v`, objects
/// in brackets (`k[a][b]=v`, list items inside indexed `k[a][0]=v`), and an
/// explicit `null` as an empty value.
pub(crate) fn form_pairs<T: Serialize + ?Sized>(
    body: &T,
    encoding: &[(&str, Style, bool)],
) -> Result<Vec<(String, String)>, EncodeError> {
    let value = serde_json::to_value(body)
        .map_err(|e| EncodeError::with_source("could not serialise the request body", e))?;
    let Value::Object(map) = value else {
        return Err(EncodeError::msg(
            "a form-encoded request body must be an object",
        ));
    };
    let mut out = Vec::new();
    for (k, v) in &map {
        match encoding.iter().find(|(name, ..)| name == k) {
            Some((_, style, explode)) => styled_pairs(k, v, *style, *explode, &mut out),
            None if v.is_null() => out.push((k.clone(), String::new())),
            None if v.is_object() => deep_pairs(k.clone(), v, &mut out),
            None => styled_pairs(k, v, Style::Form, true, &mut out),
        }
    }
    Ok(out)
}

/// Percent-encodes a cookie value: everything outside RFC 6265's cookie octets
/// (controls, space, `"`, `,`, `;`, `\`, `%` and non-ASCII) is escaped.
#[allow(
    dead_code,
    reason = "used only by generated crates whose spec has cookie parameters"
)]
pub(crate) fn encode_cookie_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if (0x21..=0x7e).contains(&b) && !matches!(b, b'"' | b',' | b';' | b'\\' | b'%') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(v: impl ToQuery) -> Vec<String> {
        let mut out = Vec::new();
        v.to_query(&mut out);
        out
    }

    #[test]
    fn path_segment_keeps_unreserved_only() {
        assert_eq!(encode_path_segment("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(encode_path_segment("a b"), "a%20b");
        assert_eq!(encode_path_segment("a/b"), "a%2Fb");
        assert_eq!(encode_path_segment("?#%+&="), "%3F%23%25%2B%26%3D");
        // Unicode is escaped byte by byte from its UTF-8 form.
        assert_eq!(encode_path_segment("é"), "%C3%A9");
        assert_eq!(encode_path_segment("日"), "%E6%97%A5");
        assert_eq!(encode_path_segment(""), "");
    }

    #[test]
    fn path_param_rejects_values_that_change_the_target() {
        assert_eq!(
            path_param("id", "payout_1").ok().as_deref(),
            Some("payout_1")
        );
        assert_eq!(path_param("id", "a/b").ok().as_deref(), Some("a%2Fb"));
        for bad in ["", ".", ".."] {
            let err = path_param("id", bad).err();
            assert_eq!(
                err.as_ref().map(ValidationError::field),
                Some("id"),
                "{bad:?}"
            );
        }
        assert_eq!(path_param("id", "...").ok().as_deref(), Some("..."));
    }

    #[test]
    fn scalars_render_their_wire_form() {
        assert_eq!(q(true), ["true"]);
        assert_eq!(q(false), ["false"]);
        assert_eq!(q(-42i64), ["-42"]);
        assert_eq!(q(7u8), ["7"]);
        assert_eq!(q(1.5f64), ["1.5"]);
        assert_eq!(q(0.25f32), ["0.25"]);
        assert_eq!(q("a b"), ["a b"]);
        assert_eq!(q(String::from("x")), ["x"]);
    }

    #[test]
    fn options_send_nothing_when_absent() {
        assert!(q(None::<u32>).is_empty());
        assert_eq!(q(Some(3u32)), ["3"]);
        assert!(q(Some(None::<bool>)).is_empty());
    }

    #[test]
    fn lists_explode_into_repeated_values() {
        assert_eq!(q(vec!["a", "b"]), ["a", "b"]);
        assert_eq!(q(&[1u32, 2, 3][..]), ["1", "2", "3"]);
        assert!(q(Vec::<String>::new()).is_empty());
        assert_eq!(q(Some(vec![true, false])), ["true", "false"]);
    }

    #[test]
    fn comma_separated_joins_into_one_value() {
        assert_eq!(q(CommaSeparated(&["a", "b"])), ["a,b"]);
        assert!(q(CommaSeparated::<u8>(&[])).is_empty());
    }

    #[test]
    fn display_macro_uses_display() {
        struct Status;
        impl std::fmt::Display for Status {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("in_progress")
            }
        }
        impl_to_query_via_display!(Status);
        assert_eq!(q(Status), ["in_progress"]);
        assert_eq!(q(vec![Status, Status]), ["in_progress", "in_progress"]);
    }

    fn pairs(name: &str, value: Value, style: Style, explode: bool) -> Vec<(String, String)> {
        let mut out = Vec::new();
        styled_pairs(name, &value, style, explode, &mut out);
        out
    }

    fn owned(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// Object keys come out in the map order of `serde_json` (sorted, or document
    /// order with its `preserve_order` feature): compare without it. Repeated
    /// keys keep their relative order under a stable sort.
    fn sorted(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    #[test]
    fn styles_write_lists_and_objects_as_openapi_describes() {
        use serde_json::json;
        let list = json!(["a", 1, true]);
        assert_eq!(
            pairs("x", list.clone(), Style::Form, true),
            owned(&[("x", "a"), ("x", "1"), ("x", "true")])
        );
        assert_eq!(pairs("x", list.clone(), Style::Form, false), owned(&[("x", "a,1,true")]));
        assert_eq!(
            pairs("x", list.clone(), Style::SpaceDelimited, false),
            owned(&[("x", "a 1 true")])
        );
        assert_eq!(pairs("x", list, Style::PipeDelimited, false), owned(&[("x", "a|1|true")]));
        let obj = json!({"role": "admin", "n": 5});
        assert_eq!(
            sorted(pairs("p", obj.clone(), Style::Form, true)),
            owned(&[("n", "5"), ("role", "admin")])
        );
        let one = json!({"role": "admin"});
        assert_eq!(pairs("p", one.clone(), Style::Form, false), owned(&[("p", "role,admin")]));
        assert_eq!(
            sorted(pairs("p", obj, Style::DeepObject, true)),
            owned(&[("p[n]", "5"), ("p[role]", "admin")])
        );
        assert_eq!(pairs("p", one, Style::Json, false), owned(&[("p", r#"{"role":"admin"}"#)]));
        let nested = json!({"a": {"b": {"c": "v"}, "l": [1, {"z": null}]}});
        assert_eq!(
            sorted(pairs("q", nested, Style::DeepObject, true)),
            owned(&[("q[a][b][c]", "v"), ("q[a][l][0]", "1"), ("q[a][l][1][z]", "")])
        );
        assert!(pairs("q", Value::Null, Style::Form, true).is_empty());
        assert_eq!(pairs("s", json!("a b"), Style::DeepObject, true), owned(&[("s", "a b")]));
        assert_eq!(pairs("s", json!("x"), Style::Json, false), owned(&[("s", "\"x\"")]));
    }

    #[test]
    fn single_value_parameters_use_the_simple_style() -> Result<(), EncodeError> {
        use serde_json::json;
        assert_eq!(param_text(&vec![1, 2], Style::Simple, false)?, "1,2");
        assert_eq!(param_text(&json!({"a": 1}), Style::Simple, false)?, "a,1");
        assert_eq!(param_text(&json!({"a": 1}), Style::Simple, true)?, "a=1");
        assert_eq!(param_text("plain", Style::Simple, false)?, "plain");
        assert_eq!(param_text(&json!({"a": [1]}), Style::Json, false)?, r#"{"a":[1]}"#);
        assert_eq!(encode_cookie_value("a b;c,\"d\"%é"), "a%20b%3Bc%2C%22d%22%25%C3%A9");
        assert_eq!(encode_cookie_value("tok_123-=/"), "tok_123-=/");
        Ok(())
    }

    #[test]
    fn form_bodies_bracket_objects_and_follow_declared_encodings() -> Result<(), EncodeError> {
        use serde_json::json;
        let body = json!({
            "grant_type": "password",
            "scopes": ["a", "b"],
            "tags": ["x", "y"],
            "card": {"exp": {"month": 1}, "lines": ["l1"]},
            "meta": {"k": "v"},
            "note": null,
            "flags": {"on": true}
        });
        let encoding = [
            ("tags", Style::Form, false),
            ("meta", Style::Json, false),
            ("flags", Style::Form, true),
        ];
        assert_eq!(
            sorted(form_pairs(&body, &encoding)?),
            owned(&[
                ("card[exp][month]", "1"),
                ("card[lines][0]", "l1"),
                ("grant_type", "password"),
                ("meta", r#"{"k":"v"}"#),
                ("note", ""),
                ("on", "true"),
                ("scopes", "a"),
                ("scopes", "b"),
                ("tags", "x,y"),
            ])
        );
        assert!(form_pairs(&json!([1, 2]), &[]).is_err(), "not an object");
        Ok(())
    }
}

//! `multipart/form-data` bodies (file uploads).
//!
//! [`reqwest::multipart::Form`] is consumed when sent and cannot be cloned, so
//! the request keeps this description instead and rebuilds a fresh form for
//! every attempt.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use reqwest::multipart::{Form, Part};
use serde::Serialize;
use serde_json::Value;

use super::error::EncodeError;

/// A file to upload: its bytes, the file name sent to the server, and its
/// media type.
///
/// ```ignore
/// let part = FilePart::new(std::fs::read("passport.pdf")?, "passport.pdf", "application/pdf");
/// ```
///
/// The same type is the body of operations that upload raw bytes
/// (`application/octet-stream`, `image/png`...), where the media type is the
/// operation's unless the API accepts any (`*/*`).
///
/// In JSON (rare: a `format: binary` string inside a JSON document) a file is
/// written as its text, which must be UTF-8, and read from a string.
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    bytes: bytes::Bytes,
    file_name: String,
    content_type: String,
}

impl FilePart {
    /// A file with the given contents, name and media type (such as
    /// `application/pdf`).
    pub fn new(
        bytes: impl Into<bytes::Bytes>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
    ) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: file_name.into(),
            content_type: content_type.into(),
        }
    }

    /// A file from bytes alone, named `file` and typed
    /// `application/octet-stream`; refine with [`FilePart::with_file_name`] and
    /// [`FilePart::with_content_type`].
    pub fn from_bytes(bytes: impl Into<bytes::Bytes>) -> Self {
        Self::new(bytes, "file", "application/octet-stream")
    }

    /// Reads a file from disk, naming the part after the file and guessing its
    /// media type from common extensions (otherwise `application/octet-stream`).
    ///
    /// This reads synchronously; in async code with large files prefer reading
    /// with your runtime's file API and calling [`FilePart::new`].
    pub fn from_path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        let file_name = path
            .file_name()
            .map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned());
        let content_type = guess_content_type(&file_name);
        Ok(Self::new(bytes, file_name, content_type))
    }

    /// Replaces the file name sent to the server.
    pub fn with_file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = file_name.into();
        self
    }

    /// Replaces the media type.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// The file's contents.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The file name sent to the server.
    pub fn file_name(&self) -> &str {
        &self.file_name
    }

    /// The media type sent to the server.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The contents, shared (cloning is cheap).
    pub fn shared_bytes(&self) -> bytes::Bytes {
        self.bytes.clone()
    }

    /// The size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn to_part(&self) -> Result<Part, EncodeError> {
        Part::stream_with_length(
            reqwest::Body::from(self.bytes.clone()),
            u64::try_from(self.bytes.len()).unwrap_or(u64::MAX),
        )
            .file_name(self.file_name.clone())
            .mime_str(&self.content_type)
            .map_err(|e| {
                EncodeError::with_source(
                    format!(
                        "invalid content type `{}` for a file part",
                        self.content_type
                    ),
                    e,
                )
            })
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<bytes::Bytes> for FilePart {
    fn from(bytes: bytes::Bytes) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(bytes: &'static [u8]) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<String> for FilePart {
    fn from(text: String) -> Self {
        Self::new(text, "file.txt", "text/plain")
    }
}

impl Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.bytes) {
            Ok(text) => serializer.serialize_str(text),
            Err(_) => Err(serde::ser::Error::custom(
                "a file that is not UTF-8 text cannot be written inside JSON",
            )),
        }
    }
}

impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Self::from_bytes(text))
    }
}

impl fmt::Debug for FilePart {
    /// Shows the size rather than the contents, which may be large or private.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

fn guess_content_type(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "tif" | "tiff" => "image/tiff",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "json" => "application/json",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// The text of a non-file multipart field.
///
/// Strings are sent as they are (no JSON quotes), numbers and booleans in their
/// JSON form, `null` as an empty field, and objects and arrays as JSON text,
/// which is what OpenAPI prescribes for complex values in `multipart/form-data`.
#[allow(
    dead_code,
    reason = "used only by generated crates whose spec has multipart operations"
)]
pub(crate) fn multipart_text<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(Value::Null) => String::new(),
        Ok(other) => other.to_string(),
        Err(e) => {
            // Only maps with non-string keys fail here; the schema never allows them.
            tracing::warn!(error = %e, "could not encode a multipart field; sending it empty");
            String::new()
        }
    }
}

/// The fields of a `multipart/form-data` body, in order.
#[derive(Debug, Clone, Default)]
#[allow(
    dead_code,
    reason = "used only by generated crates whose spec has multipart operations"
)]
pub(crate) struct MultipartBody {
    fields: Vec<(Cow<'static, str>, Field)>,
}

#[derive(Debug, Clone)]
enum Field {
    Text(String),
    File(FilePart),
}

#[allow(
    dead_code,
    reason = "used only by generated crates whose spec has multipart operations"
)]
impl MultipartBody {
    /// An empty form.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds a text field. Call repeatedly with one name to send a list.
    pub(crate) fn text(&mut self, name: &'static str, value: String) {
        self.fields.push((Cow::Borrowed(name), Field::Text(value)));
    }

    /// Adds a text field whose name is only known at run time (additional
    /// properties).
    pub(crate) fn text_named(&mut self, name: String, value: String) {
        self.fields.push((Cow::Owned(name), Field::Text(value)));
    }

    /// Adds a file field.
    pub(crate) fn file(&mut self, name: &'static str, part: FilePart) {
        self.fields.push((Cow::Borrowed(name), Field::File(part)));
    }

    /// A form with one text field per property of a serialisable body (for
    /// bodies that are not a generated struct): strings as they are, other
    /// values as JSON text, `null` left out.
    pub(crate) fn from_serialize<T: Serialize + ?Sized>(body: &T) -> Result<Self, EncodeError> {
        let value = serde_json::to_value(body)
            .map_err(|e| EncodeError::with_source("could not serialise the request body", e))?;
        let Value::Object(map) = value else {
            return Err(EncodeError::msg(
                "a multipart/form-data request body must be an object",
            ));
        };
        let mut form = Self::new();
        for (k, v) in map {
            if !v.is_null() {
                form.fields.push((Cow::Owned(k), Field::Text(multipart_text(&v))));
            }
        }
        Ok(form)
    }

    /// Builds a fresh form for one attempt.
    pub(crate) fn to_form(&self) -> Result<Form, EncodeError> {
        self.fields
            .iter()
            .try_fold(Form::new(), |form, (name, field)| match field {
                Field::Text(v) => Ok(form.text(name.clone(), v.clone())),
                Field::File(f) => Ok(form.part(name.clone(), f.to_part()?)),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_length_not_contents() {
        let part = FilePart::new(
            b"secret-passport-bytes".to_vec(),
            "p.pdf",
            "application/pdf",
        );
        let dbg = format!("{part:?}");
        assert!(dbg.contains("len: 21"), "{dbg}");
        assert!(!dbg.contains("secret"), "{dbg}");
        assert!(!dbg.contains("115"), "no byte values: {dbg}");
    }

    #[test]
    fn builders_and_guessing() {
        let p = FilePart::from_bytes(vec![1, 2, 3])
            .with_file_name("a.PNG")
            .with_content_type("image/png");
        assert_eq!(
            (p.file_name(), p.content_type(), p.len(), p.is_empty()),
            ("a.PNG", "image/png", 3, false)
        );
        assert_eq!(guess_content_type("scan.PDF"), "application/pdf");
        assert_eq!(guess_content_type("photo.jpeg"), "image/jpeg");
        assert_eq!(guess_content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn from_path_reads_name_and_type() -> std::io::Result<()> {
        let dir = std::env::temp_dir().join(format!("sdk-mp-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("statement.csv");
        std::fs::write(&path, "a,b\n")?;
        let part = FilePart::from_path(&path)?;
        std::fs::remove_dir_all(&dir)?;
        assert_eq!(part.file_name(), "statement.csv");
        assert_eq!(part.content_type(), "text/csv");
        assert_eq!(part.bytes(), b"a,b\n");
        Ok(())
    }

    #[test]
    fn text_fields_use_the_plain_or_json_form() {
        assert_eq!(multipart_text("kyc"), "kyc");
        assert_eq!(multipart_text(&String::from("a \"b\"")), "a \"b\"");
        assert_eq!(multipart_text(&42i64), "42");
        assert_eq!(multipart_text(&true), "true");
        assert_eq!(multipart_text(&None::<u8>), "");
        assert_eq!(multipart_text(&vec!["a", "b"]), r#"["a","b"]"#);
        assert_eq!(multipart_text(&serde_json::json!({"k": 1})), r#"{"k":1}"#);
    }

    #[test]
    fn form_is_rebuilt_and_bad_types_are_encode_errors() {
        let mut body = MultipartBody::new();
        body.text("purpose", "kyc".into());
        body.file(
            "file",
            FilePart::new(vec![0u8; 4], "x.bin", "application/octet-stream"),
        );
        assert!(body.to_form().is_ok());
        assert!(body.to_form().is_ok(), "a second attempt gets its own form");
        body.file("bad", FilePart::new(vec![], "y", "not a mime type"));
        let err = body
            .to_form()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("not a mime type"), "{err}");
    }
}

//! `multipart/form-data` bodies (file uploads).
//!
//! [`reqwest::multipart::Form`] is consumed when sent and cannot be cloned, so
//! the request keeps this description instead and rebuilds a fresh form for
//! every attempt.

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
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    bytes: Vec<u8>,
    file_name: String,
    content_type: String,
}

impl FilePart {
    /// A file with the given contents, name and media type (such as
    /// `application/pdf`).
    pub fn new(
        bytes: impl Into<Vec<u8>>,
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
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
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

    /// The size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn to_part(&self) -> Result<Part, EncodeError> {
        Part::bytes(self.bytes.clone())
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
    fields: Vec<(&'static str, Field)>,
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
        self.fields.push((name, Field::Text(value)));
    }

    /// Adds a file field.
    pub(crate) fn file(&mut self, name: &'static str, part: FilePart) {
        self.fields.push((name, Field::File(part)));
    }

    /// Builds a fresh form for one attempt.
    pub(crate) fn to_form(&self) -> Result<Form, EncodeError> {
        self.fields
            .iter()
            .try_fold(Form::new(), |form, (name, field)| match field {
                Field::Text(v) => Ok(form.text(*name, v.clone())),
                Field::File(f) => Ok(form.part(*name, f.to_part()?)),
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

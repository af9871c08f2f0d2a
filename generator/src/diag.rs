//! Diagnostics: every problem found in the input, with the JSON pointer of the place it
//! comes from, so a user can find it in the spec without reading generator code.

use std::fmt;

/// How serious a diagnostic is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// Code is still generated, but more loosely typed than the spec intends.
    Warning,
    /// Nothing can be generated.
    Error,
}

/// One problem in the input, located by a JSON pointer into the document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// JSON pointer (RFC 6901) of the offending node, e.g. `#/paths/~1payouts/post`.
    pub pointer: String,
    /// What is wrong and, where possible, what the generator did about it.
    pub message: String,
}

impl Diagnostic {
    /// A fatal problem at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// A recoverable problem at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}: {}: {}", self.pointer, self.message)
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901: `~` as `~0`, `/` as `~1`).
pub fn escape_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    push_escaped(&mut out, token);
    out
}

/// Appends `token` escaped as a JSON pointer reference token.
fn push_escaped(out: &mut String, token: &str) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Unescapes one reference token of a JSON pointer.
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Builds `#/a/b` style pointers from unescaped tokens.
pub fn pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("#");
    for t in tokens {
        out.push('/');
        out.push_str(&escape_token(t));
    }
    out
}

/// Appends one unescaped token to an existing pointer.
pub fn child(base: &str, token: &str) -> String {
    // Called for every node the loader and the IR builder visit: one allocation.
    let mut out = String::with_capacity(base.len() + 1 + token.len() + 4);
    out.push_str(base);
    out.push('/');
    push_escaped(&mut out, token);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(
            pointer(["paths", "/payouts/{id}", "get"]),
            "#/paths/~1payouts~1{id}/get"
        );
        assert_eq!(child("#/a", "x~y"), "#/a/x~0y");
        assert_eq!(unescape_token("~1payouts~0x"), "/payouts~x");
    }

    #[test]
    fn display_names_level_pointer_and_message() {
        let d = Diagnostic::warning("#/x", "loose");
        assert_eq!(d.to_string(), "warning: #/x: loose");
    }
}

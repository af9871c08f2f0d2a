//! Credentials: what the client holds for each security scheme of the API,
//! which ones an operation needs, where each is placed, and where they may go.
//!
//! The API description names, per operation, the schemes it accepts
//! (alternatives, each a set of schemes sent together). A request carries the
//! credentials of the first alternative whose schemes all have one, and none
//! when the operation needs none. Credentials are only attached for the
//! client's own base URL and the servers of the API description, and the
//! client's HTTP connection does not follow redirects to another origin.

use std::fmt;

use reqwest::Url;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderMap, HeaderName, HeaderValue};

use super::error::BuildError;
use crate::config::{self, SecurityScheme};

/// Where the credential of a security scheme goes, from the API description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "each API uses only the placements of its own security schemes"
)]
pub(crate) enum Placement {
    /// `Authorization: Bearer <token>` (HTTP bearer, OAuth 2, OpenID Connect).
    Bearer,
    /// `Authorization: Basic <base64(username:password)>`.
    Basic,
    /// An API key in this request header.
    Header(&'static str),
    /// An API key in this query parameter.
    Query(&'static str),
    /// An API key in this cookie.
    Cookie(&'static str),
}

/// A credential for one security scheme: a token (an API key, a bearer token
/// or an OAuth access token) or, for HTTP basic schemes, a username and
/// password. Surrounding whitespace of a token is removed. `Debug` never shows
/// the secret.
///
/// ```ignore
/// let client = Client::builder()
///     .credential(SecurityScheme::PartnerKey, "key_...")
///     .credential(SecurityScheme::Basic, Credential::basic("user", "password"))
///     .build()?;
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Credential(Secret);

#[derive(Clone, PartialEq, Eq)]
enum Secret {
    Token(String),
    Basic { username: String, password: String },
}

impl Credential {
    /// A token: an API key, a bearer token or an OAuth access token.
    pub fn token(token: impl Into<String>) -> Self {
        Self(Secret::Token(token.into()))
    }

    /// A username and password, for HTTP basic schemes.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self(Secret::Basic {
            username: username.into(),
            password: password.into(),
        })
    }
}

impl From<String> for Credential {
    fn from(token: String) -> Self {
        Self::token(token)
    }
}

impl From<&str> for Credential {
    fn from(token: &str) -> Self {
        Self::token(token)
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Secret::Token(_) => f.write_str("Credential::token([redacted])"),
            Secret::Basic { .. } => f.write_str("Credential::basic([redacted])"),
        }
    }
}

/// A credential prepared for sending.
#[derive(Clone)]
enum Attach {
    Header(HeaderName, HeaderValue),
    Query(&'static str, String),
    Cookie(&'static str, String),
}

/// The credentials a client holds, by scheme.
#[derive(Clone, Default)]
pub(crate) struct Credentials(Vec<(SecurityScheme, Attach)>);

impl Credentials {
    /// Sets (or replaces) the credential of `scheme`, checking that it fits the
    /// scheme's kind and placement.
    pub(crate) fn set(
        &mut self,
        scheme: SecurityScheme,
        credential: &Credential,
    ) -> Result<(), BuildError> {
        let attach = prepare(scheme, credential)?;
        self.0.retain(|(s, _)| *s != scheme);
        self.0.push((scheme, attach));
        Ok(())
    }

    /// Whether no credential is set.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `scheme` has a credential.
    pub(crate) fn has(&self, scheme: SecurityScheme) -> bool {
        self.0.iter().any(|(s, _)| *s == scheme)
    }

    /// The names of the schemes that have a credential, for `Debug`.
    pub(crate) fn scheme_names(&self) -> Vec<&'static str> {
        self.0.iter().map(|(s, _)| s.name()).collect()
    }

    /// Adds the credentials for a request whose operation accepts `alternatives`
    /// to its URL and headers: those of the first alternative whose schemes all
    /// have a credential. Returns whether anything was added.
    pub(crate) fn attach(
        &self,
        alternatives: &[&[SecurityScheme]],
        url: &mut Url,
        headers: &mut HeaderMap,
    ) -> bool {
        let Some(chosen) = alternatives
            .iter()
            .find(|alt| !alt.is_empty() && alt.iter().all(|s| self.has(*s)))
        else {
            return false;
        };
        let mut cookies: Vec<String> = Vec::new();
        for scheme in chosen.iter() {
            let Some((_, attach)) = self.0.iter().find(|(s, _)| s == scheme) else {
                continue;
            };
            match attach {
                Attach::Header(name, value) => {
                    headers.insert(name.clone(), value.clone());
                }
                Attach::Query(name, value) => {
                    url.query_pairs_mut().append_pair(name, value);
                }
                Attach::Cookie(name, value) => cookies.push(format!("{name}={value}")),
            }
        }
        if !cookies.is_empty() {
            // One `Cookie` header (RFC 6265 §5.4): the request's own cookies first.
            if let Some(own) = headers.get(COOKIE).and_then(|v| v.to_str().ok()) {
                cookies.insert(0, own.to_owned());
            }
            if let Ok(mut value) = HeaderValue::from_str(&cookies.join("; ")) {
                value.set_sensitive(true);
                headers.insert(COOKIE, value);
            }
        }
        true
    }
}

fn prepare(scheme: SecurityScheme, credential: &Credential) -> Result<Attach, BuildError> {
    let invalid = || BuildError::InvalidCredential {
        scheme: scheme.name(),
    };
    let wrong_kind = |expected: &'static str| BuildError::CredentialKind {
        scheme: scheme.name(),
        expected,
    };
    let sensitive = |text: &str| -> Result<HeaderValue, BuildError> {
        let mut value = HeaderValue::from_str(text).map_err(|_| invalid())?;
        value.set_sensitive(true);
        Ok(value)
    };
    let placement = scheme.placement();
    match (&credential.0, placement) {
        (Secret::Basic { username, password }, Placement::Basic) => {
            if username.is_empty() || username.contains(':') {
                return Err(invalid());
            }
            let encoded = base64(format!("{username}:{password}").as_bytes());
            Ok(Attach::Header(
                AUTHORIZATION,
                sensitive(&format!("Basic {encoded}"))?,
            ))
        }
        (Secret::Token(_), Placement::Basic) => Err(wrong_kind(
            "a username and password (`Credential::basic`)",
        )),
        (Secret::Basic { .. }, _) => Err(wrong_kind("a token (`Credential::token`)")),
        (Secret::Token(token), placement) => {
            let token = token.trim();
            if token.is_empty() {
                return Err(invalid());
            }
            match placement {
                Placement::Bearer => Ok(Attach::Header(
                    AUTHORIZATION,
                    sensitive(&format!("Bearer {token}"))?,
                )),
                Placement::Header(name) => {
                    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
                    Ok(Attach::Header(name, sensitive(token)?))
                }
                Placement::Query(name) => Ok(Attach::Query(name, token.to_owned())),
                Placement::Cookie(name) => {
                    let cookie_octet = |b: u8| {
                        b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\')
                    };
                    if !token.bytes().all(cookie_octet) {
                        return Err(invalid());
                    }
                    Ok(Attach::Cookie(name, token.to_owned()))
                }
                Placement::Basic => Err(invalid()),
            }
        }
    }
}

/// Standard base64 with padding (RFC 4648), for HTTP basic credentials.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
                out.push(char::from(ALPHABET[index]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Whether credentials may be sent to `url`: it has the origin of the client's
/// base URL or of a server named in the API description (or a configured
/// environment).
pub(crate) fn is_trusted_origin(url: &Url, base: &Url) -> bool {
    // The common case, the base URL's own origin, compared without building
    // `Origin` values (which copy the scheme and host).
    if matches!(url.scheme(), "https" | "http")
        && url.scheme() == base.scheme()
        && url.host() == base.host()
        && url.port_or_known_default() == base.port_or_known_default()
    {
        return true;
    }
    let origin = url.origin();
    origin == base.origin()
        || config::TRUSTED_SERVERS
            .iter()
            .filter_map(|s| Url::parse(s).ok())
            .any(|s| s.origin() == origin)
}

/// The redirect policy of the client's own HTTP connection: redirects within
/// the origin of the request are followed (up to 10), a redirect to another
/// origin is not (the 3xx response is returned), so headers that carry
/// credentials never follow it there.
pub(crate) fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > 10 {
            attempt.error("too many redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Drops the URL from a transport error when it carries a credential in its
/// query string, so that error messages and logs cannot show it.
pub(crate) fn redact_url(error: reqwest::Error) -> reqwest::Error {
    let secret_in_url = error.url().is_some_and(|url| {
        url.query_pairs().any(|(name, _)| {
            config::SECURITY_SCHEMES
                .iter()
                .any(|s| matches!(s.placement(), Placement::Query(q) if q == name))
        })
    });
    if secret_in_url {
        error.without_url()
    } else {
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("Aladdin:open sesame", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
    }

    #[test]
    fn credentials_are_redacted_from_debug() {
        let shown = format!(
            "{:?} {:?}",
            Credential::token("sk_secret"),
            Credential::basic("user", "pw_secret")
        );
        assert!(!shown.contains("secret") && !shown.contains("user"), "{shown}");
    }

    #[test]
    fn only_the_base_origin_and_the_description_servers_are_trusted()
    -> Result<(), Box<dyn std::error::Error>> {
        let base = Url::parse("https://proxy.example.com/api/v1")?;
        assert!(is_trusted_origin(
            &Url::parse("https://proxy.example.com/other?x=1")?,
            &base
        ));
        for foreign in [
            "https://attacker.example.net/api/v1",
            "http://proxy.example.com/api/v1",
            "https://proxy.example.com:8443/api/v1",
        ] {
            assert!(!is_trusted_origin(&Url::parse(foreign)?, &base), "{foreign}");
        }
        for server in config::TRUSTED_SERVERS {
            if let Ok(url) = Url::parse(server) {
                assert!(is_trusted_origin(&url, &base), "{server}");
            }
        }
        Ok(())
    }
}

//! Base URLs: validating them, resolving the servers some operations use
//! instead of the root server, and joining them with operation paths.
//!
//! Joining is done on path segments rather than with `Url::join`, whose
//! relative-reference rules would drop the base path (`/api/v1`) for a path
//! starting with `/`, and which cannot express "the sibling `/api/v2` mount".
//!
//! A sibling mount is derived from a custom base URL only when that is
//! certain: the base URL ends in the root server's path segments that the mount
//! replaces (`.../api/v1` for a mount at `.../api`). Anything else (a proxy at
//! `https://gateway.internal/glomo`) fails when the client is built, unless the
//! mount's URL is given with `ClientBuilder::server_url`: never a silent guess.

use std::net::IpAddr;

use reqwest::Url;

use super::error::{BuildError, EncodeError};

/// Where an operation lives when it is not under the client's base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "used only by generated crates whose spec has per-operation servers"
)]
pub(crate) enum ServerOverride {
    /// On the root server's host: the base URL with the root server's trailing
    /// path segments `strip` replaced by `append`. With a base of
    /// `https://host/api/v1`, `{ strip: &["v1"], append: "/v2" }` gives
    /// `https://host/api/v2`.
    Relative {
        /// The server's URL in the API description; names it in errors and in
        /// `ClientBuilder::server_url`.
        server: &'static str,
        /// The trailing segments of the root server's path this server lacks.
        strip: &'static [&'static str],
        /// Path to add after stripping, such as `/v2` (may be empty).
        append: &'static str,
    },
    /// A fixed server URL from the spec, ignoring the client's base URL.
    Absolute(&'static str),
}

impl ServerOverride {
    /// The server's URL as the API description writes it.
    pub(crate) fn server(&self) -> &'static str {
        match self {
            Self::Relative { server, .. } => server,
            Self::Absolute(server) => server,
        }
    }
}

/// The base URL of the operations on `over`: the URL given for it with
/// `ClientBuilder::server_url`, else the one derived from the client's `base`.
///
/// A relative server is derived only when `base` ends in the segments it
/// strips, or when `base` is a loopback address without a path (a local mock
/// server such as Prism, which serves every operation at its path from the
/// root). Anything else is an error, not a guess.
pub(crate) fn server_base(
    base: &Url,
    over: &ServerOverride,
    given: &[(String, Url)],
) -> Result<Url, BuildError> {
    if let Some((_, url)) = given.iter().find(|(s, _)| s == over.server()) {
        return Ok(url.clone());
    }
    match over {
        ServerOverride::Absolute(server) => parse_base_url(server),
        ServerOverride::Relative {
            server,
            strip,
            append,
        } => {
            let segments: Vec<&str> = base.path().split('/').filter(|s| !s.is_empty()).collect();
            let kept = if segments.ends_with(strip) {
                &segments[..segments.len() - strip.len()]
            } else if segments.is_empty() && is_loopback(base) {
                &[][..]
            } else {
                return Err(BuildError::UnresolvedServer {
                    server,
                    base_url: base.to_string(),
                    expected_suffix: strip,
                });
            };
            let mut path = String::new();
            for s in kept.iter().copied().chain(append.split('/').filter(|s| !s.is_empty())) {
                path.push('/');
                path.push_str(s);
            }
            let mut url = base.clone();
            url.set_path(&path);
            Ok(url)
        }
    }
}

/// Parses and checks a base URL: `http` or `https`, a host, no credentials,
/// query or fragment. Trailing slashes are removed.
pub(crate) fn parse_base_url(input: &str) -> Result<Url, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        url: input.to_owned(),
        reason: reason.to_owned(),
    };
    let mut url = Url::parse(input.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("a host is required"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("credentials in the URL are not supported"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("a query string or fragment is not allowed"));
    }
    let trimmed = url.path().trim_end_matches('/').to_owned();
    url.set_path(&trimmed);
    Ok(url)
}

/// Whether the URL's host is this machine: `localhost`, 127.0.0.0/8 or `::1`
/// (also as an IPv4-mapped address). Only these may receive an API key over
/// plain http, for local mock servers.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    if host.eq_ignore_ascii_case("localhost") || host.eq_ignore_ascii_case("localhost.") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// Whether sending a credential to `url` would expose it on the network.
pub(crate) fn is_insecure_for_credentials(url: &Url) -> bool {
    url.scheme() != "https" && !is_loopback(url)
}

/// The servers a client sends to, resolved when it is built: the base URL,
/// and the URL of each server some operations use instead.
#[derive(Debug, Clone)]
pub(crate) struct Servers {
    pub(crate) base: Url,
    pub(crate) overrides: Vec<(&'static str, Url)>,
}

impl Servers {
    /// Only the base URL (overrides are then derived per request).
    #[cfg(test)]
    pub(crate) fn base_only(base: Url) -> Self {
        Self {
            base,
            overrides: Vec::new(),
        }
    }
}

/// Builds the URL of one request: base (or server override) + path + query.
///
/// `path` must already be percent-encoded and start with `/`. Paths with a
/// `.` or `..` segment are refused, since URL normalisation would silently
/// send the request to a different resource.
pub(crate) fn resolve<K: AsRef<str>>(
    servers: &Servers,
    server: Option<&ServerOverride>,
    path: &str,
    query: &[(K, String)],
) -> Result<Url, EncodeError> {
    let mut url = match server {
        None => servers.base.clone(),
        Some(over) => match servers.overrides.iter().find(|(s, _)| *s == over.server()) {
            Some((_, url)) => url.clone(),
            None => server_base(&servers.base, over, &[]).map_err(|e| {
                EncodeError::with_source(format!("cannot resolve the server `{}`", over.server()), e)
            })?,
        },
    };
    let prefix = url.path().trim_end_matches('/');
    let mut full = String::with_capacity(prefix.len() + path.len() + 1);
    full.push_str(prefix);
    if !path.starts_with('/') {
        full.push('/');
    }
    full.push_str(path);
    // Only a path with a `.` or a `%` can have a dot segment.
    if full.contains(['.', '%']) && full.split('/').any(is_dot_segment) {
        return Err(EncodeError::msg(format!(
            "the path `{full}` has a `.` or `..` segment, which URL normalisation would remove"
        )));
    }
    url.set_path(&full);
    if url.query().is_some() {
        url.set_query(None);
    }
    if !query.is_empty() {
        url.query_pairs_mut()
            .extend_pairs(query.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
    }
    Ok(url)
}

/// A segment the WHATWG URL parser treats as `.` or `..` (`%2e` included, in
/// either case), checked without copying it.
fn is_dot_segment(segment: &str) -> bool {
    let mut rest = segment.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        if let [b'.', tail @ ..] = rest {
            rest = tail;
        } else if let [b'%', b'2', b'e' | b'E', tail @ ..] = rest {
            rest = tail;
        } else {
            return false;
        }
        dots += 1;
    }
    dots == 1 || dots == 2
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const NO_QUERY: &[(&str, String)] = &[];

    fn url(s: &str) -> Result<Url, BuildError> {
        parse_base_url(s)
    }

    fn at(base: &Url) -> Servers {
        Servers::base_only(base.clone())
    }

    #[test]
    fn base_urls_are_validated_and_trailing_slashes_dropped() -> TestResult {
        assert_eq!(
            url("https://h.example/api/v1/")?.as_str(),
            "https://h.example/api/v1"
        );
        assert_eq!(
            url(" http://127.0.0.1:4010 ")?.as_str(),
            "http://127.0.0.1:4010/"
        );
        for bad in [
            "",
            "not a url",
            "ftp://h.example",
            "https://user:pw@h.example",
            "https://h.example/api?x=1",
            "https://h.example/#frag",
            "file:///etc/passwd",
        ] {
            assert!(
                matches!(url(bad), Err(BuildError::InvalidBaseUrl { .. })),
                "{bad:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn loopback_detection() -> TestResult {
        for yes in [
            "http://localhost:4010",
            "http://LOCALHOST",
            "http://127.0.0.1",
            "http://127.255.0.9:8080",
            "http://[::1]:4010",
            "http://[::ffff:127.0.0.1]",
        ] {
            assert!(is_loopback(&url(yes)?), "{yes}");
            assert!(!is_insecure_for_credentials(&url(yes)?), "{yes}");
        }
        for no in [
            "http://10.0.0.1",
            "http://192.168.1.1",
            "http://localhost.example.com",
            "http://notlocalhost",
            "http://128.0.0.1",
            "http://[::2]",
            "http://0.0.0.0",
        ] {
            assert!(!is_loopback(&url(no)?), "{no}");
            assert!(is_insecure_for_credentials(&url(no)?), "{no}");
        }
        assert!(!is_insecure_for_credentials(&url("https://10.0.0.1")?));
        Ok(())
    }

    #[test]
    fn paths_join_under_the_base_path() -> TestResult {
        let base = url("https://api.example.com/api/v1/")?;
        let q = [
            ("status", "in progress".to_owned()),
            ("page", "2".to_owned()),
        ];
        assert_eq!(
            resolve(&at(&base), None, "/payouts/a%2Fb", &q)?.as_str(),
            "https://api.example.com/api/v1/payouts/a%2Fb?status=in+progress&page=2"
        );
        let root = url("http://127.0.0.1:4010")?;
        assert_eq!(
            resolve(&at(&root), None, "/payouts", NO_QUERY)?.as_str(),
            "http://127.0.0.1:4010/payouts"
        );
        Ok(())
    }

    #[test]
    fn relative_servers_reach_sibling_mounts() -> TestResult {
        let base = url("https://api.example.com/api/v1")?;
        let v2 = ServerOverride::Relative {
            server: "https://api.example.com/api/v2",
            strip: &["v1"],
            append: "/v2",
        };
        assert_eq!(
            resolve(&at(&base), Some(&v2), "/beneficiaries/b%201", NO_QUERY)?.as_str(),
            "https://api.example.com/api/v2/beneficiaries/b%201"
        );
        let strip_only = ServerOverride::Relative {
            server: "https://api.example.com/api",
            strip: &["v1"],
            append: "",
        };
        assert_eq!(
            resolve(&at(&base), Some(&strip_only), "/v2/beneficiaries", NO_QUERY)?.as_str(),
            "https://api.example.com/api/v2/beneficiaries"
        );
        // A proxy that keeps the layout under a prefix works too.
        let proxied = url("https://gateway.internal/glomo/api/v1")?;
        assert_eq!(
            resolve(&at(&proxied), Some(&strip_only), "/v2/b", NO_QUERY)?.as_str(),
            "https://gateway.internal/glomo/api/v2/b"
        );
        // A local mock at the root serves every operation at its path.
        let root = url("http://127.0.0.1:4010/")?;
        assert_eq!(
            resolve(&at(&root), Some(&v2), "/beneficiaries", NO_QUERY)?.as_str(),
            "http://127.0.0.1:4010/v2/beneficiaries"
        );
        Ok(())
    }

    #[test]
    fn a_base_url_the_mount_cannot_be_derived_from_is_an_error() -> TestResult {
        let mount = ServerOverride::Relative {
            server: "https://api.example.com/api",
            strip: &["v1"],
            append: "",
        };
        for base in [
            "https://gateway.internal/glomo",
            "https://gateway.internal/",
            "https://api.example.com/api/v1/extra",
        ] {
            match server_base(&url(base)?, &mount, &[]) {
                Err(BuildError::UnresolvedServer {
                    server,
                    expected_suffix,
                    ..
                }) => {
                    assert_eq!(server, "https://api.example.com/api");
                    assert_eq!(expected_suffix, ["v1"]);
                }
                other => return Err(format!("{base}: expected an error, got {other:?}").into()),
            }
            // ...unless the mount's own URL is given.
            let given = [(
                "https://api.example.com/api".to_owned(),
                url("https://gateway.internal/glomo-root")?,
            )];
            assert_eq!(
                server_base(&url(base)?, &mount, &given)?.as_str(),
                "https://gateway.internal/glomo-root"
            );
        }
        // Through `resolve`, the error is an encode error, never a wrong URL.
        assert!(resolve(&at(&url("https://gateway.internal/glomo")?), Some(&mount), "/x", NO_QUERY).is_err());
        Ok(())
    }

    #[test]
    fn absolute_servers_replace_the_base() -> TestResult {
        let base = url("https://api.example.com/api/v1")?;
        let abs = ServerOverride::Absolute("https://files.example.com/up/");
        assert_eq!(
            resolve(&at(&base), Some(&abs), "/document", NO_QUERY)?.as_str(),
            "https://files.example.com/up/document"
        );
        assert!(resolve(&at(&base), Some(&ServerOverride::Absolute("::")), "/x", NO_QUERY).is_err());
        Ok(())
    }

    #[test]
    fn dot_segments_are_refused() -> TestResult {
        let base = url("https://api.example.com/api/v1")?;
        for bad in ["/payouts/..", "/payouts/.", "/payouts/%2E%2e", "/a/.%2E/b", "/a/%2e./b", "/a/%2E"] {
            assert!(resolve(&at(&base), None, bad, NO_QUERY).is_err(), "{bad}");
        }
        for good in ["/payouts/...", "/a/%2e%2e%2e", "/a/%2ex", "/a/.b", "/a/%2", "/a//b"] {
            assert!(resolve(&at(&base), None, good, NO_QUERY).is_ok(), "{good}");
        }
        Ok(())
    }
}

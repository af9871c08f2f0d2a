//! Spec prose -> rustdoc that renders and builds without warnings.
//!
//! Descriptions are Markdown written for a web page: bare URLs, `[brackets]` that
//! rustdoc would read as intra-doc links, and indented or unlabelled code blocks that
//! rustdoc would compile as Rust. Each is neutralised here.

use proc_macro2::TokenStream;
use quote::quote;

/// Makes description text safe for rustdoc.
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.trim().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if !in_fence {
                in_fence = true;
                out.push("```text".to_string());
            } else {
                in_fence = false;
                out.push("```".to_string());
            }
            continue;
        }
        if in_fence {
            out.push(line.to_string());
            continue;
        }
        // Indentation of 4+ spaces would start a (Rust) code block: keep at most 2.
        let indent = (line.len() - trimmed.len()).min(2);
        let mut l = format!("{}{}", " ".repeat(indent), escape_line(trimmed));
        while l.ends_with(' ') {
            l.pop();
        }
        out.push(l);
    }
    if in_fence {
        out.push("```".to_string());
    }
    out.join("\n")
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_code = false;
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            i += 1;
            continue;
        }
        if !in_code {
            let rest: String = chars[i..].iter().collect();
            if (rest.starts_with("http://") || rest.starts_with("https://"))
                && !out.ends_with('<')
                && !out.ends_with('(')
            {
                let url: String = rest
                    .chars()
                    .take_while(|c| !c.is_whitespace() && !matches!(c, ')' | '>' | '"' | '\''))
                    .collect();
                let url = url.trim_end_matches(['.', ',', ';', ':']).to_string();
                out.push('<');
                out.push_str(&url);
                out.push('>');
                i += url.chars().count();
                continue;
            }
            if c == '[' {
                // A Markdown link `[text](url)` stays a link.
                let close = chars[i..].iter().position(|&x| x == ']').map(|p| p + i);
                if let Some(end) = close.filter(|&e| chars.get(e + 1) == Some(&'(')) {
                    let link_end = chars[end..]
                        .iter()
                        .position(|&x| x == ')')
                        .map_or(chars.len() - 1, |p| p + end);
                    out.extend(&chars[i..=link_end]);
                    i = link_end + 1;
                    continue;
                }
            }
            if matches!(c, '[' | ']') {
                out.push('\\');
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// `#[doc = "..."]` attributes for sanitised text, one per line (nothing for `None`).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    match text {
        Some(t) if !t.trim().is_empty() => lines(&sanitize(t)),
        _ => TokenStream::new(),
    }
}

/// `#[doc]` attributes for text already in rustdoc form (generated, not from the spec).
pub fn lines(text: &str) -> TokenStream {
    let attrs = text.lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote! { #[doc = #l] }
    });
    quote! { #(#attrs)* }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_wrapped_and_brackets_escaped() {
        assert_eq!(
            sanitize("See https://x.com/a. [note]"),
            "See <https://x.com/a>. \\[note\\]"
        );
        assert_eq!(
            sanitize("`[x]` and <https://y.org>"),
            "`[x]` and <https://y.org>"
        );
    }

    #[test]
    fn markdown_links_survive() {
        assert_eq!(
            sanitize("see [docs](https://d.io) [x]"),
            "see [docs](https://d.io) \\[x\\]"
        );
    }

    #[test]
    fn code_blocks_never_compile_as_rust() {
        assert_eq!(sanitize("a\n```\nlet x;\n```"), "a\n```text\nlet x;\n```");
        assert_eq!(sanitize("a\n\n        indented"), "a\n\n  indented");
        assert_eq!(sanitize("```json\n{}"), "```text\n{}\n```");
    }
}

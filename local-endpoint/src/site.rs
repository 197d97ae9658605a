//! Serves the built console (Trunk's `dist/`) so that the demo is one command.

use std::path::{Path, PathBuf};

/// The file for a request path, or None when it is outside the site or missing.
pub fn resolve(root: &Path, raw_path: &str) -> Option<PathBuf> {
    let path = raw_path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    let mut file = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains('\\') {
            return None;
        }
        file.push(segment);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

/// The Content-Security-Policy of the built page (its `<meta http-equiv>`), to send as a header
/// too: one policy, written once in index.html, for every page the site serves. The header adds
/// `frame-ancestors 'none'`, which a browser ignores in a meta tag: no other site may frame the
/// console (and trick a user into clicking in it).
pub fn policy_of(index_html: &str) -> Option<String> {
    let at = index_html.find(r#"http-equiv="Content-Security-Policy""#)?;
    let rest = &index_html[at..];
    let start = rest.find(r#"content=""#)? + r#"content=""#.len();
    let len = rest[start..].find('"')?;
    Some(format!("{}; frame-ancestors 'none'", &rest[start..start + len]))
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_comes_from_the_meta_tag() {
        let html = r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self'" />"#;
        assert_eq!(policy_of(html).as_deref(), Some("default-src 'none'; script-src 'self'; frame-ancestors 'none'"));
        assert_eq!(policy_of("<html></html>"), None);
    }

    #[test]
    fn no_escape_from_the_site() {
        let root = std::env::temp_dir();
        assert_eq!(resolve(&root, "/../etc/passwd"), None);
        assert_eq!(resolve(&root, "/%2e%2e/etc/passwd"), None);
    }
}

//! Serves the built console (Trunk's `dist/`) so that the demo is one command.

use std::path::{Path, PathBuf};

/// The file for a request path, or None when it is outside the site or missing.
pub fn resolve(root: &Path, raw_path: &str) -> Option<PathBuf> {
    let path = raw_path.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    let mut file = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if !is_plain_segment(segment) {
            return None;
        }
        file.push(segment);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

/// A segment that names an entry of its folder on every system, and nothing else: not `.` or `..`,
/// no separator (`\\`), no drive or stream prefix (`C:`, `file:stream`: any `:`), no trailing dot
/// (`foo.`, `...`: Windows drops trailing dots, so `index.html.` would be `index.html`), no NUL.
fn is_plain_segment(segment: &str) -> bool {
    !segment.ends_with('.') && !segment.contains(['\\', ':', '\0'])
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

    /// A site folder with `index.html`, `a/b.js` and the given files (made, so that a path that is
    /// refused is refused for its name, not because nothing is there).
    fn site(name: &str, files: &[&str]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("fuota-local-site-{name}-{}", std::process::id()));
        for file in ["index.html", "a/b.js"].iter().chain(files) {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "//").unwrap();
        }
        root
    }

    #[test]
    fn drive_prefixes_and_colons_are_refused() {
        // On Linux these are ordinary names; on Windows `C:` is a drive and `b.js:x` a stream.
        let root = site("colons", &["C:/x.js", "a/c:b.js", "a/b.js:x", "a:/b.js"]);
        assert_eq!(resolve(&root, "/a/b.js"), Some(root.join("a").join("b.js")));
        for path in ["/C:/x.js", "/C%3A/x.js", "/a/c:b.js", "/a/b.js:x", "/a:/b.js", "/a%3a/b.js"] {
            assert_eq!(resolve(&root, path), None, "{path}");
        }
        std::fs::remove_dir_all(root).ok();
    }

    #[test]
    fn segments_with_trailing_dots_are_refused() {
        // Windows drops trailing dots: `index.html.` would open `index.html`, `.../x` climb.
        let root = site("dots", &["index.html.", "a./b.js", ".../x.js", "a/b.js..", "a/.hidden.js"]);
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        for path in ["/index.html.", "/a./b.js", "/.../x.js", "/%2e%2e%2e/x.js", "/a/b.js..", "/a/b.js%2e%2e", "/./index.html", "/a/../index.html"] {
            assert_eq!(resolve(&root, path), None, "{path}");
        }
        // A dot at the start or inside a name is fine.
        assert_eq!(resolve(&root, "/a/.hidden.js"), Some(root.join("a").join(".hidden.js")));
        std::fs::remove_dir_all(root).ok();
    }
}

//! The build's static files: which names the current build gave its script, WASM and
//! style (content-hashed by cargo-leptos `hash-files`). Their brotli and gzip copies are
//! made by `cargo leptos build --release --precompress`.

use leptos::prelude::LeptosOptions;
use std::path::{Path, PathBuf};

/// What a browser fetches to run the app, as URLs, and a version naming this build.
#[derive(Clone, Debug)]
pub struct BuildAssets {
    pub js: String,
    pub wasm: String,
    pub css: String,
    /// The names carry a content hash: they may be cached for good.
    pub hashed: bool,
    /// Changes whenever any asset changes; names the service worker's caches.
    pub version: String,
}

impl BuildAssets {
    /// Reads the hash file cargo-leptos wrote beside the binary, the way Leptos's own
    /// `HydrationScripts` does, so the page and the service worker name the same files.
    pub fn from_options(options: &LeptosOptions) -> Self {
        let hashes = options
            .hash_files
            .then(|| std::fs::read_to_string(hash_file_path(options)).ok())
            .flatten();
        Self::from_hash_file(options, hashes.as_deref())
    }

    fn from_hash_file(options: &LeptosOptions, hashes: Option<&str>) -> Self {
        let name = options.output_name.to_string();
        let pkg = options.site_pkg_dir.to_string();
        let lookup = |kind: &str| {
            hashes.and_then(|h| {
                h.lines()
                    .filter_map(|l| l.split_once(':'))
                    .find(|(k, _)| k.trim() == kind)
                    .map(|(_, v)| v.trim().to_string())
            })
        };
        let file = |kind: &str| match lookup(kind) {
            Some(hash) => format!("/{pkg}/{name}.{hash}.{kind}"),
            None => format!("/{pkg}/{name}.{kind}"),
        };
        let hashed = hashes.is_some();
        let (js, wasm, css) = (file("js"), file("wasm"), file("css"));
        let version = if hashed {
            short_digest(&format!("{js}{wasm}{css}"))
        } else {
            // Unhashed names (a development build): the files' times stand in for content.
            let site = PathBuf::from(options.site_root.to_string());
            let stamp: String = [&js, &wasm, &css]
                .iter()
                .map(|u| modified_stamp(&site.join(u.trim_start_matches('/'))))
                .collect();
            short_digest(&stamp)
        };
        BuildAssets {
            js,
            wasm,
            css,
            hashed,
            version,
        }
    }

    /// Every asset a signed-in screen needs before it can run.
    pub fn shell(&self) -> [&str; 3] {
        [&self.js, &self.wasm, &self.css]
    }
}

/// Where Leptos looks for cargo-leptos's hash file: beside the running binary, unless
/// `LEPTOS_HASH_FILE_NAME` names an absolute path (a binary built by plain cargo serving a
/// site that cargo-leptos built).
pub fn hash_file_path(options: &LeptosOptions) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default()
        .join(options.hash_file.as_ref())
}

fn modified_stamp(path: &Path) -> String {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_millis().to_string())
        .unwrap_or_default()
}

fn short_digest(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(s.as_bytes())[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(hash_files: bool) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("propdesk")
            .site_root("target/site")
            .site_pkg_dir("pkg")
            .hash_files(hash_files)
            .build()
    }

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let a = BuildAssets::from_hash_file(&options(true), Some("js: AbC\nwasm: dEf\ncss: 123\n"));
        assert_eq!(a.js, "/pkg/propdesk.AbC.js");
        assert_eq!(a.wasm, "/pkg/propdesk.dEf.wasm");
        assert_eq!(a.css, "/pkg/propdesk.123.css");
        assert!(a.hashed);
        let b = BuildAssets::from_hash_file(&options(true), Some("js: AbC\nwasm: x\ncss: 123\n"));
        assert_ne!(a.version, b.version, "a new WASM is a new version");
    }

    #[test]
    fn without_a_hash_file_the_plain_names_are_used_and_not_called_hashed() {
        let a = BuildAssets::from_hash_file(&options(false), None);
        assert_eq!(
            a.shell(),
            [
                "/pkg/propdesk.js",
                "/pkg/propdesk.wasm",
                "/pkg/propdesk.css"
            ]
        );
        assert!(!a.hashed);
    }
}

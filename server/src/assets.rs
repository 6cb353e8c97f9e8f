//! The build's static files: which names the current build gave its script, WASM and
//! style (content-hashed by cargo-leptos `hash-files`), and their brotli and gzip copies,
//! made once per build (`propdesk precompress`) so that no request pays for compression.
//! (cargo-leptos's own `--precompress` gzips about 19 % larger than zlib's best level, and
//! gzip is what browsers accept over plain HTTP.)

use leptos::prelude::LeptosOptions;
use std::io::{self, Write};
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

/// The file kinds worth compressing; images and fonts already are.
const COMPRESSIBLE: [&str; 7] = ["js", "wasm", "css", "html", "svg", "json", "webmanifest"];

/// One file's size as stored and as each encoding sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compressed {
    pub path: PathBuf,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

/// Writes `FILE.br` and `FILE.gz` beside every compressible file under `dir` whose copies
/// are missing or older than it, and returns every such file's sizes. Each copy is written
/// under a temporary name and renamed, so a server never sends half of one.
pub fn precompress_dir(dir: &Path) -> io::Result<Vec<Compressed>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if is_compressible(&path) {
                out.push(precompress_file(&path)?);
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| COMPRESSIBLE.contains(&e))
}

fn precompress_file(path: &Path) -> io::Result<Compressed> {
    let br = with_suffix(path, "br");
    let gz = with_suffix(path, "gz");
    if is_stale(path, &br) || is_stale(path, &gz) {
        let data = std::fs::read(path)?;
        write_atomically(&br, &brotli_bytes(&data)?)?;
        write_atomically(&gz, &gzip_bytes(&data)?)?;
    }
    Ok(Compressed {
        path: path.to_path_buf(),
        raw: std::fs::metadata(path)?.len(),
        gzip: std::fs::metadata(&gz)?.len(),
        brotli: std::fs::metadata(&br)?.len(),
    })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

fn is_stale(source: &Path, copy: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(source), modified(copy)) {
        (Some(s), Some(c)) => c < s,
        _ => true,
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = with_suffix(path, "tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Brotli at its best quality and a 4 MiB window: made once, read by every visitor.
fn brotli_bytes(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        w.write_all(data)?;
    }
    Ok(out)
}

/// Gzip at zlib's best level, for browsers that do not send `br` (any page over plain
/// HTTP).
fn gzip_bytes(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut w = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    w.write_all(data)?;
    w.finish()
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

    #[test]
    fn copies_decompress_to_the_original_and_are_remade_when_stale() {
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("app.js");
        let text = "console.log('propdesk');\n".repeat(500);
        std::fs::write(&file, &text).unwrap();
        std::fs::write(dir.path().join("photo.png"), [0u8; 64]).unwrap();
        let rows = precompress_dir(dir.path()).unwrap();
        assert_eq!(rows.len(), 1, "only compressible files: {rows:?}");
        assert!(rows[0].brotli < rows[0].gzip && rows[0].gzip < rows[0].raw);
        let gunzip = || {
            let mut back = String::new();
            let f = std::fs::File::open(dir.path().join("app.js.gz")).unwrap();
            flate2::read::GzDecoder::new(f)
                .read_to_string(&mut back)
                .unwrap();
            back
        };
        assert_eq!(gunzip(), text);
        let mut back = String::new();
        let f = std::fs::File::open(dir.path().join("app.js.br")).unwrap();
        brotli::Decompressor::new(f, 4096)
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);

        // A file rebuilt under the same name gets fresh copies.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&file, "let changed = 1;").unwrap();
        let rows = precompress_dir(dir.path()).unwrap();
        assert_eq!(gunzip(), "let changed = 1;");
        assert_eq!(rows[0].raw, 16);
    }
}

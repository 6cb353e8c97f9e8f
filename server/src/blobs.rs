//! Blob bytes on disk under the data directory, named by their SHA-256: `blobs/ab/abcd…`.
//! A file is written to a temporary name, flushed to disk and renamed into place, so a
//! blob is either whole or absent even if the server is killed mid-upload.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where blobs live.
#[derive(Debug, Clone)]
pub struct BlobDir {
    root: PathBuf,
}

impl BlobDir {
    /// Uses (and creates) `<data_dir>/blobs`.
    pub fn open(data_dir: &Path) -> std::io::Result<Self> {
        let root = data_dir.join("blobs");
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(BlobDir { root })
    }

    /// The file of a blob. `sha256` must already be checked to be 64 hex digits.
    pub fn path(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2]).join(sha256)
    }

    /// The SHA-256 of bytes, as lowercase hex.
    pub fn hash(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    /// Stores bytes under their name durably (a no-op when already there).
    pub fn write(&self, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(sha256);
        if path.exists() {
            return Ok(());
        }
        let dir = self.root.join(&sha256[..2]);
        std::fs::create_dir_all(&dir)?;
        let tmp = self
            .root
            .join("tmp")
            .join(format!("{sha256}.{}", uuid::Uuid::now_v7().simple()));
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        // The rename itself must reach the disk before the upload is acknowledged.
        std::fs::File::open(&dir)?.sync_all()?;
        Ok(())
    }

    pub fn read(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.path(sha256))
    }
}

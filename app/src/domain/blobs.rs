//! Photos and files travel as blobs named by the SHA-256 of their bytes.

/// The largest blob the server stores: a photo downscaled on the device is far smaller;
/// this leaves room for a full-size photo from a file picker.
pub const MAX_BLOB_BYTES: usize = 10 * 1024 * 1024;

/// Whether `s` is 64 lowercase hex digits.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The image types the server accepts, told by their first bytes, not by any header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobType {
    Jpeg,
    Png,
    Webp,
}

impl BlobType {
    /// Reads the magic bytes at the start of a file.
    pub fn sniff(bytes: &[u8]) -> Option<BlobType> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(BlobType::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(BlobType::Png)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(BlobType::Webp)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            BlobType::Jpeg => "image/jpeg",
            BlobType::Png => "image/png",
            BlobType::Webp => "image/webp",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_told_by_content() {
        assert_eq!(
            BlobType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0]),
            Some(BlobType::Jpeg)
        );
        assert_eq!(
            BlobType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(BlobType::Png)
        );
        assert_eq!(
            BlobType::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(BlobType::Webp)
        );
        assert_eq!(BlobType::sniff(b"GIF89a"), None);
        assert_eq!(BlobType::sniff(b"<svg></svg>"), None);
        assert_eq!(BlobType::sniff(b""), None);
    }

    #[test]
    fn names_are_lowercase_sha256_hex() {
        assert!(is_sha256_hex(&"a".repeat(64)));
        assert!(!is_sha256_hex(&"A".repeat(64)));
        assert!(!is_sha256_hex(&"a".repeat(63)));
        assert!(!is_sha256_hex("../../etc/passwd"));
    }
}

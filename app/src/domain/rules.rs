//! Small checks every op's rules share: a condition or a named rejection, and text
//! fields trimmed and bounded.

use super::ops::{RejectCode, Rejection};

/// `Ok` when `ok`, else a rejection with this code and message.
pub fn need(ok: bool, code: RejectCode, message: &str) -> Result<(), Rejection> {
    if ok {
        Ok(())
    } else {
        Err(Rejection::new(code, message))
    }
}

/// `Ok` when `ok`, else `forbidden`.
pub fn forbid_unless(ok: bool, message: &str) -> Result<(), Rejection> {
    need(ok, RejectCode::Forbidden, message)
}

/// The text trimmed; `bad_payload` naming the field when required and empty, or too long.
pub fn text(field: &str, value: &str, max: usize, required: bool) -> Result<String, Rejection> {
    let t = value.trim();
    if required && t.is_empty() {
        return Err(Rejection::new(
            RejectCode::BadPayload,
            format!("{field} is required"),
        ));
    }
    if t.chars().count() > max {
        return Err(Rejection::new(
            RejectCode::BadPayload,
            format!("{field} is longer than {max} characters"),
        ));
    }
    Ok(t.to_string())
}

/// Like [`text`] for an optional field; blank counts as absent.
pub fn optional_text(
    field: &str,
    value: &Option<String>,
    max: usize,
) -> Result<Option<String>, Rejection> {
    match value {
        Some(v) => Ok(Some(text(field, v, max, false)?).filter(|t| !t.is_empty())),
        None => Ok(None),
    }
}

/// A phone number: digits, spaces, `+`, `-` and parentheses, at most 30 characters;
/// blank counts as absent.
pub fn phone(field: &str, value: &Option<String>) -> Result<Option<String>, Rejection> {
    let Some(p) = optional_text(field, value, 30)? else {
        return Ok(None);
    };
    need(
        p.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')')),
        RejectCode::BadPayload,
        &format!("{field} may hold only digits, spaces, + - ( )"),
    )?;
    Ok(Some(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(text("name", "  王  ", 5, true), Ok("王".to_string()));
        let e = text("name", "   ", 5, true).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (RejectCode::BadPayload, "name is required")
        );
        let e = text("name", "abcdef", 5, false).unwrap_err();
        assert!(e.message.contains("longer than 5"), "{}", e.message);
        assert_eq!(optional_text("x", &Some(" ".into()), 5), Ok(None));
    }
}

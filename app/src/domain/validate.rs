//! Validated input newtypes: each is built only through `parse()`.

use super::AppError;
use serde::{Deserialize, Serialize};

/// A sign-in name: 2–32 characters of lowercase letters, digits, `.`, `_` or `-`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self, AppError> {
        let s = s.trim().to_lowercase();
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if !(2..=32).contains(&s.chars().count()) || !ok_chars {
            return Err(AppError::invalid(
                "username",
                "2 to 32 characters: letters, digits, '.', '_' or '-'",
            ));
        }
        Ok(Username(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 8 characters, at most 128.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(s: &str) -> Result<Self, AppError> {
        let n = s.chars().count();
        if !(8..=128).contains(&n) {
            return Err(AppError::invalid(
                "password",
                "a password has 8 to 128 characters",
            ));
        }
        Ok(NewPassword(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// A phone number: digits with optional leading `+`, spaces or dashes; 5–20 digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    pub fn parse(s: &str) -> Result<Self, AppError> {
        let t = s.trim();
        let body = t.strip_prefix('+').unwrap_or(t);
        let digits = body.chars().filter(|c| c.is_ascii_digit()).count();
        let ok = body
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-');
        if !ok || !(5..=20).contains(&digits) {
            return Err(AppError::invalid(
                "phone",
                "5 to 20 digits, optionally +, spaces or dashes",
            ));
        }
        Ok(Phone(t.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A required free-text name of 1–100 characters, trimmed.
pub fn required_text(field: &str, s: &str, max: usize) -> Result<String, AppError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("at most {max} characters"),
        ));
    }
    Ok(t.to_string())
}

/// A short code (building, unit number, area or facility code): 1–20 characters of
/// letters, digits, `-`, `_` or `/`, kept as typed but trimmed.
pub fn code(field: &str, s: &str) -> Result<String, AppError> {
    let t = s.trim();
    let ok = t.chars().all(|c| c.is_alphanumeric() || "-_/".contains(c));
    if t.is_empty() || t.chars().count() > 20 || !ok {
        return Err(AppError::invalid(
            field,
            "1 to 20 letters, digits, '-', '_' or '/'",
        ));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(Username::parse(" Desk ").unwrap().as_str(), "desk");
        assert!(Username::parse("a").is_err());
        assert!(Username::parse("has space").is_err());
        assert!(Username::parse("名字").is_err());
    }

    #[test]
    fn passwords() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("long enough").is_ok());
        assert_eq!(
            format!("{:?}", NewPassword::parse("secret123").unwrap()),
            "NewPassword(…)"
        );
    }

    #[test]
    fn phones() {
        assert!(Phone::parse("+86 138-0013-8000").is_ok());
        assert!(Phone::parse("12").is_err());
        assert!(Phone::parse("call me").is_err());
    }

    #[test]
    fn codes() {
        assert_eq!(code("unit", " 1-201 ").unwrap(), "1-201");
        assert!(code("unit", "").is_err());
        assert!(code("unit", "a b").is_err());
        assert!(code("unit", "B栋").is_ok());
    }
}

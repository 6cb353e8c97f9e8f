//! Passwords, session tokens and sign-in with throttling.

use super::store::Store;
use super::{new_id, now_ms};
use crate::domain::user::CurrentUser;
use crate::domain::validate::NewPassword;
use crate::domain::AppError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "propdesk_session";
/// How long a session lives: two weeks, so a tablet that was offline for a while can
/// still push when it comes back.
pub const SESSION_TTL_MS: i64 = 14 * 24 * 3600 * 1000;
/// The window over which failed sign-ins are counted.
pub const THROTTLE_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failed sign-ins allowed per account within the window.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed sign-ins allowed per address within the window (a desk shares one address).
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;

/// Hashes a password with Argon2id and a fresh salt.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

/// Whether a password matches a stored hash; a malformed hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes on the blocking pool: Argon2 takes tens of milliseconds of CPU on purpose.
pub async fn hash_password_blocking(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| AppError::Internal)?
}

async fn verify_blocking(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// A new random session token (256 bits, hex).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database keeps of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether session cookies carry `Secure` (the server runs behind HTTPS); in context for
/// server functions.
#[derive(Debug, Clone, Copy)]
pub struct CookiePolicy {
    pub secure: bool,
}

/// The `Set-Cookie` value that opens a session in the browser.
pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        SESSION_TTL_MS / 1000
    )
}

/// The `Set-Cookie` value that ends the session in the browser.
pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// A successful sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub user: CurrentUser,
}

fn throttle_keys(username: &str, ip: &str) -> [String; 2] {
    [format!("user:{username}"), format!("ip:{ip}")]
}

async fn check_throttle(store: &Store, username: &str, ip: &str, now: i64) -> Result<(), AppError> {
    let [user_key, ip_key] = throttle_keys(username, ip);
    let since = now - THROTTLE_WINDOW_MS;
    for (key, max) in [
        (user_key, MAX_FAILURES_PER_ACCOUNT),
        (ip_key, MAX_FAILURES_PER_ADDRESS),
    ] {
        let (count, oldest) = store.login_failures_since(&key, since).await?;
        if count >= max {
            let free_at = oldest.unwrap_or(now) + THROTTLE_WINDOW_MS;
            return Err(AppError::Throttled {
                retry_after_secs: ((free_at - now).max(1000) / 1000) as u64,
            });
        }
    }
    Ok(())
}

// Verifying against this when the account does not exist keeps the answer time the same,
// so timing does not tell which part was wrong.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$y2nBSQZxD3pVCDx9j1HJh8Ye1D7dWFr9RqYtWm8qUgk";

/// Checks credentials, throttles repeated failures per account and per address, and opens
/// a session.
pub async fn sign_in(
    store: &Store,
    username: &str,
    password: &str,
    ip: &str,
    user_agent: &str,
) -> Result<SignedIn, AppError> {
    let username = username.trim().to_lowercase();
    let now = now_ms();
    check_throttle(store, &username, ip, now).await?;
    let record = store.login_record(&username).await?;
    let hash = record
        .as_ref()
        .map(|r| r.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.to_string());
    let good = verify_blocking(password.to_string(), hash).await;
    let record = match record {
        Some(r) if good => r,
        _ => {
            store
                .record_login_failure(&throttle_keys(&username, ip), now)
                .await?;
            return Err(AppError::BadCredentials);
        }
    };
    if record.disabled {
        return Err(AppError::AccountDisabled);
    }
    store
        .clear_login_failures(&throttle_keys(&username, ip)[0])
        .await?;
    let token = new_token();
    store
        .insert_session(
            &token_hash(&token),
            &record.id,
            now,
            now + SESSION_TTL_MS,
            user_agent,
            ip,
        )
        .await?;
    let user = store
        .current_user(&record.id)
        .await?
        .ok_or(AppError::AccountDisabled)?;
    store
        .audit(Some(&user.id), "sign_in", "user", &user.id, ip)
        .await?;
    Ok(SignedIn { token, user })
}

/// Changes the caller's own password after checking the current one; other sessions end.
pub async fn change_password(
    store: &Store,
    user_id: &str,
    current_token_hash: &str,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let new = NewPassword::parse(new)?;
    let hash = store.password_hash(user_id).await?;
    if !verify_blocking(current.to_string(), hash).await {
        return Err(AppError::invalid(
            "current_password",
            "the current password is wrong",
        ));
    }
    let new_hash = hash_password_blocking(new.as_str().to_string()).await?;
    store
        .set_password_hash(user_id, &new_hash, Some(current_token_hash), now_ms())
        .await?;
    store
        .audit(Some(user_id), "change_password", "user", user_id, "")
        .await?;
    Ok(())
}

/// An id for a new account (kept here so callers need not know the id scheme).
pub fn new_user_id() -> String {
    new_id()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_password("correct horse").unwrap();
        let b = hash_password("correct horse").unwrap();
        assert_ne!(a, b, "salts differ");
        assert!(verify_password("correct horse", &a));
        assert!(!verify_password("wrong horse", &a));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn dummy_hash_parses_so_unknown_users_cost_the_same() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let t = new_token();
        assert_eq!(t.len(), 64);
        assert_ne!(t, new_token());
        assert_eq!(token_hash(&t).len(), 64);
        assert_ne!(token_hash(&t), t);
    }
}

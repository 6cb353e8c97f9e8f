//! Domain types shared by the browser and the server.

/// Implements the stable word, the translation key and parsing for a unit-only enum.
macro_rules! words {
    ($t:ident, $prefix:literal, [$($v:ident => $w:literal),+ $(,)?]) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$($t::$v),+];

            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => $w),+ }
            }

            pub fn label_key(self) -> &'static str {
                match self { $($t::$v => concat!($prefix, ".", $w)),+ }
            }
        }

        impl ::std::str::FromStr for $t {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                $t::ALL.iter().copied().find(|k| k.as_str() == s).ok_or(())
            }
        }
    };
}

/// Takes the record of the op's kind out of `state`; a record of another kind under the
/// same id is refused (ids are never shared between kinds).
macro_rules! typed {
    ($state:expr, $variant:ident) => {
        match $state {
            None => None,
            Some($crate::domain::records::Record::$variant(r)) => Some(r),
            Some(other) => {
                return Err($crate::domain::ops::Rejection::new(
                    $crate::domain::ops::RejectCode::AlreadyExists,
                    format!("the id belongs to a {}", other.entity().as_str()),
                ))
            }
        }
    };
}

pub mod blobs;
pub mod cases;
pub mod error;
pub mod estate;
pub mod import;
pub mod ledger;
pub mod ops;
pub mod outbox;
pub mod patrols;
pub mod records;
pub mod resident;
pub mod role;
pub mod rules;
pub mod sync;
pub mod user;
pub mod validate;

pub use error::AppError;
pub use role::{Department, Role};

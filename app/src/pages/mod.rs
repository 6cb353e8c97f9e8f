//! One module per screen.

pub mod account;
pub mod admin;
pub mod attention;
pub mod cases;
pub mod estate;
pub mod home;
pub mod ledger;
pub mod login;
pub mod not_found;
pub mod patrols;
pub mod sync_health;

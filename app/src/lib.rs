//! propdesk's app: domain types shared by browser and server, the Leptos UI, and the
//! server functions (their server halves behind the `ssr` feature).

#![recursion_limit = "256"]

rust_i18n::i18n!("locales", fallback = "en");

pub mod api;
pub mod components;
pub mod cookies;
pub mod device;
pub mod domain;
pub mod i18n;
pub mod pages;
mod shell;

pub mod browser;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use shell::{shell, App};

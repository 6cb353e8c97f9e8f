//! Integration tests: each starts the real server on 127.0.0.1:0 over a fresh database —
//! a temporary SQLite file always, and a fresh PostgreSQL database when
//! `PROPDESK_TEST_POSTGRES_URL` is set — and talks to it over HTTP.

mod assets;
mod auth;
mod backup;
mod cases;
mod cli;
mod helpers;
mod import;
mod kill;
mod ledger;
mod patrols;
mod roles;
mod simulation;
mod sync;

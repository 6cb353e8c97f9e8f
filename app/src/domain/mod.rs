//! Domain types shared by the browser and the server.

pub mod blobs;
pub mod cases;
pub mod error;
pub mod estate;
pub mod import;
pub mod ops;
pub mod outbox;
pub mod resident;
pub mod role;
pub mod sync;
pub mod user;
pub mod validate;

pub use error::AppError;
pub use role::{Department, Role};

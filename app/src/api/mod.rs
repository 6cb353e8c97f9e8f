//! Server functions the UI calls. Each is thin: it takes the caller from the request,
//! checks the role and scope, calls one store method and maps the error.

pub mod admin;
pub mod auth;
pub mod cases;
pub mod estate;
pub mod residents;
pub mod sync;

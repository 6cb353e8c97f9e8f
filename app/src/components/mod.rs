//! Pieces every screen uses: the layout, the role guard, error and status display.

pub mod feedback;
pub mod guard;
pub mod layout;
pub mod ready;
pub mod stepper;
pub mod sync_status;

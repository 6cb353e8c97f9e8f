//! The device as the screens see it: the view (local replica with waiting mutations on
//! top), the sync status, the "needs attention" list, and the few things a screen asks of
//! the device (record, sync now, discard, correct, show a photo).
//!
//! The `frontend` crate implements [`Device`] over IndexedDB and runs the sync loop; it
//! installs itself before hydration. On the server nothing is installed and the signals
//! stay empty, so the server renders the same "loading" state the browser starts from.

use crate::domain::cases::Directory;
use crate::domain::outbox::{Entry, ViewCase, ViewRecord};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// A future the browser's single thread runs.
pub type LocalFut<T> = Pin<Box<dyn Future<Output = T>>>;

/// A photo prepared on the device: downscaled, encoded, hashed.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalPhoto {
    pub sha256: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// A change a person makes, to be kept durably and pushed later.
#[derive(Debug, Clone)]
pub struct NewRecord {
    pub op: &'static str,
    pub entity_id: String,
    pub payload: serde_json::Value,
    pub photos: Vec<LocalPhoto>,
}

/// How syncing goes, for the status bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncStatus {
    /// The device's local store has been read (until then screens say "loading").
    pub ready: bool,
    pub online: bool,
    /// Mutations waiting for the server.
    pub waiting: usize,
    /// Rejected mutations waiting for the person.
    pub attention: usize,
    /// When the last sync went through, ms since the epoch.
    pub last_ok: Option<i64>,
    /// A long push or first pull: (done, of).
    pub progress: Option<(usize, usize)>,
    pub syncing: bool,
    /// Why the last attempt failed, for people.
    pub last_error: Option<String>,
    /// The browser refused persistent storage while records wait.
    pub persist_refused: bool,
    /// The session ended: sign in again to send what waits.
    pub signed_out: bool,
}

/// The reactive state the device fills and the screens read.
#[derive(Clone)]
pub struct DeviceState {
    pub cases: ArcRwSignal<BTreeMap<String, ViewCase>>,
    /// Every other record (the front-desk ledger, notices), by id.
    pub ledger: ArcRwSignal<BTreeMap<String, ViewRecord>>,
    pub status: ArcRwSignal<SyncStatus>,
    pub attention: ArcRwSignal<Vec<Entry>>,
    /// Units, buildings, staff and service levels, as last fetched (kept offline).
    pub directory: ArcRwSignal<Directory>,
}

/// What screens ask of the device.
pub trait Device {
    /// Keeps a change (and its photos) durably; resolves only after the local
    /// transaction completed, with a message for people when it could not be kept.
    fn record(&self, record: NewRecord) -> LocalFut<Result<(), String>>;
    /// Starts a sync now (no-op while one runs).
    fn sync_now(&self);
    /// Drops a rejected mutation, on the person's explicit word.
    fn discard(&self, mutation_id: String) -> LocalFut<Result<(), String>>;
    /// Sends a rejected mutation again with a corrected payload.
    fn correct(
        &self,
        mutation_id: String,
        payload: serde_json::Value,
    ) -> LocalFut<Result<(), String>>;
    /// A URL to show a photo: from the device while it waits, else from the server.
    fn photo_url(&self, sha256: String) -> LocalFut<String>;
    /// Downscales and hashes a picked or taken photo.
    fn prepare_photo(&self, file: web_sys::File) -> LocalFut<Result<LocalPhoto, String>>;
    /// Encodes a drawn signature as PNG and names it by its hash.
    fn prepare_signature(
        &self,
        canvas: web_sys::HtmlCanvasElement,
    ) -> LocalFut<Result<LocalPhoto, String>>;
}

thread_local! {
    static DEVICE: RefCell<Option<Rc<dyn Device>>> = const { RefCell::new(None) };
    static STATE: DeviceState = DeviceState {
        cases: ArcRwSignal::new(BTreeMap::new()),
        ledger: ArcRwSignal::new(BTreeMap::new()),
        status: ArcRwSignal::new(SyncStatus::default()),
        attention: ArcRwSignal::new(Vec::new()),
        directory: ArcRwSignal::new(Directory::default()),
    };
}

/// Installs the browser's device (the frontend calls this before hydrating).
pub fn install(device: Rc<dyn Device>) {
    DEVICE.with(|d| *d.borrow_mut() = Some(device));
}

/// The device, in the browser once installed.
pub fn device() -> Option<Rc<dyn Device>> {
    DEVICE.with(|d| d.borrow().clone())
}

/// The device's reactive state.
pub fn state() -> DeviceState {
    STATE.with(Clone::clone)
}

//! The device: the outbox and replica in IndexedDB, and the sync loop of the contract —
//! on start, on `online`, every 30 s while online, and on "Sync now"; failures back off
//! with jitter. Photos go up before the mutations that name them.

use crate::idb::Db;
use crate::net::{self, NetError};
use app::device::{self, Device, DeviceState, LocalFut, LocalPhoto, NewRecord};
use app::domain::cases::Directory;
use app::domain::ops::Actor;
use app::domain::outbox::{self, Entry, EntryState, Outbox};
use app::domain::records::Record;
use app::domain::sync::{PushRequest, PULL_MAX_LIMIT};
use app::domain::user::CurrentUser;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::{Set, Update, WithUntracked};
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Mutations per push: small enough that a weak signal finishes one, large enough that
/// a long offline patrol goes up in a few round trips.
const PUSH_BATCH: usize = 200;
/// Records per pull page.
const PULL_PAGE: u32 = 1_000;
const PERIOD_MS: f64 = 30_000.0;
const ME_KEY: &str = "propdesk.me";

fn now() -> f64 {
    js_sys::Date::now()
}

/// `client_time`: the device clock as RFC 3339 with its own offset.
fn client_time() -> String {
    let d = js_sys::Date::new_0();
    let offset_secs = -(d.get_timezone_offset() as i32) * 60;
    let offset = chrono::FixedOffset::east_opt(offset_secs)
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("zero offset"));
    chrono::DateTime::from_timestamp_millis(now() as i64)
        .unwrap_or_default()
        .with_timezone(&offset)
        .to_rfc3339()
}

async fn sleep(ms: f64) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(p).await;
}

fn online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(false)
}

struct Inner {
    outbox: Outbox,
    records: BTreeMap<String, Record>,
    cursor: i64,
    last_ok: Option<i64>,
}

pub struct Engine {
    db: Db,
    actor: Actor,
    device_id: String,
    /// What the local rules look up (units, staff, service levels): the last directory.
    facts: RefCell<Directory>,
    inner: RefCell<Inner>,
    /// Held by each change to the outbox from its copy to its write-back: a change
    /// waits on IndexedDB, and two at once would both start from the same outbox, give
    /// the same seq to two mutations, and keep only one of them.
    outbox_turn: futures::lock::Mutex<()>,
    state: DeviceState,
    busy: Cell<bool>,
    again: Cell<bool>,
    failures: Cell<u32>,
    next_try: Cell<f64>,
}

/// Starts the device for the signed-in person, if there is one.
pub async fn start() {
    let user = match net::me().await {
        Ok(u) => {
            let _ = LocalStorage::set(ME_KEY, &u);
            u
        }
        Err(NetError::SignedOut) => {
            LocalStorage::delete(ME_KEY);
            return;
        }
        // Offline: the person last signed in on this device.
        Err(_) => match LocalStorage::get::<CurrentUser>(ME_KEY) {
            Ok(u) => u,
            Err(_) => return,
        },
    };
    let state = device::state();
    let db = match Db::open(&user.id).await {
        Ok(db) => db,
        Err(e) => {
            state.status.update(|s| s.last_error = Some(e));
            return;
        }
    };
    let loaded = match db.load().await {
        Ok(l) => l,
        Err(e) => {
            state.status.update(|s| s.last_error = Some(e));
            return;
        }
    };
    // One device id per person on this browser: seq numbers never collide.
    let device_key = format!("propdesk.device.{}", user.id);
    let device_id = LocalStorage::get::<String>(&device_key).unwrap_or_else(|_| {
        let id = uuid::Uuid::now_v7().to_string();
        let _ = LocalStorage::set(&device_key, &id);
        id
    });
    let directory_key = format!("propdesk.directory.{}", user.id);
    let directory: Directory = LocalStorage::get(&directory_key).unwrap_or_default();
    state.directory.set(directory.clone());
    let engine = Rc::new(Engine {
        db,
        actor: Actor::from(&user),
        device_id,
        facts: RefCell::new(directory),
        inner: RefCell::new(Inner {
            outbox: loaded.outbox,
            records: loaded.records,
            cursor: loaded.cursor,
            last_ok: loaded.last_ok,
        }),
        outbox_turn: futures::lock::Mutex::new(()),
        state,
        busy: Cell::new(false),
        again: Cell::new(false),
        failures: Cell::new(0),
        next_try: Cell::new(0.0),
    });
    device::install(Rc::new(Handle(engine.clone())));
    engine.refresh();
    engine.state.status.update(|s| {
        s.ready = true;
        s.online = online();
    });
    if let Ok(dir) = net::directory().await {
        let _ = LocalStorage::set(&directory_key, &dir);
        engine.state.directory.set(dir.clone());
        *engine.facts.borrow_mut() = dir;
        engine.refresh();
    }
    ask_persistence(&engine).await;
    app::browser::forget_pages_of_others(&user.id);
    app::browser::warm_pages(&app::pages::offline_pages(user.role));
    // The `online` event starts a sync at once.
    {
        let e = engine.clone();
        let cb = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            e.state.status.update(|s| s.online = true);
            e.next_try.set(0.0);
            e.kick();
        });
        let off = {
            let e = engine.clone();
            wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                e.state.status.update(|s| s.online = false);
            })
        };
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback(
                "online",
                wasm_bindgen::JsCast::unchecked_ref(cb.as_ref()),
            );
            let _ = w.add_event_listener_with_callback(
                "offline",
                wasm_bindgen::JsCast::unchecked_ref(off.as_ref()),
            );
        }
        cb.forget();
        off.forget();
    }
    // The loop: a sync at start, then every 30 s, sooner after a failure's backoff.
    let mut last_periodic = 0.0;
    loop {
        let t = now();
        let due = t >= engine.next_try.get();
        if online() && due && (engine.failures.get() > 0 || t - last_periodic >= PERIOD_MS) {
            last_periodic = t;
            engine.clone().sync().await;
        }
        sleep(1_000.0).await;
    }
}

/// Asks the browser to keep IndexedDB through storage pressure; remembers a refusal so
/// the status bar can warn while records wait.
async fn ask_persistence(engine: &Engine) {
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else {
        return;
    };
    let granted = match storage.persist() {
        Ok(p) => wasm_bindgen_futures::JsFuture::from(p)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    };
    engine.state.status.update(|s| s.persist_refused = !granted);
}

impl Engine {
    /// Recomputes what the screens show from the replica and the outbox.
    fn refresh(&self) {
        let inner = self.inner.borrow();
        let view = outbox::view(
            &inner.records,
            &inner.outbox,
            &self.actor,
            &*self.facts.borrow(),
        );
        let attention: Vec<Entry> = inner
            .outbox
            .needs_attention()
            .into_iter()
            .cloned()
            .collect();
        let waiting = inner.outbox.waiting();
        let last_ok = inner.last_ok;
        drop(inner);
        let (cases, ledger) = outbox::split(view);
        self.state.cases.set(cases);
        self.state.ledger.set(ledger);
        self.state.status.update(|s| {
            s.waiting = waiting;
            s.attention = attention.len();
            s.last_ok = last_ok;
        });
        self.state.attention.set(attention);
    }

    /// Starts a sync unless one runs; if one runs, it goes round once more.
    fn kick(self: &Rc<Self>) {
        if self.busy.get() {
            self.again.set(true);
            return;
        }
        let e = self.clone();
        wasm_bindgen_futures::spawn_local(async move { e.sync().await });
    }

    async fn sync(self: Rc<Self>) {
        if self.busy.replace(true) {
            self.again.set(true);
            return;
        }
        loop {
            self.again.set(false);
            self.state.status.update(|s| {
                s.syncing = true;
                s.online = online();
            });
            let result = self.sync_once().await;
            match result {
                Ok(()) => {
                    self.failures.set(0);
                    self.next_try.set(0.0);
                    let t = now() as i64;
                    let _ = self.db.set_last_ok(t).await;
                    self.inner.borrow_mut().last_ok = Some(t);
                    self.state.status.update(|s| {
                        s.last_error = None;
                        s.signed_out = false;
                    });
                }
                Err(NetError::SignedOut) => {
                    self.state.status.update(|s| s.signed_out = true);
                    self.next_try.set(now() + PERIOD_MS);
                }
                Err(e) => {
                    // Exponential backoff with jitter, up to a minute.
                    let n = self.failures.get().saturating_add(1);
                    self.failures.set(n);
                    let base = (1_000.0 * 2f64.powi(n.min(6) as i32 - 1)).min(60_000.0);
                    let jitter = 0.5 + js_sys::Math::random();
                    self.next_try.set(now() + base * jitter);
                    self.state
                        .status
                        .update(|s| s.last_error = Some(e.to_string()));
                }
            }
            self.state.status.update(|s| {
                s.syncing = false;
                s.progress = None;
            });
            self.refresh();
            if !self.again.get() || !online() {
                break;
            }
        }
        self.busy.set(false);
    }

    async fn sync_once(&self) -> Result<(), NetError> {
        // 1. Photos first: a mutation may name them, and they should arrive with it.
        let blobs = self.db.queued_blobs().await.map_err(NetError::Retry)?;
        for (sha, bytes) in blobs {
            match net::put_blob(&sha, &bytes).await {
                Ok(()) => {}
                // The server will never take it (type, size): stop retrying it; the
                // record keeps showing the photo as pending, and the error is shown.
                Err(NetError::Refused(code, msg)) => {
                    self.state
                        .status
                        .update(|s| s.last_error = Some(format!("photo refused ({code}): {msg}")));
                }
                Err(e) => return Err(e),
            }
            self.db.unqueue_blob(&sha).await.map_err(NetError::Retry)?;
        }

        // 2. Push the outbox in seq order, in batches, showing progress.
        let total = self.inner.borrow().outbox.waiting();
        let mut done = 0;
        loop {
            let batch = self.inner.borrow().outbox.next_batch(PUSH_BATCH);
            if batch.is_empty() {
                break;
            }
            if total > PUSH_BATCH {
                self.state
                    .status
                    .update(|s| s.progress = Some((done, total)));
            }
            let req = PushRequest {
                device_id: self.device_id.clone(),
                mutations: batch.clone(),
            };
            let answer = match net::push(&req).await {
                Ok(a) => a,
                // The envelope itself is refused: nothing applied, and sending it again
                // cannot help. The batch goes to "needs attention" with the reason.
                Err(NetError::Refused(code, msg)) => {
                    let results: Vec<_> = batch
                        .iter()
                        .map(|m| app::domain::sync::PushResult {
                            id: m.id.clone(),
                            status: app::domain::sync::PushStatus::Rejected {
                                code: format!("http_{code}"),
                                message: msg.clone(),
                            },
                        })
                        .collect();
                    app::domain::sync::PushResponse { results, cursor: 0 }
                }
                Err(e) => return Err(e),
            };
            let _turn = self.outbox_turn.lock().await;
            let mut next = self.inner.borrow().outbox.clone();
            let before: Vec<u64> = next.entries.keys().copied().collect();
            next.acknowledge(&answer.results);
            let removed: Vec<u64> = before
                .into_iter()
                .filter(|s| !next.entries.contains_key(s))
                .collect();
            let updated: Vec<Entry> = batch
                .iter()
                .filter_map(|m| next.entries.get(&m.seq))
                .filter(|e| matches!(e.state, EntryState::Rejected { .. }))
                .cloned()
                .collect();
            self.db
                .settle(&removed, &updated)
                .await
                .map_err(NetError::Retry)?;
            self.inner.borrow_mut().outbox = next;
            done += batch.len();
            self.refresh();
        }

        // 3. Pull everything new.
        loop {
            let since = self.inner.borrow().cursor;
            let page = net::pull(since, PULL_PAGE.min(PULL_MAX_LIMIT)).await?;
            let records: Vec<Record> = page
                .changes
                .iter()
                .filter(|c| !c.deleted)
                .filter_map(|c| Record::from_feed(&c.entity, c.record.clone()))
                .collect();
            self.db
                .apply_pull(&records, page.cursor)
                .await
                .map_err(NetError::Retry)?;
            {
                let mut inner = self.inner.borrow_mut();
                for r in records {
                    inner.records.insert(r.id().to_string(), r);
                }
                inner.cursor = page.cursor;
            }
            if page.more {
                self.state.status.update(|s| {
                    let (d, _) = s.progress.unwrap_or((0, 0));
                    let d = d + page.changes.len();
                    s.progress = Some((d, d + PULL_PAGE as usize));
                });
                self.refresh();
            } else {
                break;
            }
        }
        Ok(())
    }
}

fn boxed<T: 'static>(f: impl std::future::Future<Output = T> + 'static) -> LocalFut<T> {
    Box::pin(f)
}

/// `Device` is implemented on the shared handle so that each call can outlive the
/// screen that made it.
struct Handle(Rc<Engine>);

impl Device for Handle {
    fn record(&self, r: NewRecord) -> LocalFut<Result<(), String>> {
        let e = self.0.clone();
        boxed(async move {
            let _turn = e.outbox_turn.lock().await;
            let mut next = e.inner.borrow().outbox.clone();
            let m = next.record(
                uuid::Uuid::now_v7().to_string(),
                r.op,
                r.entity_id,
                client_time(),
                r.payload,
            );
            // The same rules as the server's, now: refuse what can never apply.
            let current = e.inner.borrow().records.get(&m.entity_id).cloned();
            let shown = e
                .state
                .cases
                .with_untracked(|v| v.get(&m.entity_id).map(|c| Record::Case(c.case.clone())))
                .or_else(|| {
                    e.state
                        .ledger
                        .with_untracked(|v| v.get(&m.entity_id).map(|r| r.record.clone()))
                });
            // A run starts from a route the device shows (synced or still waiting).
            let checked = e.state.ledger.with_untracked(|records| {
                let directory = e.facts.borrow();
                let facts = outbox::RecordFacts {
                    base: &*directory,
                    records,
                };
                outbox::check(shown.as_ref().or(current.as_ref()), &m, &e.actor, &facts)
            });
            checked.map_err(|r| r.message)?;
            let entry = next
                .entries
                .get(&m.seq)
                .cloned()
                .ok_or("outbox lost the entry")?;
            e.db.record(&entry, next.last_seq, &r.photos).await?;
            e.inner.borrow_mut().outbox = next;
            e.refresh();
            Rc::clone(&e).kick();
            Ok(())
        })
    }

    fn sync_now(&self) {
        self.0.next_try.set(0.0);
        self.0.kick();
    }

    fn discard(&self, id: String) -> LocalFut<Result<(), String>> {
        let e = self.0.clone();
        boxed(async move {
            let _turn = e.outbox_turn.lock().await;
            let mut next = e.inner.borrow().outbox.clone();
            let seq = next
                .entries
                .iter()
                .find(|(_, x)| x.mutation.id == id)
                .map(|(s, _)| *s)
                .ok_or("no such entry")?;
            if !next.discard(&id) {
                return Err("only rejected records can be discarded".into());
            }
            e.db.settle(&[seq], &[]).await?;
            e.inner.borrow_mut().outbox = next;
            e.refresh();
            Ok(())
        })
    }

    fn correct(&self, id: String, payload: serde_json::Value) -> LocalFut<Result<(), String>> {
        let e = self.0.clone();
        boxed(async move {
            let _turn = e.outbox_turn.lock().await;
            let mut next = e.inner.borrow().outbox.clone();
            let old_seq = next
                .entries
                .iter()
                .find(|(_, x)| x.mutation.id == id)
                .map(|(s, _)| *s)
                .ok_or("no such entry")?;
            let m = next
                .correct(
                    &id,
                    uuid::Uuid::now_v7().to_string(),
                    client_time(),
                    payload,
                )
                .ok_or("only rejected records can be corrected")?;
            let entry = next
                .entries
                .get(&m.seq)
                .cloned()
                .ok_or("outbox lost the entry")?;
            e.db.record(&entry, next.last_seq, &[]).await?;
            e.db.settle(&[old_seq], &[]).await?;
            e.inner.borrow_mut().outbox = next;
            e.refresh();
            Rc::clone(&e).kick();
            Ok(())
        })
    }

    fn photo_url(&self, sha256: String) -> LocalFut<String> {
        let e = self.0.clone();
        boxed(async move {
            match e.db.blob(&sha256).await {
                Ok(Some(bytes)) => crate::photos::object_url(&bytes, "image/jpeg")
                    .unwrap_or_else(|| format!("/api/v1/blobs/{sha256}")),
                _ => format!("/api/v1/blobs/{sha256}"),
            }
        })
    }

    fn prepare_photo(&self, file: web_sys::File) -> LocalFut<Result<LocalPhoto, String>> {
        boxed(crate::photos::prepare(file))
    }

    fn prepare_signature(
        &self,
        canvas: web_sys::HtmlCanvasElement,
    ) -> LocalFut<Result<LocalPhoto, String>> {
        boxed(crate::photos::signature(canvas))
    }
}

//! The device's IndexedDB database, one per signed-in person (`propdesk-<user id>`), so
//! that people sharing a tablet never push each other's work.
//!
//! Stores (keys out of line, values JSON text unless noted):
//! - `outbox`: key `seq` → outbox entry (waiting or rejected mutation);
//! - `records`: key record id → the record's latest pulled state;
//! - `meta`: `last_seq`, `cursor`, `last_ok`;
//! - `blobs`: key SHA-256 → photo bytes (`Uint8Array`), kept after upload for offline viewing;
//! - `blob_queue`: key SHA-256 → MIME type, photos not yet uploaded.
//!
//! A write resolves only after its transaction has completed (`commit`), so nothing is
//! shown as saved before it is on the device.

use app::domain::cases::Case;
use app::domain::outbox::{Entry, Outbox};
use app::domain::records::Record;
use rexie::{ObjectStore, Rexie, TransactionMode};
use std::collections::BTreeMap;
use wasm_bindgen::JsValue;

const OUTBOX: &str = "outbox";
const RECORDS: &str = "records";
const META: &str = "meta";
const BLOBS: &str = "blobs";
const BLOB_QUEUE: &str = "blob_queue";

/// A storage failure, worded for people (a full disk shows up here).
pub type IdbResult<T> = Result<T, String>;

fn err(e: impl std::fmt::Debug) -> String {
    format!("device storage failed: {e:?}")
}

/// What the device holds, read at start.
pub struct Loaded {
    pub outbox: Outbox,
    pub records: BTreeMap<String, Record>,
    pub cursor: i64,
    pub last_ok: Option<i64>,
}

pub struct Db {
    db: Rexie,
}

impl Db {
    pub async fn open(user_id: &str) -> IdbResult<Db> {
        let db = Rexie::builder(&format!("propdesk-{user_id}"))
            .version(1)
            .add_object_store(ObjectStore::new(OUTBOX))
            .add_object_store(ObjectStore::new(RECORDS))
            .add_object_store(ObjectStore::new(META))
            .add_object_store(ObjectStore::new(BLOBS))
            .add_object_store(ObjectStore::new(BLOB_QUEUE))
            .build()
            .await
            .map_err(err)?;
        Ok(Db { db })
    }

    pub async fn load(&self) -> IdbResult<Loaded> {
        let tx = self
            .db
            .transaction(&[OUTBOX, RECORDS, META], TransactionMode::ReadOnly)
            .map_err(err)?;
        let mut outbox = Outbox::default();
        for v in tx
            .store(OUTBOX)
            .map_err(err)?
            .get_all(None, None)
            .await
            .map_err(err)?
        {
            if let Some(text) = v.as_string() {
                if let Ok(e) = serde_json::from_str::<Entry>(&text) {
                    outbox.entries.insert(e.mutation.seq, e);
                }
            }
        }
        let mut records = BTreeMap::new();
        for v in tx
            .store(RECORDS)
            .map_err(err)?
            .get_all(None, None)
            .await
            .map_err(err)?
        {
            if let Some(text) = v.as_string() {
                // Replicas written before the ledger hold bare cases.
                let record = serde_json::from_str::<Record>(&text)
                    .ok()
                    .or_else(|| serde_json::from_str::<Case>(&text).ok().map(Record::Case));
                if let Some(r) = record {
                    records.insert(r.id().to_string(), r);
                }
            }
        }
        let meta = tx.store(META).map_err(err)?;
        let num = |v: Option<JsValue>| v.and_then(|v| v.as_f64()).map(|f| f as i64);
        let last_seq = num(meta.get("last_seq".into()).await.map_err(err)?).unwrap_or(0);
        let cursor = num(meta.get("cursor".into()).await.map_err(err)?).unwrap_or(0);
        let last_ok = num(meta.get("last_ok".into()).await.map_err(err)?);
        // The stored high mark and the entries agree unless storage was tampered with;
        // never hand out a seq again either way.
        let highest = outbox.entries.keys().next_back().copied().unwrap_or(0);
        outbox.last_seq = (last_seq.max(0) as u64).max(highest);
        Ok(Loaded {
            outbox,
            records,
            cursor,
            last_ok,
        })
    }

    /// Keeps a newly recorded mutation, its photos, and the seq high mark, together.
    pub async fn record(
        &self,
        entry: &Entry,
        last_seq: u64,
        photos: &[app::device::LocalPhoto],
    ) -> IdbResult<()> {
        let tx = self
            .db
            .transaction(
                &[OUTBOX, META, BLOBS, BLOB_QUEUE],
                TransactionMode::ReadWrite,
            )
            .map_err(err)?;
        let text = serde_json::to_string(entry).map_err(err)?;
        tx.store(OUTBOX)
            .map_err(err)?
            .put(&text.into(), Some(&(entry.mutation.seq as f64).into()))
            .await
            .map_err(err)?;
        tx.store(META)
            .map_err(err)?
            .put(&(last_seq as f64).into(), Some(&"last_seq".into()))
            .await
            .map_err(err)?;
        let blobs = tx.store(BLOBS).map_err(err)?;
        let queue = tx.store(BLOB_QUEUE).map_err(err)?;
        for p in photos {
            let bytes: JsValue = js_sys::Uint8Array::from(p.bytes.as_slice()).into();
            blobs
                .put(&bytes, Some(&p.sha256.as_str().into()))
                .await
                .map_err(err)?;
            queue
                .put(&p.mime.as_str().into(), Some(&p.sha256.as_str().into()))
                .await
                .map_err(err)?;
        }
        tx.commit().await.map_err(err)
    }

    /// Applies the server's answers: entries that left are deleted, rejected ones updated.
    pub async fn settle(&self, removed: &[u64], updated: &[Entry]) -> IdbResult<()> {
        let tx = self
            .db
            .transaction(&[OUTBOX], TransactionMode::ReadWrite)
            .map_err(err)?;
        let store = tx.store(OUTBOX).map_err(err)?;
        for seq in removed {
            store.delete((*seq as f64).into()).await.map_err(err)?;
        }
        for e in updated {
            let text = serde_json::to_string(e).map_err(err)?;
            store
                .put(&text.into(), Some(&(e.mutation.seq as f64).into()))
                .await
                .map_err(err)?;
        }
        tx.commit().await.map_err(err)
    }

    /// Stores pulled records and the cursor after them, together.
    pub async fn apply_pull(&self, records: &[Record], cursor: i64) -> IdbResult<()> {
        let tx = self
            .db
            .transaction(&[RECORDS, META], TransactionMode::ReadWrite)
            .map_err(err)?;
        let store = tx.store(RECORDS).map_err(err)?;
        for r in records {
            let text = serde_json::to_string(r).map_err(err)?;
            store
                .put(&text.into(), Some(&r.id().into()))
                .await
                .map_err(err)?;
        }
        tx.store(META)
            .map_err(err)?
            .put(&(cursor as f64).into(), Some(&"cursor".into()))
            .await
            .map_err(err)?;
        tx.commit().await.map_err(err)
    }

    pub async fn set_last_ok(&self, at: i64) -> IdbResult<()> {
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadWrite)
            .map_err(err)?;
        tx.store(META)
            .map_err(err)?
            .put(&(at as f64).into(), Some(&"last_ok".into()))
            .await
            .map_err(err)?;
        tx.commit().await.map_err(err)
    }

    /// Photos waiting for upload: (SHA-256, bytes).
    pub async fn queued_blobs(&self) -> IdbResult<Vec<(String, Vec<u8>)>> {
        let tx = self
            .db
            .transaction(&[BLOBS, BLOB_QUEUE], TransactionMode::ReadOnly)
            .map_err(err)?;
        let keys = tx
            .store(BLOB_QUEUE)
            .map_err(err)?
            .get_all_keys(None, None)
            .await
            .map_err(err)?;
        let blobs = tx.store(BLOBS).map_err(err)?;
        let mut out = Vec::new();
        for k in keys {
            let Some(sha) = k.as_string() else { continue };
            if let Some(v) = blobs.get(k).await.map_err(err)? {
                out.push((sha, js_sys::Uint8Array::new(&v).to_vec()));
            }
        }
        Ok(out)
    }

    pub async fn unqueue_blob(&self, sha256: &str) -> IdbResult<()> {
        let tx = self
            .db
            .transaction(&[BLOB_QUEUE], TransactionMode::ReadWrite)
            .map_err(err)?;
        tx.store(BLOB_QUEUE)
            .map_err(err)?
            .delete(sha256.into())
            .await
            .map_err(err)?;
        tx.commit().await.map_err(err)
    }

    /// A photo's bytes, if the device has them.
    pub async fn blob(&self, sha256: &str) -> IdbResult<Option<Vec<u8>>> {
        let tx = self
            .db
            .transaction(&[BLOBS], TransactionMode::ReadOnly)
            .map_err(err)?;
        let v = tx
            .store(BLOBS)
            .map_err(err)?
            .get(sha256.into())
            .await
            .map_err(err)?;
        Ok(v.map(|v| js_sys::Uint8Array::new(&v).to_vec()))
    }
}

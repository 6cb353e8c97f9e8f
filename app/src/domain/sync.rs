//! The sync contract's wire types (`shared/spec/sync.md`) and the checks every push
//! envelope passes before anything in it is applied. Shared by the browser's outbox and
//! the server, so both read and write exactly the same shapes.

use serde::{Deserialize, Serialize};

/// The most mutations one push may carry.
pub const MAX_MUTATIONS_PER_PUSH: usize = 1_000;
/// The default and largest page of a pull.
pub const PULL_DEFAULT_LIMIT: u32 = 500;
pub const PULL_MAX_LIMIT: u32 = 5_000;

/// One recorded change, made on a device and kept in its outbox until acknowledged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    /// UUIDv7 made on the device; the server applies each id at most once.
    pub id: String,
    /// 1, 2, 3 … per device, in the order the person made them.
    pub seq: u64,
    /// e.g. `case.create`, `case.comment`.
    pub op: String,
    /// The record the mutation is about (for a create, the new record's id).
    pub entity_id: String,
    /// RFC 3339 with offset, as the device's clock read it.
    pub client_time: String,
    pub payload: serde_json::Value,
}

/// `POST /api/v1/sync/push`'s body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub device_id: String,
    pub mutations: Vec<Mutation>,
}

/// What became of one mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PushStatus {
    /// This call applied it.
    Applied,
    /// A mutation with this id was applied before; nothing changed.
    Duplicate,
    /// It can never apply; kept in the server's rejection log.
    Rejected { code: String, message: String },
}

/// One result per mutation, in the order sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResult {
    pub id: String,
    #[serde(flatten)]
    pub status: PushStatus,
}

/// `POST /api/v1/sync/push`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<PushResult>,
    pub cursor: i64,
}

/// One entry of the change feed: the whole current state of a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub cursor: i64,
    pub entity: String,
    pub id: String,
    pub deleted: bool,
    pub record: serde_json::Value,
}

/// `GET /api/v1/sync/pull`'s answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    pub cursor: i64,
    pub more: bool,
}

/// What supervisors see of a rejected mutation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RejectedMutation {
    pub id: String,
    pub device_id: String,
    pub seq: i64,
    pub user_id: String,
    pub username: String,
    pub op: String,
    pub entity_id: String,
    pub client_time: String,
    pub received_at: i64,
    pub code: String,
    pub message: String,
    pub payload: serde_json::Value,
}

/// A run of seq numbers a device never sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeqGap {
    pub device_id: String,
    pub from_seq: i64,
    pub to_seq: i64,
    pub user_id: String,
    pub username: String,
    pub detected_at: i64,
}

/// Why a push envelope is refused whole (nothing of it is applied).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("device_id `{0}` is not a UUID")]
    BadDeviceId(String),
    #[error("{0} mutations in one push; at most {MAX_MUTATIONS_PER_PUSH}")]
    TooMany(usize),
    #[error("mutation {index}: {message}")]
    BadMutation { index: usize, message: String },
}

pub fn is_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok()
}

impl PushRequest {
    /// Checks the envelope: ids are UUIDs, `seq` starts at 1 and rises within the batch,
    /// `client_time` is RFC 3339, and the batch is not too large. Whether each op and
    /// payload may apply is decided per mutation later, never here.
    pub fn validate(&self) -> Result<(), EnvelopeError> {
        if !is_uuid(&self.device_id) {
            return Err(EnvelopeError::BadDeviceId(self.device_id.clone()));
        }
        if self.mutations.len() > MAX_MUTATIONS_PER_PUSH {
            return Err(EnvelopeError::TooMany(self.mutations.len()));
        }
        let mut last_seq = 0;
        for (index, m) in self.mutations.iter().enumerate() {
            let bad = |message: String| EnvelopeError::BadMutation { index, message };
            if !is_uuid(&m.id) {
                return Err(bad(format!("id `{}` is not a UUID", m.id)));
            }
            if !is_uuid(&m.entity_id) {
                return Err(bad(format!("entity_id `{}` is not a UUID", m.entity_id)));
            }
            if m.seq == 0 || m.seq <= last_seq {
                return Err(bad(format!(
                    "seq {} must be ≥ 1 and rise within a push",
                    m.seq
                )));
            }
            last_seq = m.seq;
            if chrono::DateTime::parse_from_rfc3339(&m.client_time).is_err() {
                return Err(bad(format!(
                    "client_time `{}` is not RFC 3339",
                    m.client_time
                )));
            }
            if m.op.is_empty() || m.op.len() > 64 {
                return Err(bad("op is missing".into()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(seq: u64) -> Mutation {
        Mutation {
            id: uuid::Uuid::now_v7().to_string(),
            seq,
            op: "case.create".into(),
            entity_id: uuid::Uuid::now_v7().to_string(),
            client_time: "2026-11-23T10:04:05+08:00".into(),
            payload: json!({}),
        }
    }

    fn push(mutations: Vec<Mutation>) -> PushRequest {
        PushRequest {
            device_id: uuid::Uuid::now_v7().to_string(),
            mutations,
        }
    }

    #[test]
    fn a_good_envelope_passes() {
        assert_eq!(push(vec![m(1), m(2), m(5)]).validate(), Ok(()));
        assert_eq!(push(vec![]).validate(), Ok(()));
    }

    #[test]
    fn bad_envelopes_name_the_problem() {
        let mut p = push(vec![m(1)]);
        p.device_id = "tablet-3".into();
        assert!(matches!(p.validate(), Err(EnvelopeError::BadDeviceId(_))));
        let p = push(vec![m(2), m(2)]);
        assert!(matches!(
            p.validate(),
            Err(EnvelopeError::BadMutation { index: 1, .. })
        ));
        let mut bad_time = m(1);
        bad_time.client_time = "yesterday".into();
        let err = push(vec![bad_time]).validate().unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
        let many = push((1..=1001).map(m).collect());
        assert_eq!(many.validate(), Err(EnvelopeError::TooMany(1001)));
    }

    #[test]
    fn results_have_the_contract_shape() {
        let applied = PushResult {
            id: "a".into(),
            status: PushStatus::Applied,
        };
        assert_eq!(
            serde_json::to_value(&applied).unwrap(),
            json!({"id": "a", "status": "applied"})
        );
        let rejected = PushResult {
            id: "b".into(),
            status: PushStatus::Rejected {
                code: "invalid_transition".into(),
                message: "case is closed".into(),
            },
        };
        assert_eq!(
            serde_json::to_value(&rejected).unwrap(),
            json!({"id": "b", "status": "rejected", "code": "invalid_transition", "message": "case is closed"})
        );
        let back: PushResult =
            serde_json::from_value(json!({"id": "c", "status": "duplicate"})).unwrap();
        assert_eq!(back.status, PushStatus::Duplicate);
    }
}

//! Taking a step on a record from a screen: the shared rules check it against what the
//! device shows, then the device keeps it for the next sync.

use crate::components::layout::use_user;
use crate::device::{self, LocalPhoto, NewRecord};
use crate::domain::ops::{self, Actor, Op};
use crate::domain::records::Record;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Takes steps for one screen: checks each with the shared rules against what the
/// device shows, then keeps it. A refusal comes back as the rules' message, before
/// anything is stored. Made in the component's body, where the person and the language
/// are in context (event handlers run outside it).
#[derive(Clone, Copy)]
pub struct Stepper {
    pub actor: StoredValue<Actor>,
    pub i18n: crate::i18n::I18n,
    pub error: RwSignal<Option<String>>,
}

impl Stepper {
    pub fn new(error: RwSignal<Option<String>>) -> Self {
        Stepper {
            actor: StoredValue::new(Actor::from(&use_user())),
            i18n: use_i18n(),
            error,
        }
    }

    pub fn check(
        &self,
        current: Option<&Record>,
        op: &'static str,
        entity_id: String,
        payload: serde_json::Value,
        photos: Vec<LocalPhoto>,
    ) -> Result<NewRecord, String> {
        let directory = device::state().directory.get_untracked();
        let parsed = Op::parse(op, &payload).map_err(|r| r.message)?;
        // Runs start from routes the device holds, so the rules see its records too.
        device::state().ledger.with_untracked(|records| {
            let facts = crate::domain::outbox::RecordFacts {
                base: &directory,
                records,
            };
            self.actor.with_value(|actor| {
                ops::apply(
                    current,
                    &parsed,
                    ops::Context {
                        mutation_id: "check",
                        entity_id: &entity_id,
                        actor,
                        facts: &facts,
                        at: crate::browser::now_ms(),
                    },
                )
                .map(|_| ())
                .map_err(|r| r.message)
            })
        })?;
        Ok(NewRecord {
            op,
            entity_id,
            payload,
            photos,
        })
    }

    /// Checks and keeps a step; `done` runs once it is stored on the device.
    pub fn send(
        &self,
        current: Option<&Record>,
        op: &'static str,
        entity_id: String,
        payload: serde_json::Value,
        photos: Vec<LocalPhoto>,
        done: impl FnOnce() + 'static,
    ) {
        let (error, i18n) = (self.error, self.i18n);
        let record = match self.check(current, op, entity_id, payload, photos) {
            Ok(r) => r,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        let Some(device) = device::device() else {
            return;
        };
        spawn_local(async move {
            match device.record(record).await {
                Ok(()) => {
                    error.set(None);
                    done();
                }
                Err(e) => error.set(Some(format!("{}: {e}", i18n.t("sync.not_saved")))),
            }
        });
    }
}

//! Group commit of sync pushes.
//!
//! A push is acknowledged only once its transaction is durable, and on SQLite with
//! `synchronous=FULL` every commit waits for an fsync. Pushes from many devices used to
//! queue one behind the other, each paying its own fsync. Here one writer task takes every
//! push waiting at that moment and applies them in one transaction, each inside its own
//! savepoint (so one push failing on a database error does not undo the others), and
//! commits once: one fsync for the whole group. Nobody is answered before that commit,
//! so the contract ("acknowledged means durable") holds exactly as before.
//!
//! The writer runs on its own task, not inside a request: a client hanging up mid-push
//! cannot cancel a transaction that other devices' pushes ride in.

use super::{Store, StoreError};
use crate::domain::ops::Actor;
use crate::domain::sync::{PushRequest, PushResult};
use tokio::sync::{mpsc, oneshot};

/// A group stops growing at this many pushes or mutations, so one slow giant batch does
/// not hold many small pushes (a technician's single "start") for long.
const MAX_GROUP_PUSHES: usize = 64;
const MAX_GROUP_MUTATIONS: usize = 4_000;
/// Pushes waiting for the writer beyond this make their senders wait: back-pressure
/// instead of unbounded memory.
const QUEUE: usize = 1_024;

type Outcome = Result<(Vec<PushResult>, i64), StoreError>;

struct Job {
    actor: Actor,
    req: PushRequest,
    received_at: i64,
    reply: oneshot::Sender<Outcome>,
}

/// The handle requests use to reach the writer.
#[derive(Clone, Debug)]
pub(super) struct Committer {
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("device", &self.req.device_id)
            .field("mutations", &self.req.mutations.len())
            .finish()
    }
}

impl Committer {
    /// Starts the writer over `store` (a copy without a committer of its own, so the task
    /// ends when the last real handle is dropped).
    pub(super) fn start(store: Store) -> Committer {
        let (jobs, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write_loop(store, rx));
        Committer { jobs }
    }
}

async fn write_loop(store: Store, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut mutations = first.req.mutations.len();
        let mut group = vec![first];
        while group.len() < MAX_GROUP_PUSHES && mutations < MAX_GROUP_MUTATIONS {
            match rx.try_recv() {
                Ok(job) => {
                    mutations += job.req.mutations.len();
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        store.commit_group(group).await;
    }
}

impl Store {
    /// Applies a device's push and returns one result per mutation, in order, and the feed
    /// cursor after it. Returns only after the commit that holds it is durable.
    pub async fn push(
        &self,
        actor: &Actor,
        req: &PushRequest,
        received_at: i64,
    ) -> Result<(Vec<PushResult>, i64), StoreError> {
        let Some(committer) = &self.committer else {
            // The writer's own copy: no queue to go through.
            return self.push_alone(actor, req, received_at).await;
        };
        let (reply, answer) = oneshot::channel();
        let job = Job {
            actor: actor.clone(),
            req: req.clone(),
            received_at,
            reply,
        };
        committer
            .jobs
            .send(job)
            .await
            .map_err(|_| StoreError::Unsupported("the sync writer has stopped"))?;
        answer
            .await
            .map_err(|_| StoreError::Unsupported("the sync writer has stopped"))?
    }

    async fn push_alone(&self, actor: &Actor, req: &PushRequest, received_at: i64) -> Outcome {
        let _gate = self.write_gate().await;
        let mut tx = self.pool.begin().await?;
        let last = Self::lock_feed(&mut tx).await?;
        let out = self.push_in(&mut tx, actor, req, received_at, last).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// One transaction for the whole group, one savepoint per push; answers every push
    /// after the commit (or with the error that stopped it).
    async fn commit_group(&self, group: Vec<Job>) {
        let _gate = self.write_gate().await;
        let outcomes = self.apply_group(&group).await;
        match outcomes {
            Ok(outcomes) => {
                for (job, outcome) in group.into_iter().zip(outcomes) {
                    // A requester that hung up gets its answer from a resend: duplicates.
                    let _ = job.reply.send(outcome);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, pushes = group.len(), "sync group did not commit");
                let message = e.to_string();
                for job in group {
                    let _ = job.reply.send(Err(StoreError::Commit(message.clone())));
                }
            }
        }
    }

    async fn apply_group(&self, group: &[Job]) -> Result<Vec<Outcome>, StoreError> {
        use sqlx::Acquire;
        let mut tx = self.pool.begin().await?;
        let mut last = Self::lock_feed(&mut tx).await?;
        let mut outcomes = Vec::with_capacity(group.len());
        for job in group {
            let mut sp = (&mut *tx).begin().await?;
            match self
                .push_in(&mut sp, &job.actor, &job.req, job.received_at, last)
                .await
            {
                Ok((results, cursor)) => {
                    sp.commit().await?;
                    last = cursor;
                    outcomes.push(Ok((results, cursor)));
                }
                Err(e) => {
                    sp.rollback().await?;
                    outcomes.push(Err(e));
                }
            }
        }
        tx.commit().await?;
        Ok(outcomes)
    }
}

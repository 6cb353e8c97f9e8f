//! Group commit of sync pushes.
//!
//! A push is acknowledged only once its transaction is durable, and on SQLite with
//! `synchronous=FULL` every commit waits for an fsync. Pushes from many devices used to
//! queue one behind the other, each paying its own fsync. Here one writer task takes every
//! push waiting at that moment and applies them in one transaction, and commits once: one
//! fsync for the whole group. Nobody is answered before that commit, so the contract
//! ("acknowledged means durable") holds exactly as before.
//!
//! The group's pushes are applied together (`Store::push_in`), sharing one read and one
//! write statement per table, with the outcome of applying them one after the other. If
//! that fails on a database error, they are applied again one by one, each in a savepoint
//! of its own, so that one push's failure does not undo the others.
//!
//! The writer runs on its own task, not inside a request: a client hanging up mid-push
//! cannot cancel a transaction that other devices' pushes ride in.

use super::sync::PushJob;
use super::{Store, StoreError};
use crate::domain::ops::Actor;
use crate::domain::sync::{PushRequest, PushResult};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection};
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
    // The writer keeps one connection of its own while the pool is open: it no longer
    // queues for a connection behind the requests reading sessions, and skips the
    // pool's hand-over on every group. It gives it back when the pool closes, which
    // waits for every connection.
    let closing = store.pool.close_event();
    tokio::pin!(closing);
    let mut conn: Option<PoolConnection<Any>> = None;
    loop {
        let first = tokio::select! {
            job = rx.recv() => match job {
                Some(job) => job,
                None => break,
            },
            _ = &mut closing => break,
        };
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
        let held = match conn.take() {
            Some(c) => c,
            None => match store.pool.acquire().await {
                Ok(c) => c,
                Err(e) => {
                    answer_all(group, &StoreError::from(e));
                    continue;
                }
            },
        };
        conn = store.commit_group(held, group).await;
    }
}

/// Answers every push of a group that did not commit with the error that stopped it.
fn answer_all(group: Vec<Job>, e: &StoreError) {
    tracing::error!(error = %e, pushes = group.len(), "sync group did not commit");
    let message = e.to_string();
    for job in group {
        let _ = job.reply.send(Err(StoreError::Commit(message.clone())));
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
        let job = PushJob {
            actor,
            req,
            received_at,
        };
        let (mut results, cursor) = self.push_in(&mut tx, &[job], None).await?;
        tx.commit().await?;
        Ok((results.pop().unwrap_or_default(), cursor))
    }

    /// Applies the group (`apply_group`) on the writer's connection and answers every
    /// push after the commit (or with the error that stopped it). Returns the connection
    /// for the next group, unless it failed: it is closed then, and the next group opens
    /// another.
    async fn commit_group(
        &self,
        mut conn: PoolConnection<Any>,
        group: Vec<Job>,
    ) -> Option<PoolConnection<Any>> {
        let _gate = self.write_gate().await;
        match self.apply_group(&mut conn, &group).await {
            Ok(outcomes) => {
                for (job, outcome) in group.into_iter().zip(outcomes) {
                    // A requester that hung up gets its answer from a resend: duplicates.
                    let _ = job.reply.send(outcome);
                }
                Some(conn)
            }
            Err(e) => {
                answer_all(group, &e);
                // A connection a group failed on is not trusted with the next one.
                conn.close_on_drop();
                None
            }
        }
    }

    /// The group in one go: its pushes share their reads and writes (`push_in`). Should
    /// that fail on a database error, each push is retried in a savepoint of its own, so
    /// that one push's failure does not undo the others.
    async fn apply_group(
        &self,
        conn: &mut AnyConnection,
        group: &[Job],
    ) -> Result<Vec<Outcome>, StoreError> {
        use sqlx::Acquire;
        let jobs: Vec<PushJob<'_>> = group
            .iter()
            .map(|j| PushJob {
                actor: &j.actor,
                req: &j.req,
                received_at: j.received_at,
            })
            .collect();
        let mut tx = (&mut *conn).begin().await?;
        match self.push_in(&mut tx, &jobs, None).await {
            Ok((results, cursor)) => {
                tx.commit().await?;
                return Ok(results.into_iter().map(|r| Ok((r, cursor))).collect());
            }
            Err(e) if jobs.len() == 1 => {
                tx.rollback().await?;
                return Ok(vec![Err(e)]);
            }
            Err(e) => {
                tracing::warn!(error = %e, pushes = jobs.len(), "group failed; pushes retried one by one");
                tx.rollback().await?;
            }
        }
        let mut tx = (&mut *conn).begin().await?;
        let mut last = Self::lock_feed(&mut tx).await?;
        let mut outcomes = Vec::with_capacity(jobs.len());
        for job in jobs {
            let mut sp = (&mut *tx).begin().await?;
            match self
                .push_in(&mut sp, std::slice::from_ref(&job), Some(last))
                .await
            {
                Ok((mut results, cursor)) => {
                    sp.commit().await?;
                    last = cursor;
                    outcomes.push(Ok((results.pop().unwrap_or_default(), cursor)));
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

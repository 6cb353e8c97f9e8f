//! The sync engine's store: one transaction per push, the change feed, the rejection log
//! and seq gaps.
//!
//! # Why a puller never skips a change
//! A sequence is not commit order on PostgreSQL: transaction A may take cursor 7, B take
//! 8 and commit first, and a puller that saw 8 would never come back for 7. So cursors
//! are not taken from a sequence. Every transaction that publishes records first locks the
//! single `sync_state` row (`UPDATE … RETURNING`), hands out cursors from it, and writes
//! the new high mark back before committing. Publishing transactions are therefore
//! serialized, on one server or many over one PostgreSQL: when cursor `c` is visible,
//! every transaction with a smaller cursor has already committed. On SQLite writers are
//! serialized anyway; an in-process gate queues them so that they do not spin in SQLite's
//! busy handler.
//!
//! # Why batches
//! A group of pushes (`commit`) reads what it needs in a handful of `IN (…)` queries,
//! applies the pure rules in memory, and writes with one statement per table (`bulk`): a
//! round trip per statement, not per mutation or per push.

use super::bulk::{self, Arg, Col, Script};
use super::{Store, StoreError};
use crate::domain::cases::Case;
use crate::domain::cases::Policy;
use crate::domain::ops::{self, Actor, Entity, Facts, Op, Rejection, StaffFact, UnitFact};
use crate::domain::records::Record;
use crate::domain::sync::{
    Change, Mutation, PushRequest, PushResult, PushStatus, RejectedMutation, SeqGap,
};
use serde_json::json;
use sqlx::{AnyConnection, Row};
use std::collections::{HashMap, HashSet};

/// `$start, $start+1, …` for `n` parameters.
pub(super) fn params(start: usize, n: usize) -> String {
    (start..start + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One device's push, as the writer takes it.
pub(super) struct PushJob<'a> {
    pub actor: &'a Actor,
    pub req: &'a PushRequest,
    pub received_at: i64,
}

/// What the rules look up, read once per group of pushes.
struct PushFacts {
    units: HashMap<String, UnitFact>,
    /// Building id → its estate.
    buildings: HashMap<String, String>,
    staff: HashMap<String, StaffFact>,
    policies: HashMap<String, Policy>,
    /// Routes the push's runs start from.
    routes: HashMap<String, crate::domain::patrols::Route>,
}

impl Facts for PushFacts {
    fn unit(&self, unit_id: &str) -> Option<UnitFact> {
        self.units.get(unit_id).cloned()
    }

    fn staff(&self, user_id: &str) -> Option<StaffFact> {
        self.staff.get(user_id).cloned()
    }

    fn building(&self, building_id: &str) -> Option<String> {
        self.buildings.get(building_id).cloned()
    }

    fn policy(&self, estate_id: &str) -> Policy {
        self.policies.get(estate_id).cloned().unwrap_or_default()
    }

    fn route(&self, route_id: &str) -> Option<crate::domain::patrols::Route> {
        self.routes.get(route_id).cloned()
    }
}

/// A mutation as the push saw it, for the log.
struct LogRow<'a> {
    job: &'a PushJob<'a>,
    m: &'a Mutation,
    estate_id: Option<String>,
    outcome: Result<(), Rejection>,
}

/// A record to publish with its scope columns.
struct Published {
    entity: Entity,
    id: String,
    estate_id: String,
    unit_id: Option<String>,
    owner_id: Option<String>,
    resident_scope: Option<String>,
    /// The record as JSON, carried into the row as it is (`Col::Json`).
    doc: Box<serde_json::value::RawValue>,
}

impl Published {
    fn of(r: &Record) -> Result<Self, StoreError> {
        Ok(Published {
            entity: r.entity(),
            id: r.id().to_string(),
            estate_id: r.estate_id().to_string(),
            unit_id: r.resident_unit().map(str::to_string),
            owner_id: r.owner_id().map(str::to_string),
            resident_scope: r.resident_scope(),
            doc: r
                .doc_raw()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        })
    }
}

/// Reads a stored record of a known kind.
fn read_record(entity: &str, doc: &str) -> Result<Record, StoreError> {
    let value: serde_json::Value =
        serde_json::from_str(doc).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Record::from_feed(entity, value)
        .ok_or_else(|| StoreError::Corrupt(format!("a stored {entity} does not read")))
}

/// When a mutation counts as made: the device's clock, but never later than receipt.
fn effective_time(client_time: &str, received_at: i64) -> i64 {
    chrono::DateTime::parse_from_rfc3339(client_time)
        .map(|t| t.timestamp_millis().min(received_at))
        .unwrap_or(received_at)
}

/// Who may see what on the feed.
pub enum Scope<'a> {
    /// The desk and those who run it: everything of these estates.
    Estates(&'a [String]),
    /// Staff in the field: these kinds of record of these estates.
    Field {
        estates: &'a [String],
        entities: &'static [Entity],
    },
    /// A resident: records of these units, and what they filed themselves.
    Resident {
        units: &'a [String],
        user_id: &'a str,
    },
}

impl Scope<'_> {
    /// The SQL condition on `records` (columns prefixed by `prefix`) for this scope, with
    /// its parameters numbered from `$first`, and the values to bind to them in order.
    fn filter(&self, prefix: &str, first: usize) -> (String, Vec<String>) {
        match self {
            Scope::Estates(estates) if !estates.is_empty() => (
                format!("{prefix}estate_id IN ({})", params(first, estates.len())),
                estates.to_vec(),
            ),
            Scope::Estates(_) => ("1 = 0".into(), Vec::new()),
            Scope::Field { estates, entities } if !estates.is_empty() => {
                // The kinds are this build's own words, never input.
                let kinds: Vec<String> = entities
                    .iter()
                    .map(|e| format!("'{}'", e.as_str()))
                    .collect();
                (
                    format!(
                        "{prefix}estate_id IN ({}) AND {prefix}entity IN ({})",
                        params(first, estates.len()),
                        kinds.join(", ")
                    ),
                    estates.to_vec(),
                )
            }
            Scope::Field { .. } => ("1 = 0".into(), Vec::new()),
            Scope::Resident { units, user_id } => {
                let mut keys = vec![user_id.to_string()];
                keys.extend(units.iter().cloned());
                let units_in = if units.is_empty() {
                    String::new()
                } else {
                    // Their units' records, and what is addressed to their unit, their
                    // building or their estate (notices).
                    let p = params(first + 1, units.len());
                    format!(
                        " OR {prefix}unit_id IN ({p}) OR {prefix}resident_scope IN (\
                         SELECT 'unit:' || id FROM units WHERE id IN ({p}) \
                         UNION SELECT 'building:' || building_id FROM units WHERE id IN ({p}) \
                         UNION SELECT 'estate:' || estate_id FROM units WHERE id IN ({p}))"
                    )
                };
                (format!("({prefix}owner_id = ${first}{units_in})"), keys)
            }
        }
    }
}

/// `Store::lock_feed` as a tagged statement of a read script.
const LOCK_FEED_TAGGED: &str =
    "UPDATE sync_state SET last_cursor = last_cursor WHERE id = 1 RETURNING 'feed', last_cursor";

impl Store {
    /// Locks the feed for this transaction and returns the last cursor handed out.
    pub(super) async fn lock_feed(conn: &mut AnyConnection) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "UPDATE sync_state SET last_cursor = last_cursor WHERE id = 1 RETURNING last_cursor",
        )
        .fetch_one(&mut *conn)
        .await?;
        Ok(row.try_get::<i64, _>(0)?)
    }

    /// Adds to `script` the publishing of records with fresh cursors after `last`;
    /// returns the new last cursor.
    fn publish(script: &mut Script, last: i64, records: Vec<Published>) -> Result<i64, StoreError> {
        let mut cursor = last;
        let rows: Vec<_> = records
            .iter()
            .map(|p| {
                cursor += 1;
                (
                    p.entity.as_str(),
                    p.id.as_str(),
                    cursor,
                    p.estate_id.as_str(),
                    p.unit_id.as_deref(),
                    p.owner_id.as_deref(),
                    p.resident_scope.as_deref(),
                    &*p.doc,
                )
            })
            .collect();
        script.insert(
            "records",
            &[
                ("entity", Col::Text),
                ("entity_id", Col::Text),
                ("cursor", Col::Int),
                ("estate_id", Col::Text),
                ("unit_id", Col::Text),
                ("owner_id", Col::Text),
                ("resident_scope", Col::Text),
                ("doc", Col::Json),
            ],
            "ON CONFLICT (entity, entity_id) DO UPDATE SET cursor = excluded.cursor, \
             estate_id = excluded.estate_id, unit_id = excluded.unit_id, \
             owner_id = excluded.owner_id, resident_scope = excluded.resident_scope, \
             doc = excluded.doc",
            rows,
        )?;
        if cursor != last {
            script.add(
                "UPDATE sync_state SET last_cursor = #0 WHERE id = 1",
                vec![Arg::Int(cursor)],
            );
        }
        Ok(cursor)
    }

    /// Applies pushes, in order, inside the group's transaction (`super::commit`), after
    /// the feed's last cursor `last` (`None`: lock the feed and read it here, with the rest
    /// of what the pushes need). The outcome is exactly that of applying them one
    /// after the other: each sees what the earlier ones changed. Returns one result per
    /// mutation of each push, in order, and the cursor after them all. Nothing is durable
    /// until the group commits.
    ///
    /// The pushes share their statements: what they need is read in one query per table,
    /// the rules run in memory, and what changed is written with one statement per table.
    /// Eight devices each pushing one mutation cost the writer about what one device
    /// pushing eight does.
    #[tracing::instrument(skip_all, fields(pushes = jobs.len()))]
    pub(super) async fn push_in(
        &self,
        conn: &mut AnyConnection,
        jobs: &[PushJob<'_>],
        last: Option<i64>,
    ) -> Result<(Vec<Vec<PushResult>>, i64), StoreError> {
        let tx = conn;
        let parsed: Vec<Vec<Result<Op, Rejection>>> = jobs
            .iter()
            .map(|j| {
                j.req
                    .mutations
                    .iter()
                    .map(|m| Op::parse(&m.op, &m.payload))
                    .collect()
            })
            .collect();
        let all = || {
            jobs.iter()
                .zip(&parsed)
                .flat_map(|(j, ops)| j.req.mutations.iter().zip(ops))
        };

        // What these pushes need to know, read by one script (`bulk::Script`): each
        // statement tags its rows.
        let ids: Vec<String> = all().map(|(m, _)| m.id.clone()).collect();
        let mut record_ids: Vec<String> = Vec::new();
        let mut unit_ids: Vec<String> = Vec::new();
        let mut building_ids: Vec<String> = Vec::new();
        let mut staff_ids: Vec<String> = Vec::new();
        for (m, op) in all() {
            if let Ok(op) = op {
                record_ids.push(m.entity_id.clone());
                record_ids.extend(op.route_id().map(str::to_string));
                unit_ids.extend(op.unit_id().map(str::to_string));
                building_ids.extend(op.building_id().map(str::to_string));
                staff_ids.extend(op.staff_id().map(str::to_string));
            }
        }
        let mut actor_estates: Vec<String> = jobs
            .iter()
            .flat_map(|j| j.actor.estate_ids.iter().cloned())
            .collect();
        let mut devices: Vec<String> = jobs.iter().map(|j| j.req.device_id.clone()).collect();
        for keys in [
            &mut record_ids,
            &mut unit_ids,
            &mut building_ids,
            &mut staff_ids,
            &mut actor_estates,
            &mut devices,
        ] {
            keys.sort();
            keys.dedup();
        }
        let mut reads = Script::new(tx);
        if last.is_none() {
            reads.add(LOCK_FEED_TAGGED, Vec::new());
        }
        reads.select_in(
            "SELECT 'mutation', id, outcome, code, message FROM mutations WHERE id",
            &ids,
        )?;
        // Each id is read whatever kind holds it: ids are never shared between kinds, and
        // the rules refuse an op on an id another kind holds only if they see that record.
        // The kinds are listed so that the (entity, entity_id) key serves the lookup.
        let kinds: Vec<String> = Entity::ALL
            .iter()
            .map(|e| format!("'{}'", e.as_str()))
            .collect();
        reads.select_in(
            &format!(
                "SELECT 'record', entity, entity_id, doc FROM records WHERE entity IN ({}) \
                 AND entity_id",
                kinds.join(", ")
            ),
            &record_ids,
        )?;
        reads.select_in(
            "SELECT 'unit', u.id, u.estate_id, b.code || '-' || u.number, u.building_id \
             FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id",
            &unit_ids,
        )?;
        reads.select_in(
            "SELECT 'building', id, estate_id FROM buildings WHERE id",
            &building_ids,
        )?;
        reads.select_in(
            &format!("SELECT 'staff', {} AND u.id", super::cases::STAFF_COLUMNS),
            &staff_ids,
        )?;
        // Service levels of every estate the rules may ask about: the senders', and those
        // of the cases and units the mutations name.
        reads.add(
            format!(
                "SELECT 'policy', estate_id, doc FROM case_policies WHERE estate_id IN {actors} \
                 OR estate_id IN (SELECT estate_id FROM units WHERE id IN {units}) \
                 OR estate_id IN (SELECT estate_id FROM records WHERE entity = 'case' \
                 AND entity_id IN {records})",
                actors = reads.keys(0),
                units = reads.keys(1),
                records = reads.keys(2),
            ),
            vec![
                Arg::Text(bulk::to_json(&actor_estates)?),
                Arg::Text(bulk::to_json(&unit_ids)?),
                Arg::Text(bulk::to_json(&record_ids)?),
            ],
        );
        reads.select_in(
            "SELECT 'device', id, high_seq FROM devices WHERE id",
            &devices,
        )?;

        let mut known: HashMap<String, PushStatus> = HashMap::new();
        let mut records: HashMap<String, Record> = HashMap::new();
        let mut facts = PushFacts {
            units: HashMap::new(),
            buildings: HashMap::new(),
            staff: HashMap::new(),
            policies: HashMap::new(),
            routes: HashMap::new(),
        };
        let mut highs: HashMap<String, i64> = HashMap::new();
        let mut feed = last;
        for r in reads.run(&mut *tx).await? {
            let tag: String = r.try_get(0)?;
            match tag.as_str() {
                "feed" => feed = Some(r.try_get(1)?),
                "mutation" => {
                    let status = if r.try_get::<String, _>(2)? == "applied" {
                        PushStatus::Duplicate
                    } else {
                        PushStatus::Rejected {
                            code: r.try_get::<Option<String>, _>(3)?.unwrap_or_default(),
                            message: r.try_get::<Option<String>, _>(4)?.unwrap_or_default(),
                        }
                    };
                    known.insert(r.try_get(1)?, status);
                }
                "record" => {
                    let entity: String = r.try_get(1)?;
                    let doc: String = r.try_get(3)?;
                    records.insert(r.try_get(2)?, read_record(&entity, &doc)?);
                }
                "unit" => {
                    facts.units.insert(
                        r.try_get(1)?,
                        UnitFact {
                            estate_id: r.try_get(2)?,
                            label: r.try_get(3)?,
                            building_id: Some(r.try_get(4)?),
                        },
                    );
                }
                "building" => {
                    facts.buildings.insert(r.try_get(1)?, r.try_get(2)?);
                }
                "staff" => super::cases::add_staff_row(&mut facts.staff, &r, 1)?,
                "policy" => {
                    let doc: String = r.try_get(2)?;
                    let p: Policy = serde_json::from_str(&doc)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    facts.policies.insert(r.try_get(1)?, p);
                }
                "device" => {
                    highs.insert(r.try_get(1)?, r.try_get(2)?);
                }
                other => {
                    return Err(StoreError::Corrupt(format!("unexpected row `{other}`")));
                }
            }
        }

        // Apply each push in turn, each in seq order (the envelope check made seq rise
        // within a push).
        let mut all_results = Vec::with_capacity(jobs.len());
        let mut log: Vec<LogRow<'_>> = Vec::new();
        // Mutation id → its row in `log`: the same id again, in this push or a later one
        // of the group, is answered as the first was.
        let mut logged: HashMap<&str, usize> = HashMap::new();
        let mut dirty: Vec<String> = Vec::new();
        let mut is_dirty: HashSet<String> = HashSet::new();
        let mut names: Vec<(String, Entity, String)> = Vec::new();
        // Device → (its high seq, the push that last raised it).
        let mut device_rows: HashMap<&str, (i64, &PushJob<'_>)> = HashMap::new();
        for (job, ops) in jobs.iter().zip(parsed) {
            let device = job.req.device_id.as_str();
            let mut high = device_rows
                .get(device)
                .map(|(h, _)| *h)
                .or_else(|| highs.get(device).copied())
                .unwrap_or(0);
            let mut gaps: Vec<(i64, i64)> = Vec::new();
            let mut late: Vec<i64> = Vec::new();
            let mut results = Vec::with_capacity(job.req.mutations.len());
            for (m, op) in job.req.mutations.iter().zip(ops) {
                if let Some(status) = known.get(&m.id) {
                    results.push(PushResult {
                        id: m.id.clone(),
                        status: status.clone(),
                    });
                    continue;
                }
                if let Some(&row) = logged.get(m.id.as_str()) {
                    // The same id twice in one group: the first one counts.
                    let status = match &log[row].outcome {
                        Err(r) => PushStatus::Rejected {
                            code: r.code.as_str().to_string(),
                            message: r.message.clone(),
                        },
                        Ok(()) => PushStatus::Duplicate,
                    };
                    results.push(PushResult {
                        id: m.id.clone(),
                        status,
                    });
                    continue;
                }
                let seq = m.seq as i64;
                if seq > high + 1 {
                    gaps.push((high + 1, seq - 1));
                } else if seq <= high {
                    late.push(seq);
                }
                high = high.max(seq);

                let at = effective_time(&m.client_time, job.received_at);
                // A run reads its route as it stands at this point of the push, as the
                // device's view did when it applied the same mutations in the same order.
                if let Some(Record::Route(r)) = op
                    .as_ref()
                    .ok()
                    .and_then(|op| op.route_id())
                    .and_then(|id| records.get(id))
                {
                    facts.routes.insert(r.id.clone(), r.clone());
                }
                let outcome = op.and_then(|op| {
                    let cx = ops::Context {
                        mutation_id: &m.id,
                        entity_id: &m.entity_id,
                        actor: job.actor,
                        facts: &facts,
                        at,
                    };
                    let next = ops::apply(records.get(&m.entity_id), &op, cx)?;
                    Ok((op, next))
                });
                logged.insert(m.id.as_str(), log.len());
                match outcome {
                    Ok((op, next)) => {
                        let id = next.id().to_string();
                        for n in op.photo_names() {
                            names.push((n.clone(), next.entity(), id.clone()));
                        }
                        log.push(LogRow {
                            job,
                            m,
                            estate_id: Some(next.estate_id().to_string()),
                            outcome: Ok(()),
                        });
                        if is_dirty.insert(id.clone()) {
                            dirty.push(id.clone());
                        }
                        records.insert(id, next);
                        results.push(PushResult {
                            id: m.id.clone(),
                            status: PushStatus::Applied,
                        });
                    }
                    Err(rejection) => {
                        tracing::info!(mutation = %m.id, op = %m.op, code = rejection.code.as_str(), "mutation rejected");
                        results.push(PushResult {
                            id: m.id.clone(),
                            status: PushStatus::Rejected {
                                code: rejection.code.as_str().to_string(),
                                message: rejection.message.clone(),
                            },
                        });
                        log.push(LogRow {
                            job,
                            m,
                            estate_id: job.actor.estate_ids.first().cloned(),
                            outcome: Err(rejection),
                        });
                    }
                }
            }
            if !job.req.mutations.is_empty() {
                device_rows.insert(device, (high, job));
            }
            // Gaps are rare: written as they come, so that a later push of the group
            // filling one finds it.
            for seq in late {
                Self::fill_gap(&mut *tx, device, seq).await?;
            }
            let mut gap_rows = Script::new(tx);
            gap_rows.insert(
                "device_gaps",
                &[
                    ("device_id", Col::Text),
                    ("from_seq", Col::Int),
                    ("to_seq", Col::Int),
                    ("user_id", Col::Text),
                    ("detected_at", Col::Int),
                ],
                "",
                gaps.into_iter()
                    .map(|(from, to)| json!([device, from, to, job.actor.id, job.received_at]))
                    .collect(),
            )?;
            gap_rows.run(&mut *tx).await?;
            all_results.push(results);
        }

        // Photos are pending until their bytes are stored.
        let mut all_names: Vec<String> = dirty
            .iter()
            .filter_map(|id| records.get(id))
            .flat_map(|r| r.photo_names())
            .collect();
        all_names.sort();
        all_names.dedup();
        let stored: HashSet<String> = bulk::texts(
            &bulk::select_in(
                &mut *tx,
                "SELECT sha256 FROM blobs WHERE sha256",
                &all_names,
            )
            .await?,
        )?
        .into_iter()
        .collect();

        let mut published = Vec::with_capacity(dirty.len());
        for id in &dirty {
            if let Some(record) = records.get_mut(id) {
                record.mark_pending(|n| stored.contains(n));
                published.push(Published::of(record)?);
            }
        }
        let cases: Vec<&Case> = dirty
            .iter()
            .filter_map(|id| records.get(id).and_then(Record::as_case))
            .collect();

        // Everything written by one script.
        let mut writes = Script::new(tx);
        super::cases::write_cases(&mut writes, &cases)?;
        names.sort();
        names.dedup();
        writes.insert(
            "blob_refs",
            &[
                ("sha256", Col::Text),
                ("entity", Col::Text),
                ("entity_id", Col::Text),
            ],
            "ON CONFLICT DO NOTHING",
            names
                .into_iter()
                .map(|(sha, entity, id)| json!([sha, entity.as_str(), id]))
                .collect(),
        )?;
        let last = feed.ok_or(StoreError::Corrupt(
            "the feed's cursor row is missing".into(),
        ))?;
        let cursor = Self::publish(&mut writes, last, published)?;
        let log_rows: Vec<_> = log
            .iter()
            .map(|l| {
                let (outcome, code, message) = match &l.outcome {
                    Ok(()) => ("applied", None, None),
                    Err(r) => ("rejected", Some(r.code.as_str()), Some(r.message.as_str())),
                };
                (
                    l.m.id.as_str(),
                    l.job.req.device_id.as_str(),
                    l.m.seq as i64,
                    l.job.actor.id.as_str(),
                    l.estate_id.as_deref(),
                    l.m.op.as_str(),
                    l.m.entity_id.as_str(),
                    l.m.client_time.as_str(),
                    l.job.received_at,
                    outcome,
                    code,
                    message,
                    &l.m.payload,
                )
            })
            .collect();
        writes.insert(
            "mutations",
            &[
                ("id", Col::Text),
                ("device_id", Col::Text),
                ("seq", Col::Int),
                ("user_id", Col::Text),
                ("estate_id", Col::Text),
                ("op", Col::Text),
                ("entity_id", Col::Text),
                ("client_time", Col::Text),
                ("received_at", Col::Int),
                ("outcome", Col::Text),
                ("code", Col::Text),
                ("message", Col::Text),
                ("payload", Col::Json),
            ],
            "",
            log_rows,
        )?;
        // Each device's high-water mark.
        writes.insert(
            "devices",
            &[
                ("id", Col::Text),
                ("high_seq", Col::Int),
                ("last_user_id", Col::Text),
                ("first_seen", Col::Int),
                ("last_seen", Col::Int),
            ],
            "ON CONFLICT (id) DO UPDATE SET high_seq = excluded.high_seq, \
             last_user_id = excluded.last_user_id, last_seen = excluded.last_seen",
            device_rows
                .into_iter()
                .map(|(device, (high, job))| {
                    json!([device, high, job.actor.id, job.received_at, job.received_at])
                })
                .collect(),
        )?;
        writes.run(&mut *tx).await?;
        Ok((all_results, cursor))
    }

    /// A seq that arrived after later ones: if it falls in a recorded gap, the gap
    /// shrinks or splits around it.
    async fn fill_gap(conn: &mut AnyConnection, device: &str, seq: i64) -> Result<(), StoreError> {
        let row = sqlx::query(
            "SELECT from_seq, to_seq, user_id, detected_at FROM device_gaps \
             WHERE device_id = $1 AND from_seq <= $2 AND to_seq >= $2",
        )
        .bind(device)
        .bind(seq)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else { return Ok(()) };
        let (from, to): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        let user: String = row.try_get(2)?;
        let at: i64 = row.try_get(3)?;
        sqlx::query("DELETE FROM device_gaps WHERE device_id = $1 AND from_seq = $2")
            .bind(device)
            .bind(from)
            .execute(&mut *conn)
            .await?;
        for (a, b) in [(from, seq - 1), (seq + 1, to)] {
            if a <= b {
                sqlx::query(
                    "INSERT INTO device_gaps (device_id, from_seq, to_seq, user_id, detected_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(device)
                .bind(a)
                .bind(b)
                .bind(&user)
                .bind(at)
                .execute(&mut *conn)
                .await?;
            }
        }
        Ok(())
    }

    /// The changes after `since` that `scope` may see, oldest first, at most `limit`;
    /// the cursor to pull from next; and whether more wait.
    #[tracing::instrument(skip_all)]
    pub async fn pull(
        &self,
        scope: Scope<'_>,
        since: i64,
        limit: u32,
    ) -> Result<(Vec<Change>, i64, bool), StoreError> {
        // Read the high mark first: every change at or below it has committed, so the
        // feed query (a later snapshot) sees all of them.
        let high: i64 = sqlx::query("SELECT last_cursor FROM sync_state WHERE id = 1")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        if matches!(scope, Scope::Estates(e) if e.is_empty()) {
            return Ok((Vec::new(), high, false));
        }
        let (filter, keys) = scope.filter("", 3);
        let sql = format!(
            "SELECT cursor, entity, entity_id, deleted, doc FROM records \
             WHERE cursor > $1 AND {filter} ORDER BY cursor LIMIT $2"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(since)
            .bind(i64::from(limit) + 1);
        for k in keys {
            q = q.bind(k);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let more = rows.len() > limit as usize;
        let mut changes = Vec::with_capacity(rows.len().min(limit as usize));
        for r in rows.into_iter().take(limit as usize) {
            let doc: String = r.try_get(4)?;
            changes.push(Change {
                cursor: r.try_get(0)?,
                entity: r.try_get(1)?,
                id: r.try_get(2)?,
                deleted: r.try_get::<i64, _>(3)? != 0,
                record: serde_json::from_str(&doc)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            });
        }
        let last_seen = changes.last().map(|c| c.cursor).unwrap_or(since);
        let cursor = if more {
            last_seen
        } else {
            last_seen.max(high).max(since)
        };
        Ok((changes, cursor, more))
    }

    /// The current state of one record, if any.
    pub async fn case_doc(&self, id: &str) -> Result<Option<Case>, StoreError> {
        let row = sqlx::query("SELECT doc FROM records WHERE entity = 'case' AND entity_id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            let doc: String = r.try_get(0)?;
            serde_json::from_str(&doc).map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .transpose()
    }

    /// Rejected mutations of users in these estates, newest first.
    pub async fn rejections(
        &self,
        estates: &[String],
        limit: i64,
    ) -> Result<Vec<RejectedMutation>, StoreError> {
        if estates.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT m.id, m.device_id, m.seq, m.user_id, u.username, m.op, m.entity_id, \
             m.client_time, m.received_at, m.code, m.message, m.payload \
             FROM mutations m JOIN users u ON u.id = m.user_id \
             WHERE m.outcome = 'rejected' AND m.estate_id IN ({}) \
             ORDER BY m.received_at DESC, m.id DESC LIMIT $1",
            params(2, estates.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(limit);
        for e in estates {
            q = q.bind(e.clone());
        }
        let mut out = Vec::new();
        for r in q.fetch_all(&self.pool).await? {
            let payload: String = r.try_get(11)?;
            out.push(RejectedMutation {
                id: r.try_get(0)?,
                device_id: r.try_get(1)?,
                seq: r.try_get(2)?,
                user_id: r.try_get(3)?,
                username: r.try_get(4)?,
                op: r.try_get(5)?,
                entity_id: r.try_get(6)?,
                client_time: r.try_get(7)?,
                received_at: r.try_get(8)?,
                code: r.try_get::<Option<String>, _>(9)?.unwrap_or_default(),
                message: r.try_get::<Option<String>, _>(10)?.unwrap_or_default(),
                payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
            });
        }
        Ok(out)
    }

    /// Seq gaps of devices last used by people of these estates.
    pub async fn seq_gaps(&self, estates: &[String]) -> Result<Vec<SeqGap>, StoreError> {
        if estates.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT g.device_id, g.from_seq, g.to_seq, g.user_id, u.username, g.detected_at \
             FROM device_gaps g JOIN users u ON u.id = g.user_id \
             WHERE g.user_id IN (SELECT user_id FROM user_estates WHERE estate_id IN ({list}) \
               UNION SELECT us.id FROM users us JOIN resident_units ru ON ru.resident_id = us.resident_id \
               JOIN units un ON un.id = ru.unit_id WHERE un.estate_id IN ({list})) \
             ORDER BY g.detected_at DESC",
            list = params(1, estates.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for e in estates {
            q = q.bind(e.clone());
        }
        let mut out = Vec::new();
        for r in q.fetch_all(&self.pool).await? {
            out.push(SeqGap {
                device_id: r.try_get(0)?,
                from_seq: r.try_get(1)?,
                to_seq: r.try_get(2)?,
                user_id: r.try_get(3)?,
                username: r.try_get(4)?,
                detected_at: r.try_get(5)?,
            });
        }
        Ok(out)
    }

    /// Records a stored blob (once) and re-publishes every record that names it, so
    /// devices see its photos stop being pending. Returns whether it was new.
    pub async fn blob_stored(
        &self,
        sha256: &str,
        mime: &str,
        size: i64,
        user_id: &str,
        at: i64,
    ) -> Result<bool, StoreError> {
        let _gate = self.write_gate().await;
        let mut tx = self.pool.begin().await?;
        let last = Self::lock_feed(&mut tx).await?;
        let inserted = sqlx::query(
            "INSERT INTO blobs (sha256, mime, size, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(mime)
        .bind(size)
        .bind(user_id)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if inserted {
            let rows = sqlx::query(
                "SELECT r.entity, r.doc FROM blob_refs b JOIN records r \
                 ON r.entity = b.entity AND r.entity_id = b.entity_id \
                 WHERE b.sha256 = $1",
            )
            .bind(sha256)
            .fetch_all(&mut *tx)
            .await?;
            let mut published = Vec::new();
            for r in rows {
                let entity: String = r.try_get(0)?;
                let doc: String = r.try_get(1)?;
                let mut record = read_record(&entity, &doc)?;
                let names = record.photo_names();
                let stored: HashSet<String> =
                    bulk::select_in(&mut tx, "SELECT sha256 FROM blobs WHERE sha256", &names)
                        .await?
                        .into_iter()
                        .map(|r| r.try_get::<String, _>(0))
                        .collect::<Result<_, _>>()?;
                record.mark_pending(|n| stored.contains(n));
                published.push(Published::of(&record)?);
            }
            let mut writes = Script::new(&tx);
            Self::publish(&mut writes, last, published)?;
            writes.run(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(inserted)
    }

    /// Whether a blob's bytes are recorded as stored.
    pub async fn blob_mime(&self, sha256: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query("SELECT mime FROM blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?)
    }

    /// Whether someone in `scope` may fetch the blob: they uploaded it, or a record they
    /// may see names it.
    pub async fn may_read_blob(
        &self,
        sha256: &str,
        user_id: &str,
        scope: Scope<'_>,
    ) -> Result<bool, StoreError> {
        let (filter, keys) = scope.filter("r.", 3);
        let sql = format!(
            "SELECT 1 FROM blobs WHERE sha256 = $1 AND uploaded_by = $2 \
             UNION ALL SELECT 1 FROM blob_refs b JOIN records r \
             ON r.entity = b.entity AND r.entity_id = b.entity_id \
             WHERE b.sha256 = $1 AND {filter}"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(sha256.to_string())
            .bind(user_id.to_string());
        for k in keys {
            q = q.bind(k);
        }
        Ok(q.fetch_optional(&self.pool).await?.is_some())
    }
}

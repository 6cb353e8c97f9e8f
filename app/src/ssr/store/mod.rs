//! All SQL of propdesk. One `Store` over an `AnyPool`, so the same methods run on the
//! embedded SQLite file and on PostgreSQL; placeholders are `$n`, which both accept.

mod audit;
mod bulk;
mod cases;
mod commit;
mod estate;
mod residents;
mod sessions;
mod sync;
mod users;

pub use crate::domain::sync::{RejectedMutation, SeqGap};
pub use estate::UnitFilter;
pub use residents::NewResidentRow;
pub use sync::Scope;

pub use users::{LoginRecord, NewUserRow};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Failures of the store. The text of database errors stays in the logs.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL `{0}`: use sqlite://… or postgres://…")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0} already exists")]
    Duplicate(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Unsupported(&'static str),
    /// A stored document no longer reads as its type: a bug or a hand-edited database.
    #[error("stored record is unreadable: {0}")]
    Corrupt(String),
    /// The transaction that held this push did not commit; nothing of it was kept.
    #[error("the sync transaction did not commit: {0}")]
    Commit(String),
}

impl StoreError {
    /// Whether the error is a unique-constraint violation on either backend.
    pub fn is_unique_violation(e: &sqlx::Error) -> bool {
        match e {
            sqlx::Error::Database(d) => {
                d.is_unique_violation()
                    || d.message().contains("UNIQUE constraint failed")
                    || d.code().as_deref() == Some("23505")
            }
            _ => false,
        }
    }
}

impl From<StoreError> for crate::domain::AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate(what) => crate::domain::AppError::Conflict {
                message: format!("{what} already exists"),
            },
            StoreError::NotFound(what) => crate::domain::AppError::not_found(what),
            other => {
                tracing::error!(error = %other, "store failure");
                crate::domain::AppError::Internal
            }
        }
    }
}

/// How hard SQLite flushes a commit to disk.
///
/// `Full` is what the server runs with: in WAL mode it fsyncs the log at every commit, so
/// a push acknowledged is on disk even if the power fails the next instant. `Normal`
/// fsyncs only at checkpoints: a commit survives the process being killed (the WAL is in
/// the OS's cache) but not a power cut. Measured with `scripts/bench` on 2-core CI
/// machines (50,000 mutations, 8 devices, merged groups and `bulk` scripts): batched
/// pushes 23,657/s under `Full` against 22,334/s under `Normal`, single-mutation pushes
/// 2,811/s (p99 7.8 ms) against 3,008/s (p99 8.8 ms); on a slower machine (session 8)
/// 9,544/s against 8,341/s and 864/s (p99 29 ms) against 909/s (p99 36 ms). The two
/// differ by less than the noise between runs: a group of pushes shares one fsync, and
/// the fsync was about 8 % of a single push's profile.
/// The contract promises that an acknowledged push survives, so `Full` it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqliteSync {
    Full,
    Normal,
}

/// The connection pool and the backend it talks to.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time: publishing transactions queue here instead of
    /// spinning in SQLite's busy handler. `None` on PostgreSQL, where the row lock on
    /// `sync_state` orders them across servers.
    write_gate: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
    /// The group-commit writer of sync pushes (`commit`); `None` in the writer's own copy.
    committer: Option<commit::Committer>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens (creating a SQLite file if needed) and runs every migration.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, SqliteSync::Full).await
    }

    /// Like `connect`, choosing SQLite's flush level (for measuring; serve with `Full`).
    pub async fn connect_with(url: &str, sync: SqliteSync) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            // A SQLite connection is a file handle in this process: nothing on the way
            // can drop it, so the pool's ping before every hand-out (a round trip to
            // the connection's worker thread) buys nothing. Over the network it can.
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; foreign keys are off by
                        // default in SQLite; the busy timeout makes writers queue instead of
                        // failing at once. synchronous: see `SqliteSync`.
                        conn.execute(match sync {
                            SqliteSync::Full => {
                                "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; \
                                 PRAGMA busy_timeout=10000; PRAGMA synchronous=FULL;"
                            }
                            SqliteSync::Normal => {
                                "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; \
                                 PRAGMA busy_timeout=10000; PRAGMA synchronous=NORMAL;"
                            }
                        })
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let write_gate = match backend {
            Backend::Sqlite => Some(std::sync::Arc::new(tokio::sync::Mutex::new(()))),
            Backend::Postgres => None,
        };
        let mut store = Store {
            pool,
            backend,
            write_gate,
            committer: None,
        };
        store.migrate().await?;
        store.committer = Some(commit::Committer::start(store.clone()));
        Ok(store)
    }

    /// Runs the migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Waits for the turn to write on SQLite; a no-op on PostgreSQL.
    pub(crate) async fn write_gate(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.write_gate {
            Some(m) => Some(m.lock().await),
            None => None,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Whether the database answers: for `/readyz`.
    #[tracing::instrument(skip_all)]
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Writes a consistent copy of the live SQLite database to `path` while serving.
    /// `VACUUM INTO` reads one snapshot, so writers carry on and the copy is whole.
    #[tracing::instrument(skip_all)]
    pub async fn backup_to(&self, path: &str) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Unsupported(
                "backup copies SQLite databases; for PostgreSQL use pg_dump",
            ));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

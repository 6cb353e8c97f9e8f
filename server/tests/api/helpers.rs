//! `TestApp`: a server per test, its database, and an HTTP client.

use app::ssr::Store;
use leptos::prelude::LeptosOptions;
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Generates one test per backend from an async fn taking a `Db`.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Db::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if $crate::helpers::postgres_base_url().is_none() {
                        eprintln!("PROPDESK_TEST_POSTGRES_URL not set: PostgreSQL run of {} skipped", stringify!($name));
                        return;
                    }
                    super::$name($crate::helpers::Db::Postgres).await
                }
            )*
        }
    };
}

/// The PostgreSQL server tests may create databases on.
pub fn postgres_base_url() -> Option<String> {
    std::env::var("PROPDESK_TEST_POSTGRES_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A running server over its own database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub store: Store,
    pub client: Client,
    /// Keeps the SQLite file's folder alive for the test's length.
    pub dir: tempfile::TempDir,
}

async fn fresh_database_url(db: Db, dir: &tempfile::TempDir) -> String {
    match db {
        Db::Sqlite => format!("sqlite://{}", dir.path().join("test.db").display()),
        Db::Postgres => {
            use sqlx::Connection;
            let base = postgres_base_url().expect("postgres url");
            let name = format!("propdesk_t_{}", uuid::Uuid::now_v7().simple());
            let mut conn = sqlx::PgConnection::connect(&base)
                .await
                .expect("connect to PostgreSQL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let (prefix, _) = base
                .rsplit_once('/')
                .expect("database URL with a database name");
            format!("{prefix}/{name}")
        }
    }
}

impl TestApp {
    /// Starts a server with the demo estate and accounts.
    pub async fn spawn(db: Db) -> TestApp {
        let app = Self::spawn_empty(db).await;
        server::seed::seed_demo(&app.store)
            .await
            .expect("seed demo");
        app
    }

    /// Starts a server on an empty, migrated database.
    pub async fn spawn_empty(db: Db) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let options = LeptosOptions::builder().output_name("propdesk").build();
        Self::spawn_in(db, dir, options).await
    }

    /// Starts a server with the demo accounts, serving the site `options` name; `dir`
    /// holds the database (and may hold the site).
    pub async fn spawn_with_site(
        db: Db,
        dir: tempfile::TempDir,
        options: LeptosOptions,
    ) -> TestApp {
        let app = Self::spawn_in(db, dir, options).await;
        server::seed::seed_demo(&app.store)
            .await
            .expect("seed demo");
        app
    }

    async fn spawn_in(db: Db, dir: tempfile::TempDir, options: LeptosOptions) -> TestApp {
        let url = fresh_database_url(db, &dir).await;
        let store = Store::connect(&url).await.expect("connect store");
        let server = server::Server::bind(
            "127.0.0.1:0".parse().unwrap(),
            store.clone(),
            options,
            false,
            dir.path(),
        )
        .await
        .expect("bind");
        let addr = server.local_addr().expect("addr");
        tokio::spawn(server.run(std::future::pending()));
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            addr,
            store,
            client,
            dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn token(&self, username: &str) -> String {
        let r = self.login(username, "demo").await;
        assert_eq!(r.status(), StatusCode::OK, "login {username}");
        let body: Value = r.json().await.expect("login json");
        body["token"].as_str().expect("token").to_string()
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("send login")
    }

    /// Calls a server function with a JSON body, as the browser does.
    pub async fn call(&self, token: Option<&str>, endpoint: &str, body: Value) -> Response {
        let mut req = self
            .client
            .post(self.url(&format!("/api/fn/{endpoint}")))
            .json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("send server fn call")
    }

    /// A GET with an optional bearer token.
    pub async fn get(&self, token: Option<&str>, path: &str) -> Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("send get")
    }

    /// The demo estate's id, as the `desk` account sees it.
    pub async fn estate_id(&self) -> String {
        let t = self.token("desk").await;
        let r: Value = self
            .call(Some(&t), "estates", json!({}))
            .await
            .json()
            .await
            .unwrap();
        r[0]["id"].as_str().expect("estate id").to_string()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// The error code of a JSON error body (API or server function).
pub async fn error_code(r: Response) -> String {
    let v: Value = r.json().await.expect("error body is JSON");
    v["error"]["code"]
        .as_str()
        .or_else(|| v["kind"].as_str())
        .unwrap_or_default()
        .to_string()
}

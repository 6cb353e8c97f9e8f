//! The command line: `serve`, `migrate`, `seed-demo`, `create-user`, `import`, `backup`.

use crate::settings::{LogFormat, Settings, SettingsError};
use crate::{demo_cases, seed, telemetry, Server};
use app::domain::validate::{required_text, NewPassword, Username};
use app::domain::{AppError, Department, Role};
use app::ssr::store::NewUserRow;
use app::ssr::{auth, import, Store, StoreError};
use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::PathBuf;

/// propdesk — the property service desk.
#[derive(Debug, Parser)]
#[command(name = "propdesk", version, about, long_about = None)]
pub struct Cli {
    /// TOML configuration file (default: ./propdesk.toml when present).
    #[arg(long, global = true, env = "PROPDESK_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log format, overriding the configuration.
    #[arg(long, global = true, value_enum)]
    pub log_format: Option<LogFormat>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default when no command is given).
    Serve {
        /// Load the demo estate and accounts first if the database has no accounts.
        #[arg(long, env = "PROPDESK_DEMO")]
        demo: bool,
    },
    /// Run database migrations and exit.
    Migrate,
    /// Load the demo estate, residents and accounts (password `demo`) into an empty database.
    SeedDemo,
    /// Create a staff account.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// front_desk, supervisor, manager, technician, patrol, cashier or admin.
        #[arg(long)]
        role: Role,
        /// customer_service, engineering, security, cleaning, greening or finance.
        #[arg(long)]
        department: Department,
        /// Code of an estate the account works in; repeat for several.
        #[arg(long = "estate", required = true)]
        estates: Vec<String>,
        /// Read the password from standard input instead of asking for it in an argument.
        #[arg(long)]
        password_stdin: bool,
        /// The password (visible in the process list: prefer --password-stdin).
        #[arg(long, conflicts_with = "password_stdin")]
        password: Option<String>,
    },
    /// Open an estate (小区·项目); staff accounts and imports name it by its code.
    CreateEstate {
        /// A short code, e.g. HG.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        address: String,
    },
    /// Import buildings, units and residents from a CSV file into an estate.
    Import {
        /// Code of the estate to import into.
        #[arg(long)]
        estate: String,
        /// Import the good rows even if some rows are bad (each bad row is reported).
        #[arg(long)]
        skip_bad_rows: bool,
        /// The CSV file (see `GET /api/v1/import/template.csv` for the columns).
        file: PathBuf,
    },
    /// Write brotli and gzip copies of the site's files beside them (the server sends the
    /// one a browser accepts) and print each file's sizes; copies already up to date are
    /// kept. `scripts/start` and `scripts/test` run it after building.
    Precompress,
    /// Write a consistent copy of the live SQLite database to a file, while serving.
    Backup {
        /// Where to write the copy; must not exist yet.
        file: PathBuf,
    },
}

/// What a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    App(#[from] AppError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("leptos configuration: {0}")]
    Leptos(String),
    #[error("{0}")]
    Usage(String),
}

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let options = leptos_options()?;
    if matches!(cli.command, Some(Command::Precompress)) {
        return precompress(&options);
    }
    let mut settings = Settings::load(cli.config.as_deref(), options.site_addr)?;
    if let Some(f) = cli.log_format {
        settings.log_format = f;
    }
    telemetry::init(settings.log_format);
    settings.ensure_data_dir()?;
    let command = cli.command.unwrap_or(Command::Serve { demo: false });
    let store = Store::connect(&settings.database_url).await?;
    match command {
        Command::Serve { demo } => {
            if demo && store.user_count().await? == 0 {
                seed::seed_demo(&store).await?;
                demo_cases::seed_demo_cases(&store).await?;
                print_demo_accounts();
            }
            let server = Server::bind(
                settings.listen,
                store.clone(),
                options,
                settings.secure_cookies,
                &settings.data_dir,
            )
            .await?;
            let addr = server.local_addr()?;
            tracing::info!(%addr, database = %redact(&settings.database_url), "propdesk listening");
            println!("propdesk is running at http://{addr}/");
            server.run(shutdown_signal()).await?;
        }
        Command::Migrate => println!("migrations are up to date"),
        Command::Precompress => unreachable!("handled before the database is opened"),
        Command::SeedDemo => {
            if store.user_count().await? > 0 {
                return Err(CliError::Usage(
                    "the database already has accounts; demo data goes only into an empty one"
                        .into(),
                ));
            }
            seed::seed_demo(&store).await?;
            demo_cases::seed_demo_cases(&store).await?;
            print_demo_accounts();
        }
        Command::CreateUser {
            username,
            name,
            role,
            department,
            estates,
            password_stdin,
            password,
        } => {
            let password = match (password, password_stdin) {
                (Some(p), _) => p,
                (None, true) => {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    s.trim_end_matches(['\n', '\r']).to_string()
                }
                (None, false) => {
                    return Err(CliError::Usage(
                        "give --password-stdin or --password".into(),
                    ))
                }
            };
            if !role.is_staff() {
                return Err(CliError::Usage(
                    "residents are registered from their unit, not here".into(),
                ));
            }
            let all = store.list_estates().await?;
            let estate_ids = estates
                .iter()
                .map(|code| {
                    all.iter()
                        .find(|e| &e.code == code)
                        .map(|e| e.id.clone())
                        .ok_or_else(|| CliError::Usage(format!("no estate with code `{code}`")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let row = NewUserRow {
                id: auth::new_user_id(),
                username: Username::parse(&username)?.as_str().to_string(),
                display_name: required_text("name", &name, 60)?,
                password_hash: auth::hash_password_blocking(
                    NewPassword::parse(&password)?.as_str().to_string(),
                )
                .await?,
                role,
                department: Some(department),
                resident_id: None,
                estate_ids,
            };
            store.create_user(&row).await?;
            store
                .audit(
                    None,
                    "create",
                    "user",
                    &row.id,
                    &format!("{} {} (cli)", row.username, row.role),
                )
                .await?;
            println!("created {} ({})", row.username, row.role);
        }
        Command::CreateEstate {
            code,
            name,
            address,
        } => {
            let e = app::domain::estate::Estate {
                id: app::ssr::new_id(),
                code: app::domain::validate::code("code", &code)?,
                name: required_text("name", &name, 100)?,
                address,
            };
            let mut tx = store.pool().begin().await.map_err(StoreError::from)?;
            Store::insert_estate(&mut tx, &e, app::ssr::now_ms()).await?;
            Store::audit_in(
                &mut tx,
                None,
                "create",
                "estate",
                &e.id,
                &format!("{} (cli)", e.code),
            )
            .await?;
            tx.commit().await.map_err(StoreError::from)?;
            println!("created estate {} ({})", e.code, e.name);
        }
        Command::Import {
            estate,
            skip_bad_rows,
            file,
        } => {
            let estate_id = store
                .list_estates()
                .await?
                .into_iter()
                .find(|e| e.code == estate)
                .map(|e| e.id)
                .ok_or_else(|| CliError::Usage(format!("no estate with code `{estate}`")))?;
            let data = std::fs::read(&file)?;
            let report = import::import_csv(&store, &estate_id, &data, skip_bad_rows, None).await?;
            for e in &report.errors {
                eprintln!("{}:{}: {}", file.display(), e.line, e.message);
            }
            println!(
                "{} rows read; {} buildings, {} units, {} residents created; {} bad rows; {}",
                report.rows,
                report.buildings_created,
                report.units_created,
                report.residents_created,
                report.errors.len(),
                if report.committed {
                    "imported"
                } else {
                    "nothing imported"
                }
            );
            if !report.committed {
                return Err(CliError::Usage(
                    "fix the rows above, or pass --skip-bad-rows".into(),
                ));
            }
        }
        Command::Backup { file } => {
            if file.exists() {
                return Err(CliError::Usage(format!(
                    "{} exists already",
                    file.display()
                )));
            }
            store.backup_to(&file.to_string_lossy()).await?;
            println!("backup written to {}", file.display());
        }
    }
    store.close().await;
    Ok(())
}

/// Leptos's settings: baked in when cargo-leptos built the binary; otherwise (a plain
/// `cargo build`, the tests) the same values as `[workspace.metadata.leptos]`, with
/// `LEPTOS_*` variables still overriding.
fn leptos_options() -> Result<leptos::prelude::LeptosOptions, CliError> {
    let built_by_cargo_leptos =
        option_env!("LEPTOS_OUTPUT_NAME").is_some() || std::env::var("LEPTOS_OUTPUT_NAME").is_ok();
    if built_by_cargo_leptos {
        return leptos::prelude::get_configuration(None)
            .map(|c| c.leptos_options)
            .map_err(|e| CliError::Leptos(e.to_string()));
    }
    let env = |k: &str, default: &str| std::env::var(k).unwrap_or_else(|_| default.to_string());
    Ok(leptos::prelude::LeptosOptions::builder()
        .output_name(env("LEPTOS_OUTPUT_NAME", "propdesk"))
        .site_root(env("LEPTOS_SITE_ROOT", "target/site"))
        .site_pkg_dir(env("LEPTOS_SITE_PKG_DIR", "pkg"))
        .hash_files(env("LEPTOS_HASH_FILES", "false") == "true")
        .hash_file(env("LEPTOS_HASH_FILE_NAME", "hash.txt").into())
        .site_addr(
            env("LEPTOS_SITE_ADDR", "127.0.0.1:3000")
                .parse::<std::net::SocketAddr>()
                .map_err(|e| CliError::Leptos(format!("LEPTOS_SITE_ADDR: {e}")))?,
        )
        .build())
}

/// Writes the site's compressed copies and prints a table of sizes with the sums.
fn precompress(options: &leptos::prelude::LeptosOptions) -> Result<(), CliError> {
    let site = std::path::PathBuf::from(options.site_root.to_string());
    let rows = crate::assets::precompress_dir(&site)?;
    let line = |name: &str, raw: u64, gz: u64, br: u64| {
        println!("{name:<48} {raw:>10} {gz:>10} {br:>10}");
    };
    println!(
        "{:<48} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for r in &rows {
        let name = r.path.strip_prefix(&site).unwrap_or(&r.path).display();
        line(&name.to_string(), r.raw, r.gzip, r.brotli);
        (raw, gz, br) = (raw + r.raw, gz + r.gzip, br + r.brotli);
    }
    line("total", raw, gz, br);
    Ok(())
}

fn print_demo_accounts() {
    println!(
        "demo data loaded; accounts (password `demo`): {}",
        seed::DEMO_ACCOUNTS.join(", ")
    );
}

/// The database URL without a password, for logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_string(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

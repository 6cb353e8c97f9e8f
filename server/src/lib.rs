//! The propdesk server: configuration, the HTTP surface, demo data and the CLI commands.
//! `main.rs` only parses arguments and calls into here, so tests start the same server.

pub mod assets;
pub mod blobs;
pub mod cli;
pub mod demo_cases;
pub mod http;
pub mod seed;
pub mod settings;
pub mod telemetry;

use app::ssr::Store;
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// A server bound to its address, ready to run.
pub struct Server {
    listener: TcpListener,
    router: axum::Router,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) and builds the router over `store`.
    pub async fn bind(
        addr: SocketAddr,
        store: Store,
        leptos_options: LeptosOptions,
        secure_cookies: bool,
        data_dir: &std::path::Path,
    ) -> std::io::Result<Self> {
        let blobs = blobs::BlobDir::open(data_dir)?;
        let listener = TcpListener::bind(addr).await?;
        let assets = assets::BuildAssets::from_options(&leptos_options);
        let router = http::router(http::AppState {
            store,
            leptos_options,
            secure_cookies,
            blobs,
            assets,
        });
        Ok(Server { listener, router })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until the process ends or `shutdown` resolves.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await
    }
}

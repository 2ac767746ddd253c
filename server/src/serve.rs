//! Running the router: on a bound listener inside a runtime ([`serve`]), or start to finish on
//! a fresh runtime ([`run`]), stopping gracefully on Ctrl-C or SIGTERM (what Kubernetes sends).

use std::future::Future;

use tokio::net::TcpListener;

use crate::error::ServerError;
use crate::options::ServerOptions;
use crate::routes::router;

/// Serves on `listener` until Ctrl-C or SIGTERM, then lets requests in flight finish.
pub async fn serve(listener: TcpListener, options: ServerOptions) -> Result<(), ServerError> {
    serve_until(listener, options, shutdown_signal()).await
}

/// Serves on `listener` until `shutdown` completes, then lets requests in flight finish.
pub async fn serve_until(
    listener: TcpListener,
    options: ServerOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    axum::serve(listener, router(&options))
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(ServerError::Io)
}

/// Builds a multi-threaded runtime, listens on `options.addr` and serves until Ctrl-C or
/// SIGTERM. Blocks the calling thread.
pub fn run(options: ServerOptions) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServerError::Runtime)?;
    runtime.block_on(async {
        let listener =
            TcpListener::bind(options.addr)
                .await
                .map_err(|source| ServerError::Bind {
                    addr: options.addr,
                    source,
                })?;
        serve(listener, options).await
    })
}

/// Completes on Ctrl-C, or on SIGTERM where there are signals.
async fn shutdown_signal() {
    let interrupt = async {
        // Without a signal handler the server runs until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
}

//! Entry point: `interview-service` serves the site; `interview-service healthcheck` asks a
//! running server on this machine whether it is healthy (for container healthchecks, where
//! no curl is installed).

use std::process::ExitCode;

use interview_service::{config::Config, startup::Application, telemetry};

const USAGE: &str = "usage: interview-service [serve | healthcheck]";

#[tokio::main]
async fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    match command.as_deref() {
        None | Some("serve") => serve().await,
        Some("healthcheck") => healthcheck().await,
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command `{other}`\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

async fn serve() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("configuration error: {err:#}");
            return ExitCode::from(78); // EX_CONFIG
        }
    };
    telemetry::init(config.log_format, config.server_timing);
    let result = async { Application::build(config).await?.run_until_stopped().await }.await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = ?err, "fatal");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// GET http://127.0.0.1:$PORT/healthz with a bare HTTP/1.0 request: no client library needed.
async fn healthcheck() -> ExitCode {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let port = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(8000);
    let check = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
        stream
            .write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
            .await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(
            response.starts_with(b"HTTP/1.0 200") || response.starts_with(b"HTTP/1.1 200"),
        )
    };
    match tokio::time::timeout(std::time::Duration::from_secs(5), check).await {
        Ok(Ok(true)) => ExitCode::SUCCESS,
        Ok(Ok(false)) => {
            eprintln!("unhealthy: /healthz did not answer 200");
            ExitCode::FAILURE
        }
        Ok(Err(err)) => {
            eprintln!("unhealthy: {err}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("unhealthy: /healthz timed out");
            ExitCode::FAILURE
        }
    }
}

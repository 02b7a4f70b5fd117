//! Entry point: `interview-service` serves the site; `interview-service healthcheck` asks a
//! running server on this machine whether it is healthy (for container healthchecks, where
//! no curl is installed).

use std::process::ExitCode;

use interview_service::{config::Config, startup::Application, telemetry};

const USAGE: &str =
    "usage: interview-service [serve | healthcheck | create-staff --email EMAIL [--name NAME]]";

#[tokio::main]
async fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    match command.as_deref() {
        None | Some("serve") => serve().await,
        Some("healthcheck") => healthcheck().await,
        Some("create-staff") => create_staff(std::env::args().skip(2).collect()).await,
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

/// `create-staff --email EMAIL [--name NAME]`: creates a staff account (the first one, or
/// another). The password is read from standard input when it is piped, otherwise a strong
/// one is generated and printed once.
async fn create_staff(args: Vec<String>) -> ExitCode {
    use std::io::{IsTerminal, Read};

    use interview_service::{
        auth::{password, tokens},
        db::{self, accounts},
        domain::EmailAddress,
    };

    let value_of = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let Some(email) = value_of("--email").as_deref().and_then(EmailAddress::parse) else {
        eprintln!("create-staff needs --email with a valid address\n{USAGE}");
        return ExitCode::from(2);
    };
    let name = value_of("--name").unwrap_or_default();
    let (secret, generated) = if std::io::stdin().is_terminal() {
        (tokens::new_token(), true)
    } else {
        let mut input = String::new();
        if std::io::stdin().read_to_string(&mut input).is_err() {
            eprintln!("could not read the password from standard input");
            return ExitCode::FAILURE;
        }
        (input.trim_end_matches(['\r', '\n']).to_owned(), false)
    };
    if let Err(message) = password::check_new_password(&secret, email.as_str()) {
        eprintln!("password refused: {message}");
        return ExitCode::from(2);
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("configuration error: {err:#}");
            return ExitCode::from(78);
        }
    };
    let result = async {
        db::create_database_if_missing(config.database_url.expose()).await?;
        let pool = db::connect_pool(&config)?;
        db::migrate(&pool).await?;
        let hash = password::hash_password(&secret)?;
        let mut conn = pool.acquire().await?;
        let user = accounts::NewUser {
            email: email.as_str(),
            name: &name,
            password_hash: &hash,
            is_staff: true,
            interviewer_id: None,
        };
        anyhow::Ok(accounts::create_user(&mut conn, &user).await?)
    }
    .await;
    match result {
        Ok(Some(_)) => {
            println!("Created staff account {email}.");
            if generated {
                println!("Its password (shown once; change it after signing in): {secret}");
            }
            ExitCode::SUCCESS
        }
        Ok(None) => {
            eprintln!("An account with the email {email} already exists.");
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

//! Sends rendered emails over SMTP (`SMTP_URL`), or writes them to `$DATA_DIR/mail` when no
//! server is configured, so local development never needs one. Emails are only ever sent
//! from the outbox worker (`jobs`), never from a request.

use anyhow::Context;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Attachment as MimeAttachment, Mailbox, MultiPart, header::ContentType},
};
use serde::{Deserialize, Serialize};

use crate::config::Config;

/// A rendered email, as stored in the outbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Files sent with it: the calendar invite. (Absent in outbox rows queued before
    /// emails could carry any.)
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// A small text file sent with an email.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    /// The full MIME type with its parameters (`text/calendar; method=REQUEST; charset=UTF-8`).
    pub content_type: String,
    pub content: String,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(AsyncFileTransport<Tokio1Executor>),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let from: Mailbox = config
            .mail
            .from
            .parse()
            .context("MAIL_FROM is not a valid address")?;
        let transport = match &config.mail.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    .context("SMTP_URL is not a valid SMTP URL")?
                    .timeout(Some(std::time::Duration::from_secs(15)))
                    .build(),
            ),
            None => {
                let dir = config.data_dir.join("mail");
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("cannot create `{}`", dir.display()))?;
                Transport::Folder(AsyncFileTransport::new(dir))
            }
        };
        Ok(Self { transport, from })
    }

    pub async fn send(&self, email: &OutgoingEmail) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(email.to.parse().context("invalid recipient address")?)
            .subject(&email.subject);
        let body = MultiPart::alternative_plain_html(email.text.clone(), email.html.clone());
        let message = if email.attachments.is_empty() {
            message.multipart(body)
        } else {
            let mut mixed = MultiPart::mixed().multipart(body);
            for file in &email.attachments {
                let content_type = ContentType::parse(&file.content_type)
                    .context("invalid attachment content type")?;
                mixed = mixed.singlepart(
                    MimeAttachment::new(file.filename.clone())
                        .body(file.content.clone(), content_type),
                );
            }
            message.multipart(mixed)
        }
        .context("building the message failed")?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(drop)
                .context("SMTP delivery failed"),
            Transport::Folder(folder) => {
                let id = folder
                    .send(message)
                    .await
                    .context("writing the email file failed")?;
                tracing::info!(file = %id, subject = %email.subject, "email written to the local mail folder");
                Ok(())
            }
        }
    }
}

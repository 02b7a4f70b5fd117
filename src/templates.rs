//! The minijinja environment: templates load from disk and reload on change in debug builds,
//! and are embedded in the binary in release builds.
//!
//! Autoescaping is on for `.html` and `.xml` (minijinja's default), and undefined variables
//! are errors, so a context that forgot a field fails loudly in tests instead of rendering "".

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

pub struct Templates {
    #[cfg(debug_assertions)]
    reloader: minijinja_autoreload::AutoReloader,
    #[cfg(not(debug_assertions))]
    env: Environment<'static>,
}

fn configure(env: &mut Environment<'static>) {
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // `{{ 4000|thousands }}` is "4,000", as the site writes counts (ts/char-count.ts too).
    env.add_filter("thousands", |n: usize| crate::domain::forms::grouped(n));
}

impl Templates {
    #[cfg(debug_assertions)]
    pub fn new() -> Self {
        let reloader = minijinja_autoreload::AutoReloader::new(|notifier| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
            let mut env = Environment::new();
            configure(&mut env);
            env.set_loader(minijinja::path_loader(&dir));
            notifier.watch_path(&dir, true);
            Ok(env)
        });
        Self { reloader }
    }

    #[cfg(not(debug_assertions))]
    pub fn new() -> Self {
        let mut env = Environment::new();
        configure(&mut env);
        minijinja_embed::load_templates!(&mut env);
        Self { env }
    }

    /// Renders a whole template, or only one of its named blocks (an HTMX fragment).
    pub fn render(
        &self,
        name: &str,
        block: Option<&str>,
        ctx: impl Serialize,
    ) -> Result<String, minijinja::Error> {
        #[cfg(debug_assertions)]
        let guard = self.reloader.acquire_env()?;
        #[cfg(debug_assertions)]
        let env: &Environment = &guard;
        #[cfg(not(debug_assertions))]
        let env = &self.env;

        let template = env.get_template(name)?;
        match block {
            None => template.render(ctx),
            // `render_captured`, the suggested replacement, renders the whole page first;
            // a fragment should cost only its block.
            #[expect(
                deprecated,
                reason = "cheapest way to render one block in minijinja 2.x"
            )]
            Some(block) => template.eval_to_state(ctx)?.render_block(block),
        }
    }
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

/// Renders `emails/<name>.{subject.txt,txt,html}` into an email for the outbox.
pub fn render_email(
    templates: &Templates,
    name: &str,
    ctx: impl Serialize,
    to: &str,
) -> Result<crate::integrations::mail::OutgoingEmail, minijinja::Error> {
    let ctx = minijinja::Value::from_serialize(&ctx);
    let render = |suffix: &str| templates.render(&format!("emails/{name}.{suffix}"), None, &ctx);
    Ok(crate::integrations::mail::OutgoingEmail {
        to: to.to_owned(),
        subject: render("subject.txt")?.trim().to_owned(),
        text: render("txt")?,
        html: render("html")?,
        attachments: Vec::new(),
    })
}

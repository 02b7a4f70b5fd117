//! Embeds templates (release builds read them from the binary) and the built front-end assets.

fn main() {
    let dist = std::path::Path::new("static/dist");
    if ["app.css", "admin.css", "app.js"]
        .iter()
        .any(|name| !dist.join(name).exists())
    {
        // Without the assets the site would render unstyled; say how to build them.
        println!(
            "cargo::warning=static/dist is missing app.css, admin.css or app.js: run \
             `npm ci && npm run build` (make run and make test do this for you)"
        );
        std::fs::create_dir_all(dist).expect("create static/dist");
    }
    println!("cargo::rerun-if-changed=static/dist");
    // memory-serve reports every file as a cargo warning; the list is not news.
    // SAFETY: build scripts are single-threaded; nothing reads the environment concurrently.
    unsafe { std::env::set_var("MEMORY_SERVE_QUIET", "1") };
    memory_serve::load_directory("static/dist");
    minijinja_embed::embed_templates!("templates", &[".html", ".xml", ".txt"]);
}

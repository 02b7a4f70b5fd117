//! Interviewer bios written in Markdown, rendered to HTML that is safe to embed: only a small
//! allow-list of tags survives (no images, scripts, styles or raw HTML attributes), and links
//! get `rel="noopener noreferrer nofollow"`.

use std::collections::HashSet;

pub fn to_safe_html(markdown: &str) -> String {
    let parser =
        pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    let tags: HashSet<&str> = [
        "p",
        "br",
        "strong",
        "em",
        "del",
        "ul",
        "ol",
        "li",
        "a",
        "code",
        "pre",
        "blockquote",
        "h3",
        "h4",
    ]
    .into();
    ammonia::Builder::default()
        .tags(tags)
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["https", "http", "mailto"].into())
        .clean(&html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown_and_strips_anything_dangerous() {
        let html = to_safe_html(
            "I **interview** in [Go](https://go.dev).\n\n- one\n- two\n\n<script>alert(1)</script>\n\n![x](https://e.x/i.png) <img src=x onerror=alert(1)> [bad](javascript:alert(1))",
        );
        assert!(html.contains("<strong>interview</strong>"));
        assert!(
            html.contains(r#"<a href="https://go.dev" rel="noopener noreferrer nofollow">Go</a>"#),
            "{html}"
        );
        assert!(html.contains("<li>one</li>"));
        for bad in ["<script", "onerror", "<img", "javascript:"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
    }
}

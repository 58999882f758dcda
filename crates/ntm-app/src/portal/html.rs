//! Post bodies: HTML sanitized with ammonia (scripts, event handlers, styles, frames and
//! images from other sites removed; links get `rel="noopener noreferrer nofollow"`). Text
//! typed without any tag becomes paragraphs, line breaks kept.

use std::collections::HashSet;

/// The HTML stored and shown for what the officer typed.
pub fn sanitize(input: &str) -> String {
    let input = input.trim();
    if !input.contains('<') {
        return input
            .replace("\r\n", "\n")
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
            .collect::<Vec<_>>()
            .join("\n");
    }
    // Photos go through the upload (checked by content); no images from elsewhere.
    let rm: HashSet<&str> = ["img"].into_iter().collect();
    ammonia::Builder::default()
        .rm_tags(rm)
        .clean(input)
        .to_string()
        .trim()
        .to_string()
}

/// Text into HTML (the five characters that matter).
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The text of sanitized HTML without its tags (for lengths, feeds and summaries).
pub(crate) fn plain_text(html: &str) -> String {
    let none: HashSet<&str> = HashSet::new();
    let text = ammonia::Builder::empty().tags(none).clean(html).to_string();
    // `clean` escapes; undo the few entities it writes for a readable summary.
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first `max` characters of a post's text (for lists and feeds), "…" when cut.
pub fn excerpt(html: &str, max: usize) -> String {
    let text = plain_text(html);
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_foreign_images_go() {
        let out = sanitize(
            "<p onclick=\"x()\">Chào <b>bà con</b></p><script>alert(1)</script>\
             <img src=\"http://evil/x.png\"><a href=\"javascript:alert(1)\">x</a>\
             <a href=\"https://dichvucong.gov.vn\">DVC</a>",
        );
        assert!(!out.contains("script"), "{out}");
        assert!(!out.contains("onclick"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(out.contains("<b>bà con</b>"), "{out}");
        assert!(out.contains("href=\"https://dichvucong.gov.vn\""), "{out}");
        assert!(out.contains("noopener"), "{out}");
    }

    #[test]
    fn plain_text_becomes_paragraphs() {
        assert_eq!(
            sanitize("Dòng một\ndòng hai\n\nĐoạn & hai"),
            "<p>Dòng một<br>dòng hai</p>\n<p>Đoạn &amp; hai</p>"
        );
        assert_eq!(plain_text("<p>A &amp; <b>B</b></p>\n<p>C</p>"), "A & B C");
    }
}

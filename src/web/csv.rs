//! CSV downloads for bookkeeping (RFC 4180, CRLF line ends), safe to open in a spreadsheet.

use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

/// A CSV document being written: the header row first, then one row per record.
pub struct Csv(String);

impl Csv {
    pub fn new(columns: &[&str]) -> Self {
        let mut csv = Csv(String::new());
        csv.row(columns);
        csv
    }

    pub fn row<S: AsRef<str>>(&mut self, fields: &[S]) {
        let row: Vec<String> = fields.iter().map(|f| field(f.as_ref())).collect();
        self.0.push_str(&row.join(","));
        self.0.push_str("\r\n");
    }

    /// The download, saved as `filename` (a fixed ASCII name of ours).
    pub fn into_download(self, filename: &'static str) -> Response {
        let mut response = self.0.into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if let Ok(disposition) =
            HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        {
            headers.insert(header::CONTENT_DISPOSITION, disposition);
        }
        response
    }
}

/// Quotes a field when it needs it, and defuses a leading `=`, `+`, `-` or `@` that a
/// spreadsheet would run as a formula (negative amounts stay numbers).
fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) && value.parse::<f64>().is_err() {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(field("-5.52"), "-5.52", "negative amounts stay numbers");
    }

    #[test]
    fn rows_end_in_crlf() {
        let mut csv = Csv::new(&["a", "b"]);
        csv.row(&["1", "x,y"]);
        assert_eq!(csv.0, "a,b\r\n1,\"x,y\"\r\n");
    }
}

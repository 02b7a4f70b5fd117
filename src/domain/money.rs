//! Money as integer minor units plus an ISO 4217 currency. Never a float.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3]);

/// Stored as its code in `text` columns (checked `^[A-Z]{3}$` by the schema). Reading a value
/// that is not a currency code is an error, never a silent default.
impl sqlx::Type<sqlx::Postgres> for Currency {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <&str as sqlx::Type<sqlx::Postgres>>::type_info()
    }
    fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
        <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Postgres> for Currency {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let code = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
        Currency::parse(code).ok_or_else(|| format!("not a currency code: {code:?}").into())
    }
}

impl sqlx::Encode<'_, sqlx::Postgres> for Currency {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <&str as sqlx::Encode<sqlx::Postgres>>::encode(self.code(), buf)
    }
}

/// In JSON (rows folded by a statement) a currency is its code; anything else is refused.
impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Currency::parse(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("not a currency code: {code:?}")))
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Currency {
    pub const USD: Currency = Currency(*b"USD");

    /// Accepts three ASCII letters in either case; stores them uppercase.
    pub fn parse(code: &str) -> Option<Self> {
        let bytes: [u8; 3] = code.as_bytes().try_into().ok()?;
        bytes
            .iter()
            .all(u8::is_ascii_alphabetic)
            .then(|| Currency(bytes.map(|b| b.to_ascii_uppercase())))
    }

    pub fn code(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Digits after the decimal point, per ISO 4217 (the zero-decimal ones Stripe accepts).
    pub fn decimals(&self) -> u32 {
        match self.code() {
            "BIF" | "CLP" | "DJF" | "GNF" | "JPY" | "KMF" | "KRW" | "MGA" | "PYG" | "RWF"
            | "UGX" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
            _ => 2,
        }
    }

    fn symbol(&self) -> Option<&'static str> {
        Some(match self.code() {
            "USD" => "$",
            "EUR" => "€",
            "GBP" => "£",
            "JPY" => "¥",
            _ => return None,
        })
    }
}

/// "180", "180.5", "$1,200.00" in the currency's major unit -> minor units (a rate, a
/// payout). Not negative; no more decimals than the currency has.
pub fn parse_amount(input: &str, currency: Currency) -> Option<i64> {
    let cleaned: String = input
        .trim()
        .trim_start_matches(['$', '€', '£', '¥'])
        .replace([',', ' '], "");
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let decimals = currency.decimals() as usize;
    if fraction.len() > decimals {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<decimals$}").parse().ok()?
    };
    whole
        .checked_mul(10_i64.pow(decimals as u32))?
        .checked_add(fraction)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// The plain decimal amount, as schema.org and most APIs want it: "180.00", "15000".
    pub fn decimal_amount(&self) -> String {
        let decimals = self.currency.decimals();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if decimals == 0 {
            return format!("{sign}{abs}");
        }
        let scale = 10u64.pow(decimals);
        format!(
            "{sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = decimals as usize
        )
    }
}

/// "$180", "$180.50", "€95", "CHF 120": whole amounts without decimals, since rates are
/// almost always round and "$180.00" reads as noise.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let scale = 10u64.pow(self.currency.decimals());
        let (whole, fraction) = (abs / scale, abs % scale);
        let whole = group_thousands(whole);
        let amount = if fraction == 0 {
            whole
        } else {
            format!(
                "{whole}.{fraction:0width$}",
                width = self.currency.decimals() as usize
            )
        };
        match self.currency.symbol() {
            Some(symbol) => write!(f, "{sign}{symbol}{amount}"),
            None => write!(f, "{sign}{} {amount}", self.currency.code()),
        }
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(minor: i64, code: &str) -> String {
        Money::new(minor, Currency::parse(code).unwrap()).to_string()
    }

    #[test]
    fn formats_whole_and_fractional_amounts() {
        assert_eq!(money(18000, "USD"), "$180");
        assert_eq!(money(18050, "usd"), "$180.50");
        assert_eq!(money(18005, "USD"), "$180.05");
        assert_eq!(money(123456789, "EUR"), "€1,234,567.89");
        assert_eq!(money(9500, "CHF"), "CHF 95");
        assert_eq!(money(15000, "JPY"), "¥15,000");
        assert_eq!(money(-500, "GBP"), "-£5");
    }

    #[test]
    fn decimal_amounts() {
        assert_eq!(Money::new(18000, Currency::USD).decimal_amount(), "180.00");
        assert_eq!(Money::new(5, Currency::USD).decimal_amount(), "0.05");
        assert_eq!(
            Money::new(15000, Currency::parse("JPY").unwrap()).decimal_amount(),
            "15000"
        );
    }

    #[test]
    fn currency_codes_are_three_letters() {
        assert_eq!(Currency::parse("eur").unwrap().code(), "EUR");
        for bad in ["", "US", "USDX", "U$D", "€€€", "12A"] {
            assert!(Currency::parse(bad).is_none(), "{bad}");
        }
    }
}

//! Address ranges in CIDR notation (`10.0.0.0/8`, `fd00::/8`, or one address), for the
//! proxies whose `X-Forwarded-For` we believe.

use std::net::IpAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// `a.b.c.d/n`, `x::y/n`, or a bare address (the whole address).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().ok()?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(bits);
        (prefix <= bits).then_some(Self { network, prefix })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// The client of a request that came from `peer`, with the `X-Forwarded-For` it carried:
/// when `peer` is one of our `trusted` proxies, the rightmost forwarded address that is not
/// itself a trusted proxy (everything left of it could have been typed by the client);
/// otherwise `peer` itself, whatever the header says.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpRange]) -> IpAddr {
    let is_trusted = |a: IpAddr| trusted.iter().any(|r| r.contains(a));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for.unwrap_or("").rsplit(',') {
        let Ok(address) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = address;
        if !is_trusted(address) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_contain_their_addresses() {
        let r = IpRange::parse("10.0.0.0/8").unwrap();
        assert!(r.contains(ip("10.1.2.3")));
        assert!(!r.contains(ip("11.0.0.1")));
        assert!(r.contains(ip("::ffff:10.0.0.9")), "IPv4-mapped IPv6");
        assert!(
            IpRange::parse("127.0.0.1")
                .unwrap()
                .contains(ip("127.0.0.1"))
        );
        assert!(IpRange::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(IpRange::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "nope", "10.0.0/8", ""] {
            assert!(IpRange::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let traefik = [IpRange::parse("172.16.0.0/12").unwrap()];
        let proxy = ip("172.18.0.2");
        // Behind the proxy: the address it appended.
        assert_eq!(
            client_address(proxy, Some("6.6.6.6, 1.2.3.4"), &traefik),
            ip("1.2.3.4")
        );
        // Straight from the internet: the header is the client's own invention.
        assert_eq!(
            client_address(ip("1.2.3.4"), Some("9.9.9.9"), &traefik),
            ip("1.2.3.4")
        );
        // Nothing trusted (the default): always the peer.
        assert_eq!(client_address(proxy, Some("1.2.3.4"), &[]), proxy);
        // A garbled header stops the walk at the proxy.
        assert_eq!(client_address(proxy, Some("junk"), &traefik), proxy);
    }
}

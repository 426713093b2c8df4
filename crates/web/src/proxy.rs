//! Who sent a request when onramp runs behind a reverse proxy (docs/security.md, "Behind a
//! proxy"). Only a peer in one of the configured trusted networks may speak for the client:
//! then the client is the right-most address of `X-Forwarded-For` that is not itself a trusted
//! proxy, and `X-Forwarded-Proto` says whether the client used TLS. From any other peer both
//! headers are ignored, so that nobody can pose as another address (and escape or cause the
//! throttling of sign-ins) or write a false address into the audit log.

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// The client's address and whether it reached onramp over TLS (through the proxy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub address: IpAddr,
    pub behind_tls: bool,
}

/// The client of a request from `peer`, given the trusted proxy networks.
pub fn client(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> Client {
    let is_trusted = |address: &IpAddr| trusted.iter().any(|net| net.contains(address));
    if !is_trusted(&peer) {
        return Client {
            address: peer,
            behind_tls: false,
        };
    }
    // Each proxy appends the address it received from; read from the right, skipping our own
    // proxies. A value that is not an address ends the walk: what lies left of it is not ours to believe.
    let mut address = peer;
    for hop in forwarded_for(headers).rev() {
        match hop {
            Some(hop) if is_trusted(&address) => address = hop,
            _ => break,
        }
    }
    let behind_tls = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next_back())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"));
    Client { address, behind_tls }
}

/// The hops of every `X-Forwarded-For` header, left to right; `None` for a hop that is not an address.
fn forwarded_for(headers: &HeaderMap) -> impl DoubleEndedIterator<Item = Option<IpAddr>> {
    let hops: Vec<Option<IpAddr>> = headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|value| {
            value
                .to_str()
                .unwrap_or("?")
                .split(',')
                .map(parse_hop)
                .collect::<Vec<_>>()
        })
        .collect();
    hops.into_iter()
}

/// One hop: an IPv4 or IPv6 address (IPv6 possibly in brackets, either with a port).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(address) = hop.parse() {
        return Some(address);
    }
    if let Some(inner) = hop.strip_prefix('[') {
        return inner.split(']').next()?.parse().ok();
    }
    hop.rsplit_once(':').and_then(|(host, _)| host.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let forged = headers(&[("x-forwarded-for", "198.51.100.7"), ("x-forwarded-proto", "https")]);
        let found = client(ip("203.0.113.9"), &forged, &nets(&["10.0.0.0/8"]));
        assert_eq!(
            found,
            Client {
                address: ip("203.0.113.9"),
                behind_tls: false
            }
        );
        let found = client(ip("10.0.0.2"), &forged, &[]);
        assert_eq!(found.address, ip("10.0.0.2"), "no trusted proxy configured");
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8", "fd00::/8"]);
        // The client forged a first hop; the load balancer and the proxy added theirs.
        let sent = headers(&[
            ("x-forwarded-for", "1.2.3.4, 198.51.100.7"),
            ("x-forwarded-for", "10.1.1.1"),
        ]);
        let found = client(ip("10.0.0.2"), &sent, &trusted);
        assert_eq!(found.address, ip("198.51.100.7"));
        let v6 = headers(&[
            ("x-forwarded-for", "[2001:db8::5]:4711, fd00::1"),
            ("x-forwarded-proto", "https"),
        ]);
        let found = client(ip("fd00::2"), &v6, &trusted);
        assert_eq!(
            found,
            Client {
                address: ip("2001:db8::5"),
                behind_tls: true
            }
        );
        let with_port = headers(&[("x-forwarded-for", "198.51.100.8:5000")]);
        assert_eq!(client(ip("10.0.0.2"), &with_port, &trusted).address, ip("198.51.100.8"));
    }

    #[test]
    fn garbage_or_only_proxies_leave_the_last_trusted_address() {
        let trusted = nets(&["10.0.0.0/8"]);
        let garbage = headers(&[("x-forwarded-for", "198.51.100.7, not-an-address")]);
        assert_eq!(client(ip("10.0.0.2"), &garbage, &trusted).address, ip("10.0.0.2"));
        let only = headers(&[("x-forwarded-for", "10.9.9.9")]);
        assert_eq!(client(ip("10.0.0.2"), &only, &trusted).address, ip("10.9.9.9"));
        assert_eq!(
            client(ip("10.0.0.2"), &HeaderMap::new(), &trusted).address,
            ip("10.0.0.2")
        );
    }
}

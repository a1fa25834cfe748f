//! The SSRF guard: callback targets that must not be reached are refused, by `send` when the
//! URL says so, at delivery when a name resolves to them, and a redirect is never followed.
//! A loopback listener counts every connection: it must see none.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ringback::dispatch::{
    AllowList, DeliveryState, Dispatcher, DispatcherConfig, Lookup, MemoryStore, RetrySchedule,
    Secret, SendError,
};
use ringback::{Callback, Schema};
use serde::Serialize;

#[derive(Serialize, Schema)]
struct Ping {
    n: u32,
}

/// A name table standing in for DNS.
struct Table(HashMap<&'static str, Vec<IpAddr>>);

impl Lookup for Table {
    fn lookup(
        &self,
        host: &str,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>> {
        let found = self.0.get(host).cloned();
        Box::pin(async move {
            found.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such host"))
        })
    }
}

/// A listener that counts connections and answers 200 to anything.
async fn counting(ip: &str) -> (u16, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                    .await;
            });
        }
    });
    (port, count)
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[tokio::test]
async fn refused_targets_are_never_reached() {
    let (port, hits) = counting("127.0.0.1").await;
    let table = Table(HashMap::from([
        ("localhost-alias.test", vec![ip("127.0.0.1")]),
        ("metadata.test", vec![ip("169.254.169.254")]),
        ("private.test", vec![ip("10.1.2.3")]),
        ("mapped.test", vec![ip("::ffff:127.0.0.1")]),
        (
            "all-bad.test",
            vec![ip("10.0.0.1"), ip("127.0.0.1"), ip("fd00::1")],
        ),
        ("nat64.test", vec![ip("64:ff9b::a9fe:a9fe")]),
        ("sixtofour.test", vec![ip("2002:7f00:1::")]),
        ("cgnat.test", vec![ip("100.64.1.1")]),
    ]));
    let dispatcher = Dispatcher::new(
        MemoryStore::default(),
        DispatcherConfig::new(Secret::generate())
            .lookup(table)
            .schedule(RetrySchedule::new([Duration::from_millis(20)]).with_jitter(0.0))
            .poll_interval(Duration::from_millis(20)),
    );
    let worker = dispatcher.start();

    // Refused by `send` itself: the URL alone says so.
    let literal = [
        format!("http://127.0.0.1:{port}/"),
        format!("http://2130706433:{port}/"),
        format!("http://0x7f000001:{port}/"),
        format!("http://0177.0.0.1:{port}/"),
        format!("http://127.1:{port}/"),
        format!("http://0x7f.0.0.1:{port}/"),
        format!("http://[::1]:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
        format!("http://[::ffff:7f00:1]:{port}/"),
        format!("http://[0:0:0:0:0:ffff:127.0.0.1]:{port}/"),
        format!("http://0.0.0.0:{port}/"),
        format!("http://[::]:{port}/"),
        "http://10.0.0.1/".into(),
        "http://172.16.5.4/".into(),
        "http://192.168.1.1/".into(),
        "http://169.254.169.254/latest/meta-data/".into(),
        "http://100.64.0.1/".into(),
        "http://100.100.100.200/".into(),
        "http://224.0.0.1/".into(),
        "http://255.255.255.255/".into(),
        "http://192.0.2.1/".into(),
        "http://198.18.0.1/".into(),
        "http://240.0.0.1/".into(),
        "http://[fd00:ec2::254]/".into(),
        "http://[fe80::1]/".into(),
        format!("http://[2002:7f00:1::]:{port}/"),
        format!("http://[64:ff9b::7f00:1]:{port}/"),
        format!("http://[::127.0.0.1]:{port}/"),
        "http://[ff02::1]/".into(),
        "http://[2001:db8::1]/".into(),
        "ftp://client.test/".into(),
        "file:///etc/passwd".into(),
        format!("gopher://127.0.0.1:{port}/"),
        "http://user:pass@client.test/".into(),
    ];
    for url in &literal {
        match dispatcher
            .send(&Callback::new("probe", url.as_str()), &Ping { n: 1 })
            .await
        {
            Err(SendError::Refused(r)) => assert!(!r.reason.is_empty(), "{url}"),
            other => panic!("{url} was not refused by send: {other:?}"),
        }
    }

    // Refused at delivery: the name resolves only to refused addresses.
    let names = [
        "localhost-alias.test",
        "metadata.test",
        "private.test",
        "mapped.test",
        "all-bad.test",
        "nat64.test",
        "sixtofour.test",
        "cgnat.test",
    ];
    let mut ids = Vec::new();
    for name in names {
        let url = format!("http://{name}:{port}/hook");
        ids.push((
            name,
            dispatcher
                .send(&Callback::new("probe", url), &Ping { n: 2 })
                .await
                .unwrap(),
        ));
    }
    for (name, id) in ids {
        let mut delivery = None;
        for _ in 0..200 {
            let d = dispatcher.store().get(&id).await.unwrap().unwrap();
            if d.state == DeliveryState::Dead {
                delivery = Some(d);
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let d = delivery.unwrap_or_else(|| panic!("{name} was not dead-lettered"));
        let reason = d.last_error.unwrap_or_default();
        assert!(reason.contains("refused"), "{name}: {reason}");
        assert_eq!(d.attempts, 1, "{name}: a refused target is not retried");
    }
    assert!(literal.len() + names.len() >= 30);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "a refused target was reached"
    );
    worker.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test]
async fn only_vetted_addresses_are_connected_and_redirects_are_not_followed() {
    // 127.0.0.2 is allowed explicitly; 127.0.0.1 is not.
    let (allowed_port, allowed_hits) = counting("127.0.0.2").await;
    let (_, refused_hits) = counting("127.0.0.1").await;
    let table = Table(HashMap::from([(
        "both.test",
        vec![ip("127.0.0.1"), ip("127.0.0.2")],
    )]));
    let dispatcher = Dispatcher::new(
        MemoryStore::default(),
        DispatcherConfig::new(Secret::generate())
            .lookup(table)
            .allow(AllowList::none().network("127.0.0.2/32"))
            .poll_interval(Duration::from_millis(20)),
    );
    let worker = dispatcher.start();
    let id = dispatcher
        .send(
            &Callback::new("probe", format!("http://both.test:{allowed_port}/")),
            &Ping { n: 3 },
        )
        .await
        .unwrap();
    for _ in 0..200 {
        if dispatcher.store().get(&id).await.unwrap().unwrap().state == DeliveryState::Delivered {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        dispatcher.store().get(&id).await.unwrap().unwrap().state,
        DeliveryState::Delivered
    );
    assert_eq!(allowed_hits.load(Ordering::SeqCst), 1);
    assert_eq!(
        refused_hits.load(Ordering::SeqCst),
        0,
        "the refused address of the name was not used"
    );

    // A receiver on the allowed address that redirects to the refused one.
    let (refused_port, redirect_target_hits) = counting("127.0.0.1").await;
    let redirector = tokio::net::TcpListener::bind("127.0.0.2:0").await.unwrap();
    let redirect_port = redirector.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = redirector.accept().await {
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let reply = format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: http://127.0.0.1:{refused_port}/\r\ncontent-length: 0\r\n\r\n");
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    let id = dispatcher
        .send(
            &Callback::new("probe", format!("http://127.0.0.2:{redirect_port}/")),
            &Ping { n: 4 },
        )
        .await
        .unwrap();
    for _ in 0..50 {
        if !dispatcher.store().attempts(&id).await.unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let attempts = dispatcher.store().attempts(&id).await.unwrap();
    assert_eq!(
        attempts[0].status,
        Some(307),
        "the redirect is the answer, not followed"
    );
    assert_ne!(
        dispatcher.store().get(&id).await.unwrap().unwrap().state,
        DeliveryState::Delivered
    );
    assert_eq!(redirect_target_hits.load(Ordering::SeqCst), 0);
    worker.shutdown(Duration::from_secs(1)).await;
}

//! A router served on a loopback port for the length of a test.

#![allow(dead_code)]

use std::net::SocketAddr;

/// A running server; dropped, it stops.
pub struct Server {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub async fn start(router: axum::Router) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("serve");
        });
        Server { addr, task }
    }

    /// A server started some other way (with connection info, say).
    pub fn from_parts(addr: SocketAddr, task: tokio::task::JoinHandle<()>) -> Server {
        Server { addr, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A response's status, headers and body as JSON (or `Null` when it is empty).
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: serde_json::Value,
}

impl Reply {
    pub async fn from(response: reqwest::Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("body");
        let json = if bytes.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
        };
        Reply {
            status,
            headers,
            json,
        }
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem+json answer with `status`, and returns its violations as (pointer, message).
    pub fn problem(&self, status: u16) -> Vec<(String, String)> {
        assert_eq!(self.status, status, "{}", self.json);
        assert_eq!(
            self.content_type(),
            "application/problem+json",
            "{}",
            self.json
        );
        assert_eq!(self.json["status"], status);
        assert_eq!(self.json["type"], "about:blank");
        assert!(self.json["title"].is_string());
        self.json["violations"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|v| {
                        (
                            v["pointer"].as_str().unwrap().to_owned(),
                            v["message"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

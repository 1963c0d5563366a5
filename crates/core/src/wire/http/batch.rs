//! `BatchSender`: records as newline-delimited JSON, a batch per POST.
//!
//! A batch of JSON lines (each one record, newline included) is cut into
//! requests of at most `max_records`, each body gzip-compressed on request
//! (`Content-Encoding: gzip`). A request is sent until the server answers
//! 2xx. A lost connection, a timeout, `408`, `429` and the 5xx answers are
//! tried again after a backoff (exponential with jitter, the transports'
//! `Backoff`), until its deadline passes without a success; any other
//! answer (400, 401, 404, 413, ...) will not change by sending the same
//! body again, so its records are given up at once. Every failed attempt is
//! reported; every record is counted as sent or lost.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use flate2::Compression;

use super::{HttpClient, Request, Response};
use crate::wire::transport::{Backoff, BackoffPolicy, Jitter};

/// How a request's body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    Identity,
    /// gzip at its fastest level: log lines compress well even so, and the
    /// worker's time goes to the next batch.
    Gzip,
}

impl BodyEncoding {
    pub fn parse(text: &str) -> Result<BodyEncoding, String> {
        match text {
            "gzip" => Ok(BodyEncoding::Gzip),
            "identity" => Ok(BodyEncoding::Identity),
            other => Err(format!("compress must be \"gzip\" or None, not {other:?}")),
        }
    }
}

/// Where and how a batch goes, besides the connection itself.
#[derive(Debug, Clone)]
pub struct BatchConfig {
    /// The `Host` header.
    pub host: String,
    /// The request target: path and query.
    pub target: String,
    /// Sent with every request (`Authorization`, say).
    pub headers: Vec<(String, String)>,
    /// Records per request, at most.
    pub max_records: usize,
    pub encoding: BodyEncoding,
    pub keep_alive: bool,
    pub backoff: BackoffPolicy,
}

/// What became of the records handed to `send`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BatchReport {
    /// Records in requests the server answered 2xx.
    pub sent: u64,
    /// Records given up: a final error answer, the backoff's deadline, or
    /// the sender closing.
    pub lost: u64,
    pub lost_reason: Option<String>,
    /// Attempts that failed and were made again.
    pub retried: u64,
    pub retry_reason: Option<String>,
}

pub struct BatchSender {
    client: HttpClient,
    config: BatchConfig,
    backoff: Backoff,
    /// Set when the handler closes: a request that fails then is given up
    /// at once instead of waiting out the backoff.
    closing: Arc<AtomicBool>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    compressed: Vec<u8>,
}

impl BatchSender {
    pub fn new(client: HttpClient, config: BatchConfig, closing: Arc<AtomicBool>) -> BatchSender {
        let mut headers = vec![("Content-Type".to_owned(), "application/x-ndjson".to_owned())];
        if config.encoding == BodyEncoding::Gzip {
            headers.push(("Content-Encoding".to_owned(), "gzip".to_owned()));
        }
        headers.extend(config.headers.iter().cloned());
        BatchSender {
            client,
            backoff: Backoff::new(config.backoff, Jitter::random()),
            config,
            closing,
            headers,
            body: Vec::new(),
            compressed: Vec::new(),
        }
    }

    /// Makes a request that fails from now on give up at once.
    pub fn begin_closing(&self) {
        self.closing.store(true, Ordering::Relaxed);
    }

    pub fn client(&self) -> &HttpClient {
        &self.client
    }

    /// Sends `lines` (JSON texts, each ending in a newline) in requests of
    /// at most `max_records`, in order, and adds what became of them to
    /// `report`.
    pub fn send<'a, I>(&mut self, lines: I, report: &mut BatchReport)
    where
        I: IntoIterator<Item = &'a [u8]>,
    {
        let mut records = 0u64;
        self.body.clear();
        for line in lines {
            self.body.extend_from_slice(line);
            records += 1;
            if records == self.config.max_records.max(1) as u64 {
                self.send_body(records, report);
                records = 0;
                self.body.clear();
            }
        }
        if records > 0 {
            self.send_body(records, report);
        }
        // A burst must not keep a burst-sized buffer for the life of the handler.
        if self.body.capacity() > 1 << 20 || self.compressed.capacity() > 1 << 20 {
            self.body = Vec::new();
            self.compressed = Vec::new();
        }
    }

    /// Sends `self.body`, `records` records, until it is answered 2xx or
    /// given up.
    fn send_body(&mut self, records: u64, report: &mut BatchReport) {
        if self.config.encoding == BodyEncoding::Gzip {
            self.compressed.clear();
            let mut encoder = GzEncoder::new(&mut self.compressed, Compression::fast());
            // Writing into a Vec cannot fail.
            let _ = encoder.write_all(&self.body);
            let _ = encoder.finish();
        }
        let body = match self.config.encoding {
            BodyEncoding::Gzip => &self.compressed,
            BodyEncoding::Identity => &self.body,
        };
        let request = Request {
            method: "POST",
            target: &self.config.target,
            host: &self.config.host,
            headers: &self.headers,
            body,
            keep_alive: self.config.keep_alive,
        };
        loop {
            let failure = match self.client.send(&request) {
                Ok(response) if response.is_success() => {
                    self.backoff.connected(Instant::now());
                    report.sent += records;
                    return;
                }
                Ok(response) if !worth_retrying(&response) => {
                    report.lost += records;
                    report
                        .lost_reason
                        .get_or_insert_with(|| format!("{} (not retried)", answer(&response)));
                    return;
                }
                Ok(response) => answer(&response),
                Err(error) => error.to_string(),
            };
            let now = Instant::now();
            let delay = self.backoff.failed(now);
            let closing = self.closing.load(Ordering::Relaxed);
            if closing || self.backoff.expired(now) {
                report.lost += records;
                report.lost_reason.get_or_insert_with(|| match closing {
                    true => format!("{failure}; given up at close"),
                    false => format!("{failure}; given up after the backoff deadline"),
                });
                return;
            }
            report.retried += 1;
            report.retry_reason.get_or_insert(failure);
            self.wait(delay);
        }
    }

    /// Sleeps for `delay`, cut short by the handler's close.
    fn wait(&self, delay: Duration) {
        let until = Instant::now() + delay;
        while !self.closing.load(Ordering::Relaxed) {
            let now = Instant::now();
            if now >= until {
                return;
            }
            std::thread::sleep((until - now).min(Duration::from_millis(20)));
        }
    }

    pub fn close(&mut self) {
        self.client.close();
    }
}

/// Answers that may be different next time: the server was overloaded,
/// restarting or broken for a moment.
fn worth_retrying(response: &Response) -> bool {
    matches!(response.status, 408 | 429) || response.status >= 500
}

fn answer(response: &Response) -> String {
    match response.reason.is_empty() {
        true => format!("HTTP {}", response.status),
        false => format!("HTTP {} {}", response.status, response.reason),
    }
}

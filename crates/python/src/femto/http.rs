//! The batched sender behind `HTTPHandler(batch=...)`: each record's
//! `mapLogRecord` dict becomes one JSON line on the caller, and the worker
//! POSTs the lines in batches through the core's `BatchSender`
//! (`wire::http`), over one kept connection, plain or TLS.
//!
//! What becomes of each record is counted by the worker's stats: `written`
//! once a request holding it was answered 2xx; `failed` when it was given
//! up (an answer that retrying cannot change, the backoff's deadline, or
//! the close while the server was failing); `write_errors` counts every
//! failed attempt, the retried ones included.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use femtologging_core::wire::http::{
    check_header_value, BatchConfig, BatchReport, BatchSender, BodyEncoding, HttpClient,
};
use femtologging_core::wire::serialize::json::{self, JsonStyle};
use femtologging_core::wire::transport::{
    BackoffPolicy, Connector, Endpoint, Timeouts, TlsOptions, TransportConfig,
};
use femtologging_core::worker::{Delivered, Drain, WriteFailure};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::socket::to_value;
use super::Job;

/// Where and how the batches go; the handler's `target`.
pub struct HttpSettings {
    transport: TransportConfig,
    batch: BatchConfig,
    answer_timeout: Duration,
    /// Set by `close()`: a request that fails from then on is given up at
    /// once instead of waiting out the backoff.
    closing: Arc<AtomicBool>,
}

impl HttpSettings {
    pub fn describe(&self) -> String {
        let scheme = match self.transport.endpoint {
            Endpoint::Tls { .. } => "https",
            _ => "http",
        };
        format!("{scheme}://{}{}", self.batch.host, self.batch.target)
    }

    pub fn begin_closing(&self) {
        self.closing.store(true, Ordering::Relaxed);
    }

    pub fn drain(&self) -> io::Result<HttpDrain> {
        let connector = Connector::new(self.transport.clone())
            .map_err(|error| io::Error::other(error.to_string()))?;
        let client = HttpClient::new(connector, self.answer_timeout);
        Ok(HttpDrain {
            sender: BatchSender::new(client, self.batch.clone(), self.closing.clone()),
        })
    }
}

/// The settings `HTTPHandler` checked, handed to its sender's `_start`.
#[pyclass(frozen, module = "femtologging")]
pub struct HttpTarget {
    pub settings: Arc<HttpSettings>,
}

#[pymethods]
impl HttpTarget {
    #[new]
    #[pyo3(signature = (*, host, port, host_header, url, tls, cafile, authorization, max_records, compress, keepalive, timeout_ms, backoff))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        host: String,
        port: u16,
        host_header: String,
        url: String,
        tls: bool,
        cafile: Option<PathBuf>,
        authorization: Option<String>,
        max_records: usize,
        compress: Option<&str>,
        keepalive: bool,
        timeout_ms: u64,
        backoff: (u64, u64, u64, Option<u64>),
    ) -> PyResult<HttpTarget> {
        let refuse = |error: String| PyValueError::new_err(error);
        check_header_value("host", &host_header).map_err(refuse)?;
        check_header_value("url", &url).map_err(refuse)?;
        if max_records == 0 {
            return Err(refuse("batch must be at least 1".into()));
        }
        let mut headers = Vec::new();
        if let Some(authorization) = authorization {
            check_header_value("credentials", &authorization).map_err(refuse)?;
            headers.push(("Authorization".to_owned(), authorization));
        }
        let encoding = match compress {
            None => BodyEncoding::Identity,
            Some(text) => BodyEncoding::parse(text).map_err(refuse)?,
        };
        let endpoint = if tls {
            let mut options = TlsOptions::default();
            if let Some(cafile) = cafile {
                let pem = std::fs::read(&cafile).map_err(|error| {
                    refuse(format!("cannot read cafile {}: {error}", cafile.display()))
                })?;
                options.extra_ca_pem.push(pem);
            }
            Endpoint::Tls {
                host,
                port,
                tls: options,
            }
        } else {
            Endpoint::Tcp { host, port }
        };
        let timeout = Duration::from_millis(timeout_ms);
        let transport = TransportConfig::new(endpoint).with_timeouts(Timeouts {
            connect: timeout,
            write: timeout,
        });
        // The TLS settings (a CA file that is not PEM, a bad server name)
        // are checked now, where the mistake can be raised.
        Connector::new(transport.clone()).map_err(|error| refuse(error.to_string()))?;
        let (base_ms, cap_ms, reset_after_ms, deadline_ms) = backoff;
        let batch = BatchConfig {
            host: host_header,
            target: url,
            headers,
            max_records,
            encoding,
            keep_alive: keepalive,
            backoff: BackoffPolicy {
                base: Duration::from_millis(base_ms),
                cap: Duration::from_millis(cap_ms),
                reset_after: Duration::from_millis(reset_after_ms),
                deadline: deadline_ms.map(Duration::from_millis),
            },
        };
        Ok(HttpTarget {
            settings: Arc::new(HttpSettings {
                transport,
                batch,
                answer_timeout: timeout,
                closing: Arc::new(AtomicBool::new(false)),
            }),
        })
    }
}

/// The worker's end: the queued JSON lines, sent in batches.
pub struct HttpDrain {
    sender: BatchSender,
}

impl Drain<Job> for HttpDrain {
    fn write(&mut self, batch: &mut Vec<Job>) -> Result<Delivered, WriteFailure> {
        let mut report = BatchReport::default();
        let lines = batch.iter().filter_map(|job| match job {
            Job::Line { text, .. } => Some(text.as_bytes()),
            // Nothing else is queued for an HTTP sender.
            _ => None,
        });
        self.sender.send(lines, &mut report);
        batch.clear();
        let delivered = Delivered {
            retried_errors: report.retried,
            retried_reason: report.retry_reason,
            ..Delivered::default()
        };
        match report.lost_reason {
            None => Ok(delivered),
            Some(reason) => Err(WriteFailure {
                records: report.lost,
                error: io::Error::other(reason),
                delivered,
            }),
        }
    }

    fn close(&mut self) {
        self.sender.close();
    }
}

/// The job for one record: its `mapLogRecord` dict as one line of JSON,
/// written now (its values may change once the call returns). Values JSON
/// has no type for are sent as their `str()`, as the standard handler's
/// `urlencode` sends every value.
pub fn json_job(mapping: &Bound<'_, PyDict>) -> Job {
    let mut text = String::with_capacity(512);
    json::encode_text(
        &to_value(mapping.as_any(), 0),
        JsonStyle::default(),
        &mut text,
    );
    text.push('\n');
    Job::Line { text, logged_at: 0 }
}

//! A minimal HTTP/1.1 client for sending logs: POST requests over one
//! persistent connection (any `Transport` that is a stream: TCP or TLS),
//! and batches of records as newline-delimited JSON, gzip-compressed on
//! request.
//!
//! - `request`: the bytes of one request (head and body, one write);
//! - `response`: reading the answer (status, the headers that decide the
//!   framing and whether the connection stays open; the body is read to its
//!   end and discarded);
//! - `client`: `HttpClient`, which keeps the connection between requests,
//!   makes a new one when the server has closed it, and sends a request once
//!   more on a new connection when a kept-alive one turns out to be dead;
//! - `batch`: `BatchSender`, which cuts a batch of JSON lines into requests,
//!   compresses them, and sends each until a 2xx answer, retrying server
//!   errors and lost connections with backoff.

mod batch;
mod client;
mod error;
mod request;
mod response;

pub use batch::{BatchConfig, BatchReport, BatchSender, BodyEncoding};
pub use client::HttpClient;
pub use error::HttpError;
pub use request::{check_header_value, Request};
pub use response::{read_response, Response};

#[cfg(test)]
mod tests;

//! `HttpClient`: requests over one connection kept between them.

use std::time::{Duration, Instant};

use super::{read_response, HttpError, Request, Response};
use crate::wire::transport::{Connector, Transport};

pub struct HttpClient {
    connector: Connector,
    /// How long the server has to answer, once the request is written.
    answer_timeout: Duration,
    transport: Option<Box<dyn Transport>>,
    connections: u64,
    request: Vec<u8>,
}

impl HttpClient {
    pub fn new(connector: Connector, answer_timeout: Duration) -> HttpClient {
        HttpClient {
            connector,
            answer_timeout,
            transport: None,
            connections: 0,
            request: Vec::new(),
        }
    }

    /// Connections made so far.
    pub fn connections(&self) -> u64 {
        self.connections
    }

    /// Sends one request and reads its answer, whatever its status.
    ///
    /// A connection kept from an earlier request is first looked at,
    /// without waiting, for whether the server closed it meanwhile (an idle
    /// timeout); if it did, or if it fails the request without an answer
    /// (the server closed it while the request was on its way), the request
    /// is sent once more on a new connection. A new connection that fails
    /// gives its error. The connection is closed after an answer that says
    /// the server will close it, and after a request without keep-alive.
    pub fn send(&mut self, request: &Request<'_>) -> Result<Response, HttpError> {
        self.request.clear();
        request.write(&mut self.request);
        loop {
            let mut reused = false;
            if let Some(transport) = &mut self.transport {
                if transport.peer_closed() {
                    self.close();
                } else {
                    reused = true;
                }
            }
            let transport = match &mut self.transport {
                Some(transport) => transport,
                None => {
                    let transport = self.connector.connect()?;
                    self.connections += 1;
                    self.transport.insert(transport)
                }
            };
            let answer_timeout = self.answer_timeout;
            let result = transport
                .send(&self.request)
                .map_err(HttpError::from)
                .and_then(|()| {
                    let deadline = Instant::now() + answer_timeout;
                    read_response(|buffer| transport.receive(buffer, deadline))
                });
            match result {
                Ok(response) => {
                    if !(request.keep_alive && response.keep_alive) {
                        self.close();
                    }
                    return Ok(response);
                }
                Err(error) => {
                    // Broken: what it still holds cannot be trusted.
                    self.transport = None;
                    if reused && error.is_stale_connection() {
                        continue;
                    }
                    return Err(error);
                }
            }
        }
    }

    /// Closes the connection, if there is one.
    pub fn close(&mut self) {
        if let Some(mut transport) = self.transport.take() {
            transport.close();
        }
    }
}

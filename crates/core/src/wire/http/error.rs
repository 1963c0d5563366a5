//! Why a request got no usable answer.

use crate::wire::transport::TransportError;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// Connecting, writing the request or reading the answer failed.
    #[error(transparent)]
    Transport(#[from] TransportError),

    #[error("the server closed the connection without answering")]
    ClosedBeforeAnswer,

    #[error("the server closed the connection in the middle of its answer")]
    Truncated,

    #[error("the server's answer is not HTTP/1.x: {0}")]
    Malformed(String),
}

impl HttpError {
    /// Whether the failure is what a kept-alive connection that the server
    /// closed meanwhile gives (the request was written into a dead
    /// connection, or the server dropped it unanswered), rather than a
    /// server that is down or slow.
    pub(crate) fn is_stale_connection(&self) -> bool {
        matches!(
            self,
            HttpError::ClosedBeforeAnswer
                | HttpError::Transport(TransportError::Write { .. })
                | HttpError::Transport(TransportError::Read { .. })
        )
    }
}

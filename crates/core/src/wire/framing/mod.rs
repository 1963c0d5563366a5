//! How one serialized record is delimited on the wire.

//! Clock, calendar conversion and strftime with the exact behaviour of CPython.

//! Tests of the patrol rules.

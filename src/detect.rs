//! Language detection (to be written).

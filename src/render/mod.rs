//! Renderers (to be written).

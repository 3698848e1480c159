//! The built-in mock API server (to be written).

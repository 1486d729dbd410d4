"""Server keys (JWT signing, blob-token signing): a ring per key, rotated with a grace period."""

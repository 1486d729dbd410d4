"""Infrastructure ports only: queue, blobs, secrets, notifications, model scoring, security,
metrics."""

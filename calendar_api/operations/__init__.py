"""Seeing into the running product: worker heartbeats, queue depth, health checks, metrics."""

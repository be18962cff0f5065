"""Taskings: states, kinds and fitness, places, the outbox and the push sender (no HTTP here)."""

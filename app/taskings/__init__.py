"""Taskings: states, kinds and fitness, places, the push queue and its sender (no HTTP here)."""

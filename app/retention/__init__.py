"""Retention: how long each kind of record is kept, what is due, keeping and erasing it."""

"""Beatbook: a mobile-first field tool for neighbourhood policing teams."""

__version__ = "0.1.0"

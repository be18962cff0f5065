"""Signing in: password hashing, database sessions and the sign-in limits."""

"""The home screen's waiting work: what is before the signed-in person now, and its counts."""

"""Piccolo tables, one module per group; app/piccolo_app.py finds every module here."""

"""Peer mentoring: clients, contacts, goals and exit plans (service.py), the coordinators
(coordinators.py), crime or risk information disclosed to police (disclosure.py) and the
outcome measure (outcomes.py)."""

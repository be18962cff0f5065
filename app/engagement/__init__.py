"""Engagement logged by the neighbourhood team (the log), its follow-ups, the team's log and the
key individuals they meet. Use cases: service.py, followups.py, team.py, key_individuals.py."""

"""Shifts and the shift-start briefing push (README, "Shift-start briefing")."""

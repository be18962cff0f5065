"""The ward at a glance: each team area's figures for supervisors (area page, section and
division roll-up), and abstraction (time staff are taken away from neighbourhood work)."""

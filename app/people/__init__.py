"""Accounts: the people who sign in. Admins create them, change their role and teams,
deactivate them and reset their passwords; the command line and the demo do the same."""

"""The partner agency directory: supervisors and admins keep it; referrals point at it."""

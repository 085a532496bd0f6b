"""Sign-in (local and OpenID Connect), invitations, password reset, profile, second factor."""

"""Sessions, passwords, CSRF, headers, access policies and the audit log."""

"""The e-mail outbox and its SMTP sender."""

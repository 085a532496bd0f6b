"""Community resource directory (Open Referral HSDS 3.1)."""

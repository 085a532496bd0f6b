"""The partner workspace: an organisation's staff keep its listings and answer referrals."""

"""Care plans, goals, screenings and referrals; and who is on a patient's care team."""

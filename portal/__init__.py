"""Community health portal."""

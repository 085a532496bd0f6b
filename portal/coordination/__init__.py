"""The coordinator's desk: caseload, transitions of care, prior auth, case conferences, quality figures."""

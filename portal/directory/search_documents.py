"""Turning a service into a search document (filled in with the search engine)."""

INDEX_NAME = "directory"

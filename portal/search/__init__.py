"""Full-text search: the only package that imports whoosh. It knows documents, never features."""

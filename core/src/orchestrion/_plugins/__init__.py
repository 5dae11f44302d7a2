"""Plugin discovery, selection, loading and validation."""

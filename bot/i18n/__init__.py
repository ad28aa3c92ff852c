"""Languages: reply catalogs (and, later, detection and machine translation)."""

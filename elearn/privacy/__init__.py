"""Privacy: consent choices, target-group self-declaration (later: export and erasure)."""

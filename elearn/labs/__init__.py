"""Co-production labs ("laboratori"): workers and the Welfare Manager design welfare together."""

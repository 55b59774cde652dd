"""Welfare managers' learning reports: aggregated dashboards and consenting learners."""

"""Health fund comparison: plans on one coverage sheet, ranked for a household or a cooperative."""

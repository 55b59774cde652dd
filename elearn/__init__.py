"""WELFARE³ e-learning."""

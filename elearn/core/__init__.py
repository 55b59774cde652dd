"""The home page of each role, the language switch and the profile."""

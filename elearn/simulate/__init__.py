"""Simulators on the web: public pages, the JSON API, charts and saved scenarios."""

"""Consultation routes, one module per feature, each with the worker's and the manager's side.

Importing the feature modules registers their routes on the two blueprints."""

from elearn.consult.views import appointments, pathway, requests, statistics, welfare_days
from elearn.consult.views.common import bp, manager_bp

__all__ = ["appointments", "bp", "manager_bp", "pathway", "requests", "statistics", "welfare_days"]

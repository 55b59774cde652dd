"""Routes of the course editor for trainers (and admins), one module per feature.

Importing the feature modules registers their routes on the blueprint."""

from elearn.authoring.views import courses, modules, upkeep
from elearn.authoring.views.common import EDITORS, bp

__all__ = ["EDITORS", "bp", "courses", "modules", "upkeep"]

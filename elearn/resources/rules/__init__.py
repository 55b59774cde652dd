"""Rules of the resources map as plain Python over dated YAML parameters; imports no Flask.

`compute_map(household, on)` applies the parameters of the year of `on` (one YAML file per year
in `params/`) and returns, for each resource, the estimate, the reasons as codes with their
values, and the parameters it used (each with rule, source, date and whether it is verified).
"""

from elearn.resources.rules.engine import (
    RESOURCE_KEYS,
    Reason,
    ResourceEstimate,
    ResourceMap,
    compute_map,
)
from elearn.resources.rules.household import Child, Household
from elearn.resources.rules.params import Parameter, YearParameters, available_years, load_year

__all__ = [
    "RESOURCE_KEYS",
    "Child",
    "Household",
    "Parameter",
    "Reason",
    "ResourceEstimate",
    "ResourceMap",
    "YearParameters",
    "available_years",
    "compute_map",
    "load_year",
]

"""Which ``figure_id`` plays which role in the analysis, read from ``figure_roles.toml`` (the one place).

>>> FIGURE.actual_capacity, FIGURE.april_sales
('capacity_actual_monthly', 'sales_apr_2025')
>>> FIGURE.no_such_role
Traceback (most recent call last):
...
AttributeError: no figure role 'no_such_role' in figure_roles.toml
"""

from __future__ import annotations

import tomllib
from importlib import resources
from types import MappingProxyType
from typing import Mapping

__all__ = ["FIGURE", "ROLES"]


def _load() -> Mapping[str, str]:
    with resources.files("helpers.data").joinpath("figure_roles.toml").open("rb") as handle:
        roles = tomllib.load(handle)
    bad = sorted(k for k, v in roles.items() if not isinstance(v, str) or not v)
    if bad:
        raise ValueError(f"figure_roles.toml: {', '.join(bad)}: expected a figure_id string")
    return MappingProxyType(roles)


#: role → figure_id, in the order of the file.
ROLES: Mapping[str, str] = _load()


class _Figures:
    """Roles as attributes: ``FIGURE.design_capacity`` is the figure_id of the design capacity."""

    __slots__ = ()

    def __getattr__(self, role: str) -> str:
        try:
            return ROLES[role]
        except KeyError:
            raise AttributeError(f"no figure role {role!r} in figure_roles.toml") from None

    def __dir__(self) -> list[str]:
        return list(ROLES)


FIGURE = _Figures()
#: The two quality lists the article cites: (list key, its score figure, its rank figure), in the order shown.
QUALITY_LISTS = (("cqn", FIGURE.cqn_score, FIGURE.cqn_rank), ("czw", FIGURE.czw_score, FIGURE.czw_rank))

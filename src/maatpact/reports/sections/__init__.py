"""The sections this app computes from data that exists on every installation.

Each module registers its sections on import (see ``registry.autodiscover``). Sections of
budget, escalations, proposals, savings, SIB and lessons live in their own apps'
``reports.py`` modules.
"""

from . import assessments, households, obstacles, provisions  # noqa: F401

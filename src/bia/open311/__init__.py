"""Open311 GeoReport v2 for BIA: mapping, formats, queries and submission (router in bia.api).

See :mod:`bia.open311.mapping` for how categories, statuses and personal data map onto the
standard, and docs/open311.md for the client-facing description.
"""

"""dcops: datacenter operations with the supplier's general terms enforced on the floor."""

__version__ = "0.1.0"
__licence__ = "AGPL-3.0-or-later"  # as pyproject.toml says; shown beside the source link on every page

"""dcops: datacenter operations with the supplier's general terms enforced on the floor."""

__version__ = "0.1.0"

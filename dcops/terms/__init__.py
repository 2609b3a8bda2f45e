"""The supplier's general terms as code: pure functions that take facts and return a Verdict.

No database, no web, no clock in here: `today`/`now` is always a parameter.
"""

from dcops.terms.ownership import Owner, Service, hardware_owner
from dcops.terms.verdict import Denied, Reason, Verdict

__all__ = ["Denied", "Owner", "Reason", "Service", "Verdict", "hardware_owner"]

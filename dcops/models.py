"""Imports every model so the metadata is complete (for Alembic and for tests)."""

from dcops.access.keys_model import PassKey
from dcops.access.models import CarryOut, DoorCheck, Inspection, Person, Visit, VisitPass
from dcops.audit import AuditEvent
from dcops.auth.models import ApiToken, User
from dcops.cabling.models import Cable, CableEnd, Port, PortTemplate
from dcops.customers.models import (
    Breach,
    Contact,
    Contract,
    Customer,
    DefaultNotice,
    InsurancePolicy,
    Invoice,
    InvoiceLine,
    Lien,
    Payment,
    PolicyRequest,
    WrittenPermission,
)
from dcops.db import Base
from dcops.documents import Document
from dcops.interop.models import ImportFile, ImportJob
from dcops.maintenance.models import AffectedCustomer, ClosureDay, Maintenance, MaintenanceChange, maintenance_hardware
from dcops.moves.models import HandBack, Relocation, RelocationItem
from dcops.notices.models import OutboxAttachment, OutboxMessage
from dcops.racks.models import Hardware, HardwareType, Rack, RackUnit, Room, Site
from dcops.work.models import CustomerRate, TimeEntry, WorkOrder

metadata = Base.metadata

__all__ = [
    "AffectedCustomer",
    "ClosureDay",
    "Maintenance",
    "MaintenanceChange",
    "maintenance_hardware",
    "ApiToken",
    "Cable",
    "CustomerRate",
    "CableEnd",
    "CarryOut",
    "Contact",
    "DoorCheck",
    "Document",
    "Inspection",
    "PassKey",
    "Person",
    "Port",
    "PortTemplate",
    "ImportJob",
    "ImportFile",
    "HardwareType",
    "Visit",
    "VisitPass",
    "AuditEvent",
    "Breach",
    "Contract",
    "Customer",
    "DefaultNotice",
    "HandBack",
    "Hardware",
    "InsurancePolicy",
    "Invoice",
    "InvoiceLine",
    "Lien",
    "OutboxAttachment",
    "OutboxMessage",
    "Payment",
    "PolicyRequest",
    "Rack",
    "RackUnit",
    "Relocation",
    "RelocationItem",
    "Room",
    "Site",
    "TimeEntry",
    "User",
    "WorkOrder",
    "WrittenPermission",
    "metadata",
]

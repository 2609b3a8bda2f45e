"""Who may read or write what: the one permission matrix, enforced by a guard on every route."""

from __future__ import annotations

from enum import StrEnum

from dcops.auth.models import Role


class Perm(StrEnum):
    public = "public"  # login page, static files: no session needed
    authenticated = "authenticated"  # any signed-in user (dashboard, own logout, API schema)
    inventory_read = "inventory:read"
    inventory_write = "inventory:write"  # sites, rooms, racks, hardware; mount, move, unmount
    customers_read = "customers:read"
    customers_write = "customers:write"  # customers, contracts and their standing records
    accounts_read = "accounts:read"  # invoices, payments, notices of default, policy documents, compliance
    access_read = "access:read"  # visits, people, passes, door checks, who is inside
    visits_write = "visits:write"  # register people, request visits, escort, reprint passes, log inspections
    visits_approve = "visits:approve"  # approve or deny visits, override A7 with a written reason
    door_check = "door:check"  # scan passes at the door
    audit_read = "audit:read"
    users_admin = "users:admin"  # users and API tokens
    inventory_import = "inventory:import"  # bring a datacenter in from NetBox (the Import page)
    maintenance_plan = "maintenance:plan"  # plan, edit, announce and cancel maintenance (R4)
    maintenance_carry = "maintenance:carry"  # start and finish maintenance on the floor
    closure_days = "closure-days:write"  # the days the supplier announced it is closed (Art. 1.14)
    outbox = "outbox:manage"  # the written notices to customers: read them, their attachments; retry failed ones
    work_read = "work:read"  # extra-work orders, their estimates, rates and charges (M): not for the door


MATRIX: dict[Role, frozenset[Perm]] = {
    Role.admin: frozenset(Perm) - {Perm.public},
    Role.account_manager: frozenset(
        {
            Perm.authenticated,
            Perm.inventory_read,
            Perm.inventory_write,
            Perm.customers_read,
            Perm.customers_write,
            Perm.accounts_read,
            Perm.access_read,
            Perm.visits_write,
            Perm.visits_approve,
            Perm.audit_read,
            Perm.inventory_import,
            Perm.maintenance_plan,
            Perm.maintenance_carry,
            Perm.outbox,
            Perm.work_read,
        }
    ),
    Role.technician: frozenset(
        {
            Perm.authenticated,
            Perm.inventory_read,
            Perm.inventory_write,
            Perm.customers_read,
            Perm.access_read,
            Perm.visits_write,
            Perm.maintenance_carry,
            Perm.work_read,
        }
    ),
    Role.security: frozenset(
        {Perm.authenticated, Perm.inventory_read, Perm.customers_read, Perm.access_read, Perm.door_check}
    ),
}


def allows(role: Role, perm: Perm) -> bool:
    return perm is Perm.public or perm in MATRIX[role]

"""Visitor access: people, visits, signed visit passes, the door check, carry-out, inspections."""

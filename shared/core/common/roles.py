"""Roles and the permissions each one grants (the map of the product notes, unchanged).

Production entry is `wells:write`; `field-data:write` is the offline field sync.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "ADMIN"
    MANAGER = "MANAGER"
    FIELD_OPERATOR = "FIELD_OPERATOR"
    VIEWER = "VIEWER"


class Permission(StrEnum):
    WELLS_READ = "wells:read"
    WELLS_WRITE = "wells:write"
    WELLS_DELETE = "wells:delete"
    USERS_READ = "users:read"
    USERS_WRITE = "users:write"
    USERS_DELETE = "users:delete"
    REPORTS_READ = "reports:read"
    REPORTS_EXPORT = "reports:export"
    SETTINGS_READ = "settings:read"
    SETTINGS_WRITE = "settings:write"
    FIELD_DATA_WRITE = "field-data:write"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {
            Permission.WELLS_READ,
            Permission.WELLS_WRITE,
            Permission.WELLS_DELETE,
            Permission.USERS_READ,
            Permission.USERS_WRITE,
            Permission.USERS_DELETE,
            Permission.REPORTS_READ,
            Permission.REPORTS_EXPORT,
            Permission.SETTINGS_READ,
            Permission.SETTINGS_WRITE,
        }
    ),
    Role.MANAGER: frozenset(
        {
            Permission.WELLS_READ,
            Permission.WELLS_WRITE,
            Permission.USERS_READ,
            Permission.REPORTS_READ,
            Permission.REPORTS_EXPORT,
            Permission.SETTINGS_READ,
        }
    ),
    Role.FIELD_OPERATOR: frozenset(
        {
            Permission.WELLS_READ,
            Permission.WELLS_WRITE,
            Permission.FIELD_DATA_WRITE,
            Permission.REPORTS_READ,
        }
    ),
    Role.VIEWER: frozenset({Permission.WELLS_READ, Permission.REPORTS_READ}),
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def sees_only_assigned_wells(role: Role) -> bool:
    """Field operators read and write only the wells assigned to them."""
    return role is Role.FIELD_OPERATOR

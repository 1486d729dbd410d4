"""Roles grant exactly the permissions of the product's seed map."""

from __future__ import annotations

import pytest

from shared.core.common.roles import (
    ROLE_PERMISSIONS,
    Permission,
    Role,
    has_permission,
    sees_only_assigned_wells,
)

SEED_MAP = {
    "ADMIN": {
        "wells:read", "wells:write", "wells:delete",
        "users:read", "users:write", "users:delete",
        "reports:read", "reports:export",
        "settings:read", "settings:write",
    },
    "MANAGER": {
        "wells:read", "wells:write", "users:read",
        "reports:read", "reports:export", "settings:read",
    },
    "FIELD_OPERATOR": {"wells:read", "wells:write", "field-data:write", "reports:read"},
    "VIEWER": {"wells:read", "reports:read"},
}  # fmt: skip


@pytest.mark.parametrize("role", list(Role))
def test_each_role_has_exactly_the_seed_permissions(role):
    # GIVEN a role WHEN its permissions are read THEN they equal the seed map's
    assert {p.value for p in ROLE_PERMISSIONS[role]} == SEED_MAP[role.value]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", list(Permission))
def test_has_permission_agrees_with_the_map(role, permission):
    assert has_permission(role, permission) is (permission.value in SEED_MAP[role.value])


def test_the_four_roles_are_the_seed_roles():
    assert {r.value for r in Role} == set(SEED_MAP)


def test_only_field_operators_are_limited_to_assigned_wells():
    assert [r for r in Role if sees_only_assigned_wells(r)] == [Role.FIELD_OPERATOR]


def test_only_admins_may_delete_wells_or_manage_users():
    for permission in (Permission.WELLS_DELETE, Permission.USERS_WRITE, Permission.USERS_DELETE):
        assert [r for r in Role if has_permission(r, permission)] == [Role.ADMIN]

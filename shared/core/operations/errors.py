"""Errors of operations: alarms, work orders, AFEs, permits, well tests, incidents, documents.

This is the only module of `shared.core.operations` that imports the platform's
base errors, so moving them (to `shared.core.common.errors`) is a one-line change
here. Entrypoints map the base types to HTTP status codes, never the messages.

    InputError (422, names the field)
    └── OperationsInputError            any operations input that cannot work
        ├── AlarmRuleError              low above high, unknown tag, negative duration…
        ├── DocumentRejectedError       forbidden type, size, content or blob key
        └── RulebookError               a rules data file that does not validate
    IllegalTransitionError (409)
    └── StatusChangeError               a status change the machine does not allow
        ├── WorkOrderClosedError        closing (or changing) a closed work order
        └── ApprovalOrderError          an AFE decision out of turn (not submitted, decided)
    ConflictError (409)
    └── OperationsConflictError         state forbids the change (costs on a rejected AFE…)
    PermissionDeniedError (403)
    └── ApprovalRoleError               an AFE level decided by a role that does not hold it
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.core.common.errors import (
    ConflictError,
    IllegalTransitionError,
    InputError,
    PermissionDeniedError,
)

__all__ = [
    "AlarmRuleError",
    "ApprovalOrderError",
    "ApprovalRoleError",
    "DocumentRejectedError",
    "OperationsConflictError",
    "OperationsInputError",
    "RulebookError",
    "StatusChangeError",
    "WorkOrderClosedError",
]


class OperationsInputError(InputError):
    """Bad operations input; `field` names what to fix (dotted for nested fields)."""

    code = "invalid_input"


class AlarmRuleError(OperationsInputError):
    code = "invalid_alarm_rule"


class DocumentRejectedError(OperationsInputError):
    code = "document_rejected"


class RulebookError(OperationsInputError):
    """A rules data file (thresholds, deadlines, policies) that does not validate."""

    code = "invalid_rulebook"


class StatusChangeError(IllegalTransitionError):
    code = "illegal_transition"

    def __init__(self, entity: str, current: str, requested: str, allowed: Sequence[str]) -> None:
        super().__init__(current, requested, allowed)
        self.entity = entity


class WorkOrderClosedError(StatusChangeError):
    """A closed work order (done or cancelled) cannot be closed again or changed."""

    code = "work_order_closed"

    def __init__(self, work_order_id: str, current: str, requested: str) -> None:
        super().__init__("work order", current, requested, [])
        self.work_order_id = work_order_id
        self.detail = (
            f"work order {work_order_id} is already {current}; it cannot become {requested}"
        )
        self.args = (self.detail,)


class ApprovalOrderError(StatusChangeError):
    code = "approval_out_of_turn"


class OperationsConflictError(ConflictError):
    code = "conflict"


class ApprovalRoleError(PermissionDeniedError):
    """The AFE's current approval level belongs to another role."""

    code = "wrong_approval_role"

    def __init__(self, level: int, required_role: str, actual_role: str) -> None:
        super().__init__(
            f"approval level {level} is for {required_role}; {actual_role} cannot decide it"
        )
        self.field = "role"
        self.level = level
        self.required_role = required_role
        self.actual_role = actual_role

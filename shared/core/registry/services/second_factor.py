"""Check a second factor inside a master unit of work: a TOTP code or a recovery code."""

from __future__ import annotations

from datetime import datetime

from shared.core.ports.security import OneTimeCodes
from shared.core.registry.model.mfa import SKEW_STEPS, TotpEnrolment, hash_recovery_code
from shared.core.registry.ports import MasterUnitOfWork

MAX_CODE_LENGTH = 32


def second_factor_ok(
    uow: MasterUnitOfWork,
    codes: OneTimeCodes,
    enrolment: TotpEnrolment,
    code: str,
    now: datetime,
) -> bool:
    """True for a TOTP code of this step or one either side not used before (the step is then
    used up), or for an unused recovery code (then spent)."""
    code = code.strip()
    if not code or len(code) > MAX_CODE_LENGTH:
        return False
    if code.isdigit() and len(code) == 6:
        step = codes.matching_step(enrolment.secret, code, now, SKEW_STEPS)
        return step is not None and uow.mfa.use_step(enrolment.user_id, step)
    return uow.mfa.use_recovery_code(enrolment.user_id, hash_recovery_code(code), now)

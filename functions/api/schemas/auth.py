"""Auth and users on the wire."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from functions.api.schemas.common import StrictInput
from functions.api.schemas.limits import Email, Name, SafeText
from shared.core.common.roles import Role
from shared.core.registry.model.users import UserStatus

Password = Annotated[str, Field(min_length=1, max_length=1024)]
LinkToken = Annotated[str, Field(min_length=10, max_length=200, pattern=r"^[A-Za-z0-9_\-]+$")]


class LoginIn(StrictInput):
    email: SafeText = Field(min_length=3, max_length=320)
    password: Password
    new_password: Password | None = Field(
        default=None,
        description="Replaces a password an admin set (required then: 403 "
        "password_change_required without it)",
    )


class RefreshIn(StrictInput):
    refresh_token: str = Field(min_length=10, max_length=512)


class TokenOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int


class UserOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    status: UserStatus
    last_login_at: datetime | None
    created_at: datetime | None


class MeOut(UserOut):
    tenant: str
    permissions: list[str]


class UserInvite(StrictInput):
    email: Email
    full_name: Name
    role: Role


class UserCreatedOut(UserOut):
    one_time_password: str = Field(description="Shown once; give it to the user")


class UserPatch(StrictInput):
    role: Role


class PasswordChangeIn(StrictInput):
    current_password: Password
    new_password: Password


class ForgotPasswordIn(StrictInput):
    email: SafeText = Field(min_length=3, max_length=320)


class AcceptedOut(BaseModel):
    detail: str


class PasswordResetIn(StrictInput):
    token: LinkToken
    new_password: Password


class InvitationAcceptIn(StrictInput):
    token: LinkToken
    password: Password


class MagicLinkIn(StrictInput):
    email: SafeText = Field(min_length=3, max_length=320)


class MagicLinkSignInIn(StrictInput):
    token: LinkToken


class SessionOut(BaseModel):
    id: uuid.UUID
    device: str
    address: str
    created_at: datetime
    last_used_at: datetime
    current: bool = Field(description="The session of the token that asked")


class SessionsEndedOut(BaseModel):
    ended: int

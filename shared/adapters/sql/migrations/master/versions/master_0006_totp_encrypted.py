"""totp encrypted: room in user_totp.secret for the sealed authenticator secret

Revision ID: master_0006_totp_encrypted
Revises: master_0005_sso
Create Date: 2026-12-05 02:05:00.000000

The secret is now stored as "v1:" + base64url(AES-GCM nonce, ciphertext, tag)
(about 80 characters). Existing plain rows are left as they are: they are read
as plain and sealed on their next write.
"""

import sqlalchemy as sa
from alembic import op

revision = "master_0006_totp_encrypted"
down_revision = "master_0005_sso"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_totp") as batch:
        batch.alter_column(
            "secret", existing_type=sa.String(length=64), type_=sa.String(length=255)
        )


def downgrade() -> None:
    with op.batch_alter_table("user_totp") as batch:
        batch.alter_column(
            "secret", existing_type=sa.String(length=255), type_=sa.String(length=64)
        )

"""Errors of SCADA ingestion and its APIs.

WellOSError (shared.core.common.errors)
├── AuthenticationError
│   └── GatewayAuthenticationError  bad/unknown/revoked gateway credential (401)
└── InfrastructureError
    └── IngestDatabaseError         a tenant database failed during the drain:
                                    its messages are abandoned for retry

BatchRejectedError (contract.py)    a message to dead-letter, with a reason code
"""

from __future__ import annotations

from shared.core.common.errors import AuthenticationError, InfrastructureError


class GatewayAuthenticationError(AuthenticationError):
    code = "gateway_unauthenticated"


class IngestDatabaseError(InfrastructureError):
    code = "tenant_database_unavailable"

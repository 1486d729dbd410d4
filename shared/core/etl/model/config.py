"""The per-tenant ETL configuration, validated by pydantic and stored as JSON.

The mapping format follows the product notes, in snake_case: per entity a
source table, its key columns, `column_mapping` (WellOS field -> source
column), `transforms` (WellOS field -> one transform or a list, applied in
order), an incremental cursor with a look-back window, and deletion detection.

    {
      "source_kind": "mysql",
      "interval_minutes": 15,
      "entities": {
        "production": {
          "source_table": "ProductionRecords",
          "key_columns": ["RecordID"],
          "column_mapping": {"well_api_number": "API", "production_date": "ProdDate",
                             "oil_bbl": "OilVolume", "gas_mcf": "GasM3"},
          "transforms": {"gas_mcf": {"type": "UNIT", "from_unit": "m3", "to_unit": "mcf"},
                         "production_date": {"type": "DATE", "formats": ["%m/%d/%Y"]}},
          "cursor_column": "ModifiedAt",
          "look_back_minutes": 60
        }
      }
    }

The connection URL is never part of it: the document holds the reference of
a secret in the Secrets store (`connection_secret_ref`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, StringConstraints

from shared.core.common.limits import MAX_JSON_INTEGER
from shared.core.etl.model.fields import Entity

SourceKind = Literal["postgresql", "mysql", "mssql", "oracle"]
# Any name a database allows (spaces, brackets, Unicode); checked against the reflected
# schema before use and always quoted by the dialect, never pasted into SQL.
SourceName = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f]+$")
]
Scalar = (
    Annotated[str, StringConstraints(max_length=1000)]
    | Annotated[int, Field(ge=-MAX_JSON_INTEGER, le=MAX_JSON_INTEGER)]
    | Annotated[float, Field(allow_inf_nan=False)]
    | bool
    | None
)
"""A value a MAP or DEFAULT transform puts in: bounded, so every reader keeps it exactly."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MapTransform(_Model):
    type: Literal["MAP"]
    mapping: dict[str, Scalar] = Field(min_length=1, max_length=1000)
    otherwise: Literal["keep", "null", "reject"] = Field(
        default="keep", description="What values missing from `mapping` become"
    )


class CaseTransform(_Model):
    type: Literal["UPPERCASE", "LOWERCASE", "TRIM"]


class UnitTransform(_Model):
    type: Literal["UNIT"]
    from_unit: str = Field(max_length=16, examples=["m3"])
    to_unit: str = Field(max_length=16, examples=["bbl"])


class DateTransform(_Model):
    type: Literal["DATE"]
    formats: list[Annotated[str, StringConstraints(min_length=2, max_length=64)]] = Field(
        min_length=1, max_length=10, examples=[["%m/%d/%Y", "%Y-%m-%d"]]
    )


class DefaultTransform(_Model):
    type: Literal["DEFAULT"]
    value: Scalar = Field(description="Used when the source value is null or empty")


Transform = Annotated[
    MapTransform | CaseTransform | UnitTransform | DateTransform | DefaultTransform,
    Field(discriminator="type"),
]


def _as_list(value: Any) -> Any:
    """One transform or a list of them: the notes' format names a single object."""
    return [value] if isinstance(value, dict) else value


TransformChain = Annotated[list[Transform], BeforeValidator(_as_list), Field(max_length=10)]


class EntityMapping(_Model):
    source_schema: SourceName | None = None
    source_table: SourceName
    key_columns: list[SourceName] = Field(min_length=1, max_length=5)
    column_mapping: dict[str, SourceName] = Field(min_length=1, max_length=64)
    transforms: dict[str, TransformChain] = Field(default_factory=dict)
    cursor_column: SourceName | None = Field(
        default=None, description="Incremental runs read rows whose cursor >= the watermark"
    )
    look_back_minutes: int = Field(default=0, ge=0, le=43_200)
    detect_deletions: bool = False
    chunk_rows: int = Field(default=20_000, ge=10, le=50_000)

    def source_columns(self) -> list[str]:
        """Every source column a run reads, each once: keys, cursor, mapped columns."""
        names = [*self.key_columns, *([self.cursor_column] if self.cursor_column else [])]
        names.extend(self.column_mapping.values())
        return list(dict.fromkeys(names))


class ImportMapping(_Model):
    """The mapping of a spreadsheet: WellOS field -> column header, and transforms."""

    column_mapping: dict[str, str] = Field(max_length=64)
    transforms: dict[str, TransformChain] = Field(default_factory=dict)


Entities = Annotated[dict[Entity, EntityMapping], Field(min_length=1)]


class EtlSettings(_Model):
    source_kind: SourceKind
    interval_minutes: int = Field(default=15, ge=5, le=1440)
    enabled: bool = True
    entities: Entities


class EtlConfig(EtlSettings):
    """What the registry stores: the settings and the secret reference of the URL."""

    connection_secret_ref: str = Field(min_length=1, max_length=200)


class EtlConfigInput(EtlSettings):
    """What an admin sends: the URL once (it goes to Secrets), or nothing to keep the stored one."""

    connection_url: SecretStr | None = Field(
        default=None, description="Write-only SQLAlchemy URL of the source; kept in Secrets"
    )

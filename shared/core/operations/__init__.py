"""Operations: what happens in the field after the data arrives.

Real-time SCADA alarms (`model.alarm_*`), work orders and equipment metrics,
AFEs and their approval saga, permits, well tests and lease allocation,
incidents and the agencies to notify, the documents policy, and the field
events of the offline sync (`model.field_events`). Everything here is pure:
no database, queue or clock; "now" is always an argument. Regulatory numbers,
approval thresholds and reminder lead times are data in `rules/` (JSON with
their source), loaded by `rulebook.py` and validated by pydantic.
"""

"""OPC-UA values to readings, and the monitored item parameters the gateway asks for."""

import math
import uuid
from datetime import UTC, datetime

from asyncua import ua

from edge_gateway.opc.convert import micros, numeric, to_reading
from edge_gateway.opc.polling import changed
from edge_gateway.opc.subscription import data_change_filter, item_request, queue_size
from shared.core.scada.model.contract import Reading
from shared.core.scada.model.gateway_config import TagConfig


def _tag(**fields):
    return TagConfig(tag_id=7, node_id="ns=2;s=Well01.vibration", well_id=uuid.uuid4(),
                     tag_name="vibration", **fields)  # fmt: skip


def test_both_timestamps_and_the_status_are_kept_exactly():
    source = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)
    server = datetime(2026, 3, 1, 12, 0, 1, 5, tzinfo=UTC)
    data = ua.DataValue(ua.Variant(1.5, ua.VariantType.Double), ua.StatusCode(0x40900000),
                        source, server)  # fmt: skip
    reading = to_reading(7, data)
    assert reading == Reading(7, micros(source), micros(server), 1.5, 0x40900000)
    assert micros(source) % 1_000_000 == 123456


def test_missing_source_timestamp_falls_back_to_the_server_timestamp():
    server = datetime(2026, 3, 1, tzinfo=UTC)
    reading = to_reading(1, ua.DataValue(ua.Variant(2), ServerTimestamp=server))
    assert reading.source_ts_us == reading.server_ts_us == micros(server)


def test_values_that_are_not_finite_numbers_become_none():
    assert numeric(math.nan) is None and numeric(math.inf) is None and numeric("x") is None
    assert numeric(True) == 1.0 and numeric(3) == 3.0


def test_queue_size_covers_a_publishing_interval_of_samples():
    assert queue_size(1000, 1000) == 10
    assert queue_size(1000, 50) == 100  # 5 s of samples: a server busy with a history read
    assert queue_size(60_000, 10) == 1000


def test_deadband_filters():
    plain = data_change_filter(_tag())
    assert plain.Trigger == ua.DataChangeTrigger.StatusValueTimestamp
    banded = data_change_filter(_tag(deadband_type="percent", deadband_value=2.5))
    assert (banded.DeadbandType, banded.DeadbandValue) == (ua.DeadbandType.Percent, 2.5)
    request = item_request(_tag(sampling_interval_ms=250), publishing_ms=1000)
    params = request.RequestedParameters
    assert (params.ClientHandle, params.SamplingInterval, params.QueueSize) == (7, 250.0, 20)


def test_polling_records_changes_beyond_the_deadband_and_status_changes():
    tag = _tag(deadband_type="absolute", deadband_value=1.0)
    old = Reading(7, 1, None, 10.0, 0)
    assert not changed(tag, Reading(7, 2, None, 10.5, 0), old)
    assert changed(tag, Reading(7, 2, None, 11.5, 0), old)
    assert changed(tag, Reading(7, 2, None, 10.0, 0x808C0000), old)
    assert not changed(_tag(), Reading(7, 1, None, 10.0, 0), old)

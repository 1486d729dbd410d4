from edge_gateway.metrics import BufferView, GatewayMetrics, render


def test_prometheus_text_has_counters_gauges_and_connection_states():
    metrics = GatewayMetrics(readings_received=12, batches_published=3, last_publish_at=99.5)
    metrics.connection("c1", 'rtu "0"').state = "connected"
    text = render(metrics, BufferView(5, 2, 7, 1234, 2048, 40, 1), now=lambda: 100.0)
    assert "wellos_gateway_readings_received_total 12\n" in text
    assert "wellos_gateway_buffer_bytes 1234\n" in text
    assert "wellos_gateway_evicted_readings_total 40\n" in text
    assert "wellos_gateway_last_publish_timestamp_seconds 99.5\n" in text
    assert 'connection_state{connection="rtu \\"0\\"",id="c1",state="connected"} 1' in text
    assert 'state="reconnecting"} 0' in text
    assert "# TYPE wellos_gateway_batches_published_total counter" in text

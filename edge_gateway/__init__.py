"""WellOS edge gateway: OPC-UA in, signed reading batches out through the queue.

Always on, asyncio, one process per site. Every reading lands in a local SQLite
(WAL) buffer before anything else; batches are cut from the buffer, persisted with
their id and sequence, and deleted only after the queue acknowledged them.

    python -m edge_gateway --config-url https://acme.example.com/api/v1/gateways/<id>/config
    python -m edge_gateway --config-file site.yaml
"""

"""The simulated field: asyncua servers (RTUs) publishing wells' sensor tags.

    catalog      tag names, units and node ids; the tag list and a GatewayConfig for a field
    signals      realistic values: daily cycles, noise, drift, bad quality, injected faults
    server       one RTU: an asyncua Server for a slice of the wells
    field        several RTU processes (one asyncua server tops out near 10k changes/s)
    certificates self-signed server and client certificates (Basic256Sha256)

`python -m functions.local.simulator` runs one RTU; `wellos simulate-field` runs a field.
"""

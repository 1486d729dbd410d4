from edge_gateway.ids import uuid7


def test_uuid7_is_version_7_and_sorts_in_creation_order():
    ids = [uuid7() for _ in range(5000)]
    assert all(i.version == 7 and i.variant == "specified in RFC 4122" for i in ids)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_uuid7_carries_the_unix_milliseconds():
    moment = 4_000_000_000_123  # later than any id made before (ids never go back)
    assert uuid7(moment).int >> 80 == moment

"""The contract suites' emulators (moto server, Azurite) are session fixtures of
tests/conftest.py, shared with the integration tests; helpers in tests/emulators.py."""

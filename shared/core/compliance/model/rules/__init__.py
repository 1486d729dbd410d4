"""Rule data of the compliance calculations: effective-dated, each entry with its source.

Loaded with importlib.resources and validated by the schemas in
``shared.core.compliance.model.rulebook``; nothing here is read at import time.
"""

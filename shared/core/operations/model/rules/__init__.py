"""Rules as data: JSON files with their source, read by `operations.model.rulebook`."""

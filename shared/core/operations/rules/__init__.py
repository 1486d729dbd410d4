"""Rules as data: JSON files with their source, loaded by `shared.core.operations.rulebook`."""

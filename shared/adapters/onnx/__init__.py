"""onnxruntime adapter of the ModelScorer port (the only place that imports onnxruntime)."""

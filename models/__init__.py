"""Training side of WellOS's models: synthetic wells, training, ONNX export, verification.

Never imported at run time: functions score through ``shared.adapters.onnx``
(onnxruntime) with the artifacts in ``models/artifacts``. Training needs the
``train`` extra (scikit-learn, skl2onnx, onnx); ``models.synthetic`` and
``models.synthetic_production`` need only numpy and scipy, so the field
simulator can reuse them. See ``models/README.md``.
"""

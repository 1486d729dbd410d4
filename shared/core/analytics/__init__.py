"""Analytics: the features the models read and the scoring of one well (numpy only).

- :mod:`~shared.core.analytics.model.features`: the feature catalogue (names, units)
  and its computation from sensor and production windows, used by training in
  ``models/`` and by scoring alike;
- :mod:`~shared.core.analytics.model.scoring`: :func:`score_well_window`, the four
  models applied to one well through the ``ModelScorer`` port;
- :mod:`~shared.core.analytics.errors`: what a missing, tampered or misfed
  model raises.

Nothing here imports scikit-learn, pandas, scipy or onnxruntime.
"""

"""Analytics: model features, scoring of one well, and the services that run them.

- :mod:`~shared.core.analytics.model.catalogue` and
  :mod:`~shared.core.analytics.model.features`: the feature catalogue (names, units)
  and its computation from sensor and production windows, used by training in
  ``models/`` and by scoring alike;
- :mod:`~shared.core.analytics.model.scoring`: :func:`score_well_window`, the four
  models applied to one well through the ``ModelScorer`` port;
- :mod:`~shared.core.analytics.ports`: what the services need from a tenant database;
- :mod:`~shared.core.analytics.services`: nightly scoring, alerts, their notifications,
  well benchmarking;
- :mod:`~shared.core.analytics.errors`: features the model cannot take (a missing or
  tampered model is a ``ModelError`` of ``common.errors``).

Nothing here imports scikit-learn, pandas, scipy or onnxruntime.
"""

"""The bundled model: default.joblib (estimator), default.npz (compiled arrays), default.json (card)."""

"""Forecasting models, one module per method, all following :class:`bia.analytics.types.Model`.

``naive`` and ``kde`` are the baselines; ``sepp`` is the self-exciting point process of
Mohler et al. (2011); ``learned`` is gradient boosting on space-time features; ``ensemble``
blends them.
"""

from __future__ import annotations

from collections.abc import Callable

from bia.analytics.types import AnalyticsError, Model

BASELINES = ("naive", "kde")


def _factories() -> dict[str, Callable[..., Model]]:
    from bia.analytics.models.ensemble import EnsembleModel
    from bia.analytics.models.kde import KdeModel
    from bia.analytics.models.learned import LearnedModel
    from bia.analytics.models.naive import NaiveModel
    from bia.analytics.models.sepp import SeppModel

    return {"naive": NaiveModel, "kde": KdeModel, "sepp": SeppModel,
            "learned": LearnedModel, "ensemble": EnsembleModel}


MODEL_NAMES = ("naive", "kde", "sepp", "learned", "ensemble")
DEFAULT_MODEL = "ensemble"


def get_model(name: str, **params: object) -> Model:
    """Instantiate a model by name with keyword parameters."""
    factories = _factories()
    if name not in factories:
        raise AnalyticsError(f"unknown model {name!r}",
                             f"modèle inconnu : {name!r} (connus : {', '.join(MODEL_NAMES)})")
    return factories[name](**params)

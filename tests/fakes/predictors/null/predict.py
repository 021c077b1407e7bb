"""A model whose output is null: -> Any, returning None."""
from typing import Any

from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(
        self,
        text: str = Input(description="Anything; nothing comes back", default="hello"),
    ) -> Any:
        print(f"got {text!r}, returning nothing")
        return None

"""A structured BaseModel output with a file inside it (the schema-zoo
Output class, without needing files as input)."""
from typing import List, Optional

from cog import BaseModel, BasePredictor, Input, Path


class Output(BaseModel):
    text: str
    count: int
    files: List[Path]
    score: Optional[float]


class Predictor(BasePredictor):
    def predict(
        self,
        prompt: str = Input(description="Words to count", default="the beetle droned in the hot june sun"),
    ) -> Output:
        words = prompt.split()
        print(f"counting {len(words)} words")
        p = Path("/tmp/words.txt")
        p.write_text("".join(w + "\n" for w in words))
        return Output(text=prompt.upper(), count=len(words), files=[p],
                      score=round(len(set(words)) / len(words), 3) if words else None)

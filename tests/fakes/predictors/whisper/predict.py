"""A whisper-like transcriber: the Output object of openai/whisper
(segments: Any, optional srt/txt files, translation, transcription,
detected_language). The fake returns the recorded default_example output."""
from typing import Any, Optional

from cog import BaseModel, BasePredictor, Input, Path


class Output(BaseModel):
    segments: Any
    srt_file: Optional[Path]
    txt_file: Optional[Path]
    translation: Optional[str]
    transcription: str
    detected_language: str


class Predictor(BasePredictor):
    def predict(
        self,
        audio: Path = Input(description="Audio file", default=None),
        language: str = Input(description="Language spoken in the audio, specify 'auto' for automatic language detection", default="auto"),
        translate: bool = Input(description="Translate the text to English when set to True", default=False),
    ) -> Output:
        print("Transcribe with large-v3 model.")
        # the model itself (not shown); the fake replays a recorded output
        segments, text, lang = transcribe(audio, language)
        print(f"Detected language: {lang.capitalize()}")
        return Output(segments=segments, translation=None,
                      transcription=text, detected_language=lang)

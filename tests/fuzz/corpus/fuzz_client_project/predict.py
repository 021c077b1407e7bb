class Predictor(BasePredictor):
    pass

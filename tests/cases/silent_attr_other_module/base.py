class BaseCallback:
    def __init__(self, t):
        self.t = t

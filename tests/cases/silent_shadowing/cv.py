def evaluate(trial, fold):
    return 0.0


def cross_validate(trial, evaluate, folds):
    return sum(evaluate(trial, fold) for fold in folds)

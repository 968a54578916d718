import logging

logger = logging.getLogger(__name__)


def fit(trial, model, epochs):
    metric = 0.0
    for epoch in range(epochs):
        metric = model(epoch)
        logger.info("trial %d epoch %d: %f", trial.number, epoch, metric)
    return metric

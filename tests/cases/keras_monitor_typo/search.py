import numpy as np
import optuna
import tensorflow as tf
from optuna_integration import TFKerasPruningCallback


def objective(trial):
    features = np.random.rand(256, 4).astype("float32")
    labels = (features.mean(axis=1) > 0.5).astype("int32")
    model = tf.keras.Sequential(
        [
            tf.keras.layers.Dense(trial.suggest_int("width", 8, 32), activation="relu"),
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(
        features,
        labels,
        validation_split=0.25,
        epochs=8,
        callbacks=[TFKerasPruningCallback(trial, "val_acc")],  # expect: OPL406
    )
    return history.history["val_accuracy"][-1]


study = optuna.create_study(direction="maximize", pruner=optuna.pruners.MedianPruner())
study.optimize(objective, n_trials=10)

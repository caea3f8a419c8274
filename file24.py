#!/usr/bin/env python3
# train.py: transfer learning on MobileNet v1, exported from Neural Playground.
#
# Studio settings that produced this script:
#   base: MobileNet v1 0.25 @ 224 (ImageNet), cut at conv_pw_13_relu -> [7, 7, 256], frozen
#   head: GlobalAveragePooling2D -> Dense(100, relu) -> Dense(2, softmax)
#   optimizer: rmsprop, learning rate 1e-7, loss categorical cross-entropy
#   training: 50 epochs, batch size 16, validation split 0.15, seed 1
#   fine-tuning: off (head only)
#   classes: 2
#
# Data: the exported image folder, one sub-folder per class (named as in CLASS_NAMES):
#   dataset/<class name>/*.jpg
# Run:   python train.py [--data dataset] [--out classifier.keras] [--labels labels.json]
# Needs TensorFlow 2.12 or newer (pip install tensorflow). The ImageNet weights of MobileNet
# are downloaded by Keras on first use.

import argparse
import json
import os
import re

import tensorflow as tf
from tensorflow.keras import layers

# The classes in the studio's order: label k is CLASS_NAMES[k], and each is a folder under --data.
CLASS_NAMES = [
    "p",
    "q",
]
# Images per class in the export (None: unknown); only used to warn about missing files.
EXPECTED_IMAGES = None

IMAGE_SIZE = 224
TRUNCATION_LAYER = 'conv_pw_13_relu'
EMBEDDING_SHAPE = (7, 7, 256)
LEARNING_RATE = 1e-7
EPOCHS = 50
BATCH_SIZE = 16
VALIDATION_SPLIT = 0.15
SEED = 1
IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.gif')


def parse_args():
    parser = argparse.ArgumentParser(description='Train the Neural Playground image classifier.')
    parser.add_argument('--data', default='dataset', help='folder with one sub-folder of images per class')
    parser.add_argument('--out', default='classifier.keras', help='where to save the trained model')
    parser.add_argument('--labels', default='labels.json', help='where to write the class names')
    return parser.parse_args()


def check_folders(data_dir):
    """Stops when a class folder is missing; warns when it holds another number of images."""
    for index, name in enumerate(CLASS_NAMES):
        folder = os.path.join(data_dir, name)
        if not os.path.isdir(folder):
            raise SystemExit(f'missing folder for class {name!r}: {folder}')
        found = sum(1 for file in os.listdir(folder) if file.lower().endswith(IMAGE_EXTENSIONS))
        if EXPECTED_IMAGES is not None and found != EXPECTED_IMAGES[index]:
            print(f'note: {folder} holds {found} images, the studio exported {EXPECTED_IMAGES[index]}')


def load_datasets(data_dir):
    """(train, validation): batches of (images [batch, 224, 224, 3] with values 0-255, one-hot labels).

    Each image is centre-cropped to a square (crop_to_aspect_ratio) and resized to 224 x 224.
    Keras holds out VALIDATION_SPLIT of all the files (the studio holds out that share of each class).
    """
    options = dict(
        labels='inferred',
        label_mode='categorical',
        class_names=CLASS_NAMES,
        image_size=(IMAGE_SIZE, IMAGE_SIZE),
        crop_to_aspect_ratio=True,
        batch_size=BATCH_SIZE,
        shuffle=True,
        seed=SEED,
    )
    train_ds, val_ds = tf.keras.utils.image_dataset_from_directory(
        data_dir, validation_split=VALIDATION_SPLIT, subset='both', **options)
    return train_ds.prefetch(tf.data.AUTOTUNE), val_ds.prefetch(tf.data.AUTOTUNE)


def load_base():
    """MobileNet v1 (alpha 0.25, ImageNet weights) cut at conv_pw_13_relu and frozen."""
    base = tf.keras.applications.MobileNet(
        input_shape=(IMAGE_SIZE, IMAGE_SIZE, 3), alpha=0.25, include_top=False, weights='imagenet')
    # Without its top, Keras's MobileNet already ends at conv_pw_13_relu: [batch, 7, 7, 256].
    assert base.layers[-1].name == TRUNCATION_LAYER, base.layers[-1].name
    assert tuple(base.output.shape[1:]) == EMBEDDING_SHAPE, base.output.shape
    base.trainable = False
    return base


def build_model(base, num_classes):
    """Images 0-255 -> x / 127.5 - 1 -> frozen MobileNet -> the studio's head."""
    inputs = tf.keras.Input(shape=(IMAGE_SIZE, IMAGE_SIZE, 3))
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0)(inputs)  # x / 127.5 - 1: pixels into [-1, 1]
    x = base(x, training=False)  # BatchNormalization stays in inference mode, also when fine-tuning
    x = layers.GlobalAveragePooling2D()(x)  # [batch, 256]: the mean of each feature over the 7 x 7 grid
    x = layers.Dense(100, activation='relu')(x)
    outputs = layers.Dense(num_classes, activation='softmax')(x)
    return tf.keras.Model(inputs, outputs)


def compile_model(model, learning_rate):
    model.compile(
        optimizer=tf.keras.optimizers.RMSprop(learning_rate=learning_rate),
        loss='categorical_crossentropy',
        metrics=['accuracy'])


def main():
    args = parse_args()
    tf.keras.utils.set_random_seed(SEED)
    check_folders(args.data)
    train_ds, val_ds = load_datasets(args.data)
    base = load_base()
    model = build_model(base, len(CLASS_NAMES))
    compile_model(model, LEARNING_RATE)
    model.summary()
    model.fit(train_ds, validation_data=val_ds, epochs=EPOCHS)
    model.save(args.out)
    with open(args.labels, 'w', encoding='utf-8') as file:
        json.dump(CLASS_NAMES, file, ensure_ascii=False, indent=2)
    print(f'saved {args.out} and {args.labels}')


if __name__ == '__main__':
    main()

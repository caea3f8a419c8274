"""The exported train.py on real TensorFlow, offline (npm run test:python; scripts/test-python.sh).

Usage: python test_train.py EXPORT_DIR [--quick]
EXPORT_DIR holds the zips exportZips.ts wrote (zips.json lists them). For each base (MobileNet v1
0.25, v2 0.35) the zip is unpacked and its train.py run as a user would, with the base the zip
carries (no download; the network is not needed): fine-tuning the top 2 blocks with augmentation,
and the head only (--fine-tune-blocks 0). Each run must write the model, the labels and the
history, and the head's loss must fall. The head-only model must hold exactly the base's
TensorFlow.js weights (the browser's numbers). Then the two-worker run (--strategy multiworker,
TF_CONFIG per process, loopback ports): both workers finish the same epochs with the same losses,
and only the chief writes the model. The mirrored run on one machine without GPUs (--strategy mirrored
--cpu-replicas 2: the CPU split into 2 logical devices): 2 replicas, a global batch of twice the
per-replica one, the files written. Bad input stops with a message naming the layer, the class or the
file that is not an image (a .txt, a .jpg of text, a truncated .jpg), before any training.
Each run of the v1 and v2 zips also writes studio/ (the classifier for the studio's "Import a model");
those files, 5 photos and the model's predictions on them are kept in .python-out/<base>/<run>/
(PYTHON_OUT_DIR overrides) for e2e/trainpy-import.spec.ts.
"""
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2', PYTHONUNBUFFERED='1', CUDA_VISIBLE_DEVICES='-1',
           # offline: any download (Keras's ImageNet weights) fails at once instead of waiting
           HTTP_PROXY='http://127.0.0.1:9', HTTPS_PROXY='http://127.0.0.1:9', NO_PROXY='')
failures = []
# train.py's studio/ files and predictions, kept for the e2e import (git-ignored; not test-results/, which Playwright empties)
PYTHON_OUT = os.environ.get('PYTHON_OUT_DIR', os.path.normpath(os.path.join(HERE, '..', '..', '.python-out')))


def check(condition, message):
    print(('  ok   ' if condition else '  FAIL ') + message, flush=True)
    if not condition:
        failures.append(message)


def unpack(zip_path, into):
    if os.path.isdir(into):
        shutil.rmtree(into)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(into)
    return into


def train(folder, *args, env=None, timeout=600):
    """Runs train.py in `folder` (its defaults: dataset/, base/); returns the CompletedProcess."""
    started = time.time()
    result = subprocess.run([sys.executable, 'train.py', *args], cwd=folder, env=env or ENV,
                            capture_output=True, text=True, timeout=timeout)
    print(f'  train.py {" ".join(args)}: exit {result.returncode}, {time.time() - started:.0f} s', flush=True)
    return result


def read_json(path):
    with open(path, encoding='utf-8') as file:
        return json.load(file)


def tfjs_weights(folder):
    """{'layer/weight': array} of base/model.json, with train.py's own reader."""
    sys.path.insert(0, folder)
    try:
        import importlib
        module = importlib.import_module('train')
        importlib.reload(module)
        return module.read_tfjs_weights(os.path.join(folder, 'base'))
    finally:
        sys.path.pop(0)
        sys.modules.pop('train', None)


def check_browser_weights(folder, family):
    """The head-only model keeps the base's weights: they must be the TensorFlow.js files' numbers."""
    import numpy as np
    import tensorflow as tf
    model = tf.keras.models.load_model(os.path.join(folder, 'out', 'classifier.keras'))
    base = next(layer for layer in model.layers if hasattr(layer, 'layers'))
    weights = tfjs_weights(folder)
    names = ['conv1', 'conv_dw_13', 'conv_pw_13_bn'] if family == 'mobilenet_v1' else ['Conv1', 'block_16_depthwise', 'Conv_1_bn']
    for name in names:
        layer = base.get_layer(name)
        keras_values = layer.get_weights()
        tfjs_values = [value for key, value in weights.items() if key.startswith(name + '/')]
        same = len(keras_values) == len(tfjs_values) and all(
            any(a.shape == b.shape and np.array_equal(a, b) for b in tfjs_values) for a in keras_values)
        check(same, f'{family}: layer {name} holds base/model.json\'s weights exactly')


def check_run(folder, label, result, phases, out='out'):
    check(result.returncode == 0, f'{label}: exits 0')
    if result.returncode != 0:
        print(result.stdout[-3000:] + result.stderr[-3000:])
        return None
    out = os.path.join(folder, out)
    for name in ('classifier.keras', 'labels.json', 'history.json'):
        check(os.path.isfile(os.path.join(out, name)), f'{label}: writes {name}')
    check('weights from base' in result.stdout, f'{label}: loads the base from base/ (the browser\'s weights)')
    history = read_json(os.path.join(out, 'history.json'))
    check(sorted(history) == sorted(phases), f'{label}: phases {sorted(history)} == {sorted(phases)}')
    losses = history.get('head', {}).get('loss', [])
    check(len(losses) >= 2 and losses[-1] < losses[0], f'{label}: the head\'s loss falls {losses}')
    return history


def run_base(zips, base_id, work):
    info = zips[base_id]
    folder = unpack(os.path.join(work, '..', info['zip']), os.path.join(work, base_id))
    os.makedirs(os.path.join(folder, 'out'))
    outs = ['--out', 'out/classifier.keras', '--labels', 'out/labels.json', '--history', 'out/history.json', '--studio', 'out/studio']
    print(f'{base_id}: fine-tuning 2 blocks with augmentation', flush=True)
    history = check_run(folder, f'{base_id} fine-tuned', train(folder, *outs), ['head', 'fine_tune'])
    if history:
        check(len(history['fine_tune']['loss']) == 1, f'{base_id}: one fine-tuning epoch')
        check(read_json(os.path.join(folder, 'out', 'labels.json')) == info['classes'], f'{base_id}: labels.json holds the classes')
        keep_for_studio(folder, base_id, 'fine-tuned', info, 2)
    print(f'{base_id}: the head only (--fine-tune-blocks 0, --epochs 2, --batch-size 4)', flush=True)
    result = train(folder, *outs, '--fine-tune-blocks', '0', '--epochs', '2', '--batch-size', '4')
    history = check_run(folder, f'{base_id} head only', result, ['head'])
    if history:
        check('1 replica(s) in sync, global batch 4 ' in result.stdout, f'{base_id}: --strategy auto without GPUs: one device')
        check(len(history['head']['loss']) == 2, f'{base_id}: --epochs 2 gives 2 epochs')
        check_browser_weights(folder, info['family'])
        keep_for_studio(folder, base_id, 'head-only', info, 0)
    return folder


def keep_for_studio(folder, base_id, run, info, blocks):
    """train.py's studio/ files (for "Import a model") and its model's predictions on 5 of the photos
    (resized to 224 x 224 PNGs, so the browser decodes the same pixels) into .python-out/<base>/<run>/,
    where e2e/trainpy-import.spec.ts imports them into the built app and predicts the same photos."""
    import numpy as np
    import tensorflow as tf
    from PIL import Image
    studio = os.path.join(folder, 'out', 'studio')
    names = ['metadata.json', 'weights.json', 'weights.bin']
    check(all(os.path.isfile(os.path.join(studio, name)) for name in names), f'{base_id} {run}: writes studio/ ({", ".join(names)})')
    if not os.path.isfile(os.path.join(studio, 'metadata.json')):
        return
    metadata = read_json(os.path.join(studio, 'metadata.json'))
    check(metadata['labels'] == info['classes'] and metadata['baseId'] == base_id and metadata['fineTunedBlocks'] == blocks,
          f'{base_id} {run}: studio/metadata.json: labels, base, {blocks} fine-tuned block(s)')
    keep = os.path.join(PYTHON_OUT, base_id, run)
    if os.path.isdir(keep):
        shutil.rmtree(keep)
    shutil.copytree(studio, os.path.join(keep, 'studio'))
    os.makedirs(os.path.join(keep, 'photos'))
    photos = []
    for k, name in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)]:  # the first photos of classes 0, 1, 2
        cls = info['classes'][k]
        source = sorted(os.listdir(os.path.join(folder, 'dataset', cls)))[name]
        png = os.path.join(keep, 'photos', f'{cls}-{os.path.splitext(source)[0]}.png')
        Image.open(os.path.join(folder, 'dataset', cls, source)).convert('RGB').resize((224, 224), Image.BILINEAR).save(png)
        photos.append(png)
    model = tf.keras.models.load_model(os.path.join(folder, 'out', 'classifier.keras'))
    pixels = np.stack([np.asarray(Image.open(png), dtype='float32') for png in photos])
    probabilities = model.predict(pixels, verbose=0)
    predictions = [{'photo': os.path.basename(png), 'top': metadata['labels'][int(np.argmax(p))], 'probabilities': [float(x) for x in p]}
                   for png, p in zip(photos, probabilities)]
    with open(os.path.join(keep, 'predictions.json'), 'w', encoding='utf-8') as file:
        json.dump({'base': base_id, 'run': run, 'labels': metadata['labels'], 'predictions': predictions}, file, indent=2)
    print(f'  kept {keep} (studio/, 5 photos, predictions.json) for e2e/trainpy-import.spec.ts', flush=True)


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(('127.0.0.1', 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def run_two_workers(folder):
    """Two processes, one TF_CONFIG each: worker 0 is the chief."""
    print('two workers (--strategy multiworker, loopback)', flush=True)
    cluster = {'worker': [f'localhost:{port}' for port in free_ports(2)]}
    processes, started = [], time.time()
    for index in range(2):
        out = os.path.join(folder, f'worker{index}')
        os.makedirs(out, exist_ok=True)
        env = dict(ENV, TF_CONFIG=json.dumps({'cluster': cluster, 'task': {'type': 'worker', 'index': index}}))
        args = ['--strategy', 'multiworker', '--fine-tune-blocks', '0', '--epochs', '2',
                '--out', f'{out}/classifier.keras', '--labels', f'{out}/labels.json', '--history', f'{out}/history.json']
        processes.append(subprocess.Popen([sys.executable, 'train.py', *args], cwd=folder, env=env,
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    try:
        logs = [p.communicate(timeout=300)[0] for p in processes]
    finally:
        for p in processes:  # a worker left waiting for the other (one failed, or hung): stopped
            if p.poll() is None:
                p.kill()
                p.wait()
    print(f'  two workers: exits {[p.returncode for p in processes]}, {time.time() - started:.0f} s', flush=True)
    for index, (process, log) in enumerate(zip(processes, logs)):
        check(process.returncode == 0, f'worker {index}: exits 0')
        if process.returncode != 0:
            print(log[-4000:])
    epochs = [[line for line in log.splitlines() if line.startswith('Epoch ')] for log in logs]
    check(len(epochs[0]) == 2 and epochs[0] == epochs[1], f'both workers finish the same epochs with the same losses: {epochs}')
    check('2 replica(s)' in logs[0] and '2 replica(s)' in logs[1], 'each worker sees 2 replicas (global batch doubled)')
    check(os.path.isfile(os.path.join(folder, 'worker0', 'classifier.keras')), 'the chief (worker 0) writes the model')
    check(not os.path.exists(os.path.join(folder, 'worker1', 'classifier.keras')), 'worker 1 writes no model')


def run_mirrored_cpu(folder):
    """--strategy mirrored --cpu-replicas 2: MirroredStrategy over 2 logical CPU devices (no GPU)."""
    print('mirrored over 2 logical CPU devices (--strategy mirrored --cpu-replicas 2)', flush=True)
    out = os.path.join(folder, 'mirrored')
    os.makedirs(out, exist_ok=True)
    result = train(folder, '--strategy', 'mirrored', '--cpu-replicas', '2', '--fine-tune-blocks', '0', '--epochs', '2',
                   '--batch-size', '4', '--out', 'mirrored/classifier.keras', '--labels', 'mirrored/labels.json',
                   '--history', 'mirrored/history.json', '--studio', 'mirrored/studio')
    line = re.search(r'strategy: (\w+), (\d+) replica\(s\) in sync, global batch (\d+) = (\d+) per replica', result.stdout)
    check(line is not None and line.group(1) == 'MirroredStrategy' and line.group(2) == '2',
          f'mirrored: MirroredStrategy with 2 replicas in sync ({line.group(0) if line else "no strategy line"})')
    check(line is not None and int(line.group(3)) == 2 * int(line.group(4)) == 8, 'mirrored: global batch 8 = 2 x --batch-size 4')
    history = check_run(folder, 'mirrored 2 CPU replicas', result, ['head'], out='mirrored')
    if history:
        losses = history['head']['loss']
        check(len(losses) == 2 and all(math.isfinite(loss) for loss in losses), f'mirrored: 2 epochs, finite losses {losses}')
        check(os.path.isfile(os.path.join(out, 'studio', 'metadata.json')), 'mirrored: writes studio/')


def run_not_images(folder):
    """A class folder with a file that is not an image: train.py stops before training, naming it."""
    print('not images: a .txt, a .jpg of text, a truncated .jpg', flush=True)
    notes = os.path.join(folder, 'dataset', '0', 'notes.txt')
    with open(notes, 'w', encoding='utf-8') as file:
        file.write('photos taken on Monday\n')
    result = train(folder, '--epochs', '1')
    os.remove(notes)
    check(result.returncode == 1 and os.path.join('0', 'notes.txt') + ': not an image file' in result.stderr
          and 'Epoch' not in result.stdout, f'a .txt in a class folder: stops before training, naming it ({last_line(result)})')
    photos = os.path.join(folder, 'dataset', '2')
    first = os.path.join(photos, sorted(os.listdir(photos))[0])
    with open(first, 'rb') as file:
        photo = file.read()
    broken = {os.path.join(photos, 'text.jpg'): b'this is not a JPEG\n', os.path.join(photos, 'truncated.jpg'): photo[:len(photo) // 2]}
    for path, data in broken.items():
        with open(path, 'wb') as file:
            file.write(data)
    result = train(folder, '--epochs', '1')
    for path in broken:
        os.remove(path)
    for name in broken:
        relative = os.path.relpath(name, os.path.join(folder, 'dataset'))
        check(result.returncode == 1 and f'  {relative}: not an image TensorFlow can read (' in result.stderr and 'Epoch' not in result.stdout,
              f'{relative}: stops before training, naming it')
    check('2 file(s) in dataset are not images' in result.stderr, f'both named in one message ({last_line(result)})')


def last_line(result):
    lines = result.stderr.strip().splitlines()
    return lines[-1] if lines else ''


def run_bad_input(v1_folder, v2_folder):
    print('bad input', flush=True)
    run_not_images(v2_folder)
    result = train(v2_folder, '--base', os.path.join(v1_folder, 'base'), '--epochs', '1')
    check(result.returncode != 0 and 'layer ' in result.stderr and 'base files' in result.stderr,
          f'another base\'s files: stops naming the layer ({last_line(result)})')
    empty = os.path.join(v2_folder, 'dataset', '1')
    for file in os.listdir(empty):
        os.remove(os.path.join(empty, file))
    result = train(v2_folder, '--epochs', '1')
    check(result.returncode != 0 and "class '1' has no images" in result.stderr, 'an empty class: stops naming the class')


def main():
    export_dir = os.path.abspath(sys.argv[1])
    quick = '--quick' in sys.argv
    zips = read_json(os.path.join(export_dir, 'zips.json'))
    work = os.path.join(export_dir, 'runs')
    os.makedirs(work, exist_ok=True)
    started = time.time()
    v1 = run_base(zips, 'mobilenet_v1_0.25', work)
    v2 = run_base(zips, 'mobilenet_v2_0.35', work)
    run_mirrored_cpu(v1)
    if not quick:
        run_two_workers(v1)
    run_bad_input(v1, v2)
    print(f'{len(failures)} failure(s), {time.time() - started:.0f} s')
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()

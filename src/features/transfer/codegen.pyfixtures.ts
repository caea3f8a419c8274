/** Python helpers for codegen.test.ts: an AST checker, a stand-in `tensorflow` package and a driver. */

export const CHECK_PY = `
import ast, builtins, json, sys
tree = ast.parse(open(sys.argv[1], encoding='utf-8').read(), filename=sys.argv[1])
bound = set(dir(builtins))
for node in ast.walk(tree):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        bound.update((alias.asname or alias.name).split('.')[0] for alias in node.names)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        bound.add(node.name)
    elif isinstance(node, ast.arg):
        bound.add(node.arg)
    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        bound.add(node.id)
    elif isinstance(node, ast.ExceptHandler) and node.name:
        bound.add(node.name)
undefined = sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in bound})
names = [ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign) and any(getattr(t, 'id', '') == 'CLASS_NAMES' for t in n.targets)]
calls = sorted({ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)})
print(json.dumps({'undefined': undefined, 'classNames': names[0] if names else None, 'calls': calls}))
`;

/**
 * A stand-in for TensorFlow: records what train.py asks of it. MobileNet (v1) and MobileNetV2 have
 * Keras's layer names and output shapes without their tops ([7, 7, 256] at alpha 0.25; [7, 7, 1280]).
 */
export const STUB_PY = `
import sys
from unittest import mock
keras = mock.MagicMock(name='keras')
data = mock.MagicMock(name='data')
# one device, no GPU: the default strategy with one replica
distribute = mock.MagicMock(name='distribute')
distribute.get_strategy.return_value.num_replicas_in_sync = 1
config = mock.MagicMock(name='config')
config.list_physical_devices.return_value = []
# check_folders decodes every photo: with the stand-in, every file decodes (OpError: what a failed decode raises)
io = mock.MagicMock(name='io')
class OpError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message
errors = mock.Mock(OpError=OpError, InvalidArgumentError=OpError)
layers = keras.layers
sys.modules[__name__ + '.keras'] = keras
state = {}

class Layer:
    def __init__(self, name):
        self.name = name
        self.trainable = True
        self.weights = []  # (write_studio: the stand-in base has no values to write)

def v1_names():
    names = ['input_1', 'conv1', 'conv1_bn', 'conv1_relu']
    for n in range(1, 14):
        names += ['conv_pad_%d' % n] if n in (2, 4, 6, 12) else []
        names += [p % n for p in ('conv_dw_%d', 'conv_dw_%d_bn', 'conv_dw_%d_relu', 'conv_pw_%d', 'conv_pw_%d_bn', 'conv_pw_%d_relu')]
    return names

def v2_names():
    names = ['input_1', 'Conv1', 'bn_Conv1', 'Conv1_relu', 'expanded_conv_depthwise', 'expanded_conv_depthwise_BN',
             'expanded_conv_depthwise_relu', 'expanded_conv_project', 'expanded_conv_project_BN']
    for n in range(1, 17):
        names += [p % n for p in ('block_%d_expand', 'block_%d_expand_BN', 'block_%d_expand_relu')]
        names += ['block_%d_pad' % n] if n in (1, 3, 6, 13) else []
        names += [p % n for p in ('block_%d_depthwise', 'block_%d_depthwise_BN', 'block_%d_depthwise_relu', 'block_%d_project', 'block_%d_project_BN')]
        names += ['block_%d_add' % n] if n not in (1, 3, 6, 10, 13, 16) else []
    return names + ['Conv_1', 'Conv_1_bn', 'out_relu']

class Base:
    def __init__(self, names, channels):
        self.layers = [Layer(name) for name in names]
        self.output = mock.Mock(shape=(None, 7, 7, channels))
        self._trainable = True
        self.calls = []
    @property
    def trainable(self):
        return self._trainable
    @trainable.setter
    def trainable(self, value):  # like Keras: sets every layer
        self._trainable = value
        for layer in self.layers:
            layer.trainable = value
    def __call__(self, x, **kwargs):
        self.calls.append(kwargs)
        return mock.MagicMock(name='features')

def application(name, names, channels):
    def make(**kwargs):
        state['application'] = name
        state['mobilenet'] = kwargs
        state['base'] = Base(names, channels)
        return state['base']
    return make

def dataset(name):
    ds = mock.MagicMock(name=name)
    ds.prefetch.return_value = ds
    ds.with_options.return_value = ds
    ds.map.side_effect = lambda fn, **kw: (state.setdefault('mapped', []).append(repr(fn('images', 'labels'))), ds)[1]
    return ds

def from_directory(directory, **kwargs):
    state.setdefault('datasets', []).append(dict(directory=directory, **kwargs))
    return (dataset('train'), dataset('validation')) if kwargs.get('subset') == 'both' else dataset('train')

def save(path):
    with open(path, 'w') as file:
        file.write('model')

keras.applications.MobileNet.side_effect = application('MobileNet', v1_names(), 256)
keras.applications.MobileNetV2.side_effect = application('MobileNetV2', v2_names(), 1280)
keras.utils.image_dataset_from_directory.side_effect = from_directory
keras.Model.return_value.save.side_effect = save

def calls(m):
    """Every call of a layer class, in order: [args, kwargs] (Rescaling twice gives two entries)."""
    return [[list(c.args), dict(c.kwargs)] for c in m.call_args_list]

def layer_order():
    """The layer classes train.py makes, in order ('Dense', not 'Dense()', the call on a tensor)."""
    return [name for name, _, _ in layers.mock_calls if name.isidentifier()]

def report():
    model, base = keras.Model.return_value, state.get('base')
    return {
        'datasets': state.get('datasets', []), 'application': state.get('application'), 'mobilenet': state.get('mobilenet'), 'baseCalls': base and base.calls,
        'trainable': base and {layer.name: layer.trainable for layer in base.layers},
        'rescaling': calls(layers.Rescaling), 'flatten': calls(layers.Flatten), 'average': calls(layers.GlobalAveragePooling2D),
        'averagePooling': calls(layers.AveragePooling2D), 'dense': calls(layers.Dense), 'layers': layer_order(),
        'dropout': calls(layers.Dropout), 'randomFlip': calls(layers.RandomFlip), 'randomZoom': calls(layers.RandomZoom),
        'randomRotation': calls(layers.RandomRotation), 'randomBrightness': calls(layers.RandomBrightness), 'randomContrast': calls(layers.RandomContrast),
        'augmentCalls': calls(keras.Sequential.return_value), 'mapped': state.get('mapped', []),
        'optimizers': {name: calls(getattr(keras.optimizers, name)) for name in ('SGD', 'RMSprop', 'Adam')},
        'compile': [{k: v for k, v in c.kwargs.items() if k != 'optimizer'} for c in model.compile.call_args_list],
        'fit': [dict({k: v for k, v in c.kwargs.items() if k != 'validation_data'}, validation=c.kwargs.get('validation_data') is not None) for c in model.fit.call_args_list],
        'seed': calls(keras.utils.set_random_seed),
    }
`;

export const DRIVER_PY = `
import json, runpy, sys
script, stub, data, out = sys.argv[1:5]
sys.path.insert(0, stub)
import tensorflow
# --imagenet-weights: the stand-in has no weights to load (the real-TensorFlow test, scripts/python/, loads base/)
sys.argv = [script, '--data', data, '--out', out + '/classifier.keras', '--labels', out + '/labels.json', '--history', out + '/history.json', '--studio', out + '/studio', '--imagenet-weights']
try:
    runpy.run_path(script, run_name='__main__')
finally:
    print('REPORT ' + json.dumps(tensorflow.report(), default=repr))
`;


/**
 * Kernels that tfjs-backend-wasm 4.22 lacks but training a convolution needs (the gradients of
 * Conv2D's filter and of DepthwiseConv2D's filter and input). Each is registered for wasm as a
 * bridge: the cpu backend's kernel runs on copies of the inputs, and its result is written into
 * wasm memory. Fine-tuning MobileNet's top blocks and training the Tiny VGG then work on wasm too.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmMatMul } from './wasmMatMul';

export const WASM_FALLBACK_KERNELS = ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'] as const;

/** The parts of tfjs-backend-wasm's BackendWasm the bridge uses. */
interface WasmBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
}

function bridge(cpuKernel: tf.KernelConfig): tf.KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const cpu = tf.engine().findBackend('cpu');
    if (!cpu) throw new Error('the cpu backend is not available');
    const wasm = backend as WasmBackend;
    const copies: tf.NamedTensorInfoMap = {};
    for (const [key, info] of Object.entries(inputs)) {
      if (!info) continue;
      const values = (wasm.readSync(info.dataId) as tf.TypedArray).slice();
      copies[key] = { dataId: cpu.write(values, info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
    }
    try {
      const result = cpuKernel.kernelFunc({ inputs: copies, attrs, backend: cpu }) as tf.TensorInfo;
      const values = cpu.readSync(result.dataId) as tf.TypedArray;
      cpu.disposeData(result.dataId);
      const output = wasm.makeOutput(result.shape, result.dtype);
      wasm.typedArrayFromHeap(output).set(values);
      return output;
    } finally {
      Object.values(copies).forEach((copy) => copy && cpu.disposeData(copy.dataId));
    }
  };
}

/** Registers the bridges (once; a kernel wasm gains in a later tfjs is left alone), and the fast transposed products (wasmMatMul.ts). */
export function registerWasmFallbacks(): void {
  registerWasmMatMul();
  for (const kernelName of WASM_FALLBACK_KERNELS) {
    const cpuKernel = tf.getKernel(kernelName, 'cpu');
    if (tf.getKernel(kernelName, 'wasm') || !cpuKernel) continue;
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: bridge(cpuKernel) });
  }
}

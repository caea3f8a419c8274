/**
 * Matrix products with a transposed operand on wasm, made fast. tfjs-backend-wasm 4.22 multiplies
 * `a · b` with XNNPACK, but with `transposeA` or `transposeB` set (every Dense layer's gradients:
 * xᵀ · δ for the kernel, δ · Wᵀ for the input) it takes a path about ten times slower: for a
 * [64, 5120] batch and a [5120, 10] kernel, 10.6 ms instead of 1.1 ms for transposing first and then
 * multiplying (measured in Node). BatchMatMul and _FusedMatMul are registered again for wasm:
 * a transposed operand is transposed by wasm's own Transpose kernel first (a temporary freed at
 * once), then the original kernel multiplies the plain operands. The result is the same product.
 */
import * as tf from '@tensorflow/tfjs';

export const WASM_MATMUL_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** The last two axes swapped (wasm's Transpose kernel; the caller frees the result). */
function swapLastAxes(x: tf.TensorInfo, backend: tf.KernelBackend): tf.TensorInfo {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) throw new Error('wasm has no Transpose kernel');
  const rank = x.shape.length;
  const perm = [...Array.from({ length: rank - 2 }, (_, k) => k), rank - 1, rank - 2];
  return transpose.kernelFunc({ inputs: { x }, attrs: { perm }, backend }) as tf.TensorInfo;
}

function transposingFirst(original: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const { transposeA, transposeB } = args.attrs as unknown as MatMulAttrs;
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const backend = args.backend as tf.KernelBackend;
    const temporaries: tf.TensorInfo[] = [];
    const plain = (x: tf.TensorInfo, transposed: boolean) => {
      if (!transposed) return x;
      const swapped = swapLastAxes(x, backend);
      temporaries.push(swapped);
      return swapped;
    };
    try {
      const inputs = { ...args.inputs, a: plain(a, transposeA), b: plain(b, transposeB) };
      return original.kernelFunc({ ...args, inputs, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      temporaries.forEach((info) => backend.disposeData(info.dataId));
    }
  };
}

const wrapped = new Set<string>();

/** Registers the transposing kernels (once; before or after the wasm backend is set up). */
export function registerWasmMatMul(): void {
  for (const kernelName of WASM_MATMUL_KERNELS) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (!original || wrapped.has(kernelName)) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: transposingFirst(original) });
    wrapped.add(kernelName);
  }
}

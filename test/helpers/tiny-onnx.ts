// A minimal ONNX protobuf encoder, enough to build tiny float32 test models
// without Python, and one such model with a plain-JS reference implementation.
//
// Field numbers follow onnx/onnx.proto (proto2):
//   ModelProto      ir_version=1 producer_name=2 graph=7 opset_import=8
//   OperatorSetId   domain=1 version=2
//   GraphProto      node=1 name=2 initializer=5 input=11 output=12
//   NodeProto       input=1 output=2 name=3 op_type=4 attribute=5
//   AttributeProto  name=1 f=2 i=3 ints=8 type=20 (FLOAT=1, INT=2, INTS=7)
//   TensorProto     dims=1 data_type=2 name=8 raw_data=9 (FLOAT=1)
//   ValueInfoProto  name=1 type=2; TypeProto tensor_type=1;
//   TypeProto.Tensor elem_type=1 shape=2; TensorShapeProto dim=1; Dimension dim_value=1

/** Protobuf wire-format writer: varints, length-delimited fields, fixed32 floats. */
class Writer {
  private bytes: number[] = [];

  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value)); // negative int64 → ten bytes, as protobuf does
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
    return this;
  }

  private tag(field: number, wireType: 0 | 2 | 5): this {
    return this.varint((field << 3) | wireType);
  }

  int(field: number, value: number): this {
    return this.tag(field, 0).varint(value);
  }

  bytesField(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    for (const b of data) this.bytes.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const buf = new Uint8Array(4);
    new DataView(buf.buffer).setFloat32(0, value, true);
    for (const b of buf) this.bytes.push(b);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

export type Attribute = number | number[] | { float: number };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, Attribute>;
}

export interface Float32Initializer {
  name: string;
  dims: number[];
  data: Float32Array;
}

export interface ValueInfo {
  name: string;
  dims: number[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: Float32Initializer[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  opset?: number;
}

const FLOAT = 1;

function writeValueInfo(w: Writer, v: ValueInfo): void {
  w.string(1, v.name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, FLOAT).message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => dim.int(1, d));
      }),
    ),
  );
}

function writeAttribute(w: Writer, name: string, value: Attribute): void {
  w.string(1, name);
  if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    w.int(20, 7);
  } else if (typeof value === 'number') {
    w.int(3, value).int(20, 2);
  } else {
    w.float(2, value.float).int(20, 1);
  }
}

/** Serialises a float32 graph to the bytes of an .onnx file (IR version 8). */
export function encodeModel(graph: OnnxGraph): Uint8Array {
  const w = new Writer();
  w.int(1, 8); // IR version 8 goes with opset 17
  w.string(2, 'tiny-onnx');
  w.message(7, (g) => {
    graph.nodes.forEach((node, i) =>
      g.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        n.string(3, `${node.op.toLowerCase()}_${i}`);
        n.string(4, node.op);
        for (const [key, value] of Object.entries(node.attributes ?? {})) {
          n.message(5, (a) => writeAttribute(a, key, value));
        }
      }),
    );
    g.string(2, graph.name);
    for (const init of graph.initializers) {
      g.message(5, (t) => {
        for (const d of init.dims) t.int(1, d);
        t.int(2, FLOAT);
        t.string(8, init.name);
        const raw = new Uint8Array(init.data.length * 4);
        const view = new DataView(raw.buffer);
        init.data.forEach((x, k) => view.setFloat32(k * 4, x, true)); // raw_data is little-endian
        t.bytesField(9, raw);
      });
    }
    for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
    for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
  });
  w.message(8, (o) => o.string(1, '').int(2, graph.opset ?? 17));
  return w.finish();
}

// ---------------------------------------------------------------------------
// The test model: Conv(3×3, pad 1) + bias → Relu → Flatten → MatMul → Add → Tanh.
// Input x: [1, 2, 4, 4]. Outputs: features [1, 3, 4, 4] and y [1, 5].

export const TINY = { inC: 2, outC: 3, h: 4, w: 4, k: 3, hidden: 5 } as const;

/** Deterministic weights in [-0.5, 0.5) from a small integer hash, exactly representable in float32. */
function fixedWeights(n: number, salt: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i + 1, 2654435761) ^ Math.imul(salt, 40503);
    out[i] = (((h >>> 8) & 0xff) - 128) / 256;
  }
  return out;
}

export function tinyWeights() {
  const { inC, outC, h, w, k, hidden } = TINY;
  return {
    convW: fixedWeights(outC * inC * k * k, 1),
    convB: fixedWeights(outC, 2),
    fcW: fixedWeights(outC * h * w * hidden, 3),
    fcB: fixedWeights(hidden, 4),
  };
}

export function tinyModel(): Uint8Array {
  const { inC, outC, h, w, k, hidden } = TINY;
  const wts = tinyWeights();
  return encodeModel({
    name: 'tiny_conv_mlp',
    inputs: [{ name: 'x', dims: [1, inC, h, w] }],
    outputs: [
      { name: 'features', dims: [1, outC, h, w] },
      { name: 'y', dims: [1, hidden] },
    ],
    initializers: [
      { name: 'conv_w', dims: [outC, inC, k, k], data: wts.convW },
      { name: 'conv_b', dims: [outC], data: wts.convB },
      { name: 'fc_w', dims: [outC * h * w, hidden], data: wts.fcW },
      { name: 'fc_b', dims: [hidden], data: wts.fcB },
    ],
    nodes: [
      { op: 'Conv', inputs: ['x', 'conv_w', 'conv_b'], outputs: ['conv'], attributes: { kernel_shape: [k, k], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['conv'], outputs: ['features'] },
      { op: 'Flatten', inputs: ['features'], outputs: ['flat'], attributes: { axis: 1 } },
      { op: 'MatMul', inputs: ['flat', 'fc_w'], outputs: ['mm'] },
      { op: 'Add', inputs: ['mm', 'fc_b'], outputs: ['pre'] },
      { op: 'Tanh', inputs: ['pre'], outputs: ['y'] },
    ],
  });
}

/** A deterministic input for the tiny model. */
export function tinyInput(): Float32Array {
  const { inC, h, w } = TINY;
  return Float32Array.from({ length: inC * h * w }, (_, i) => Math.sin(i * 0.7) * 0.9);
}

/** The tiny model in plain JavaScript (float64 accumulation), for checking a runtime's outputs. */
export function tinyReference(x: Float32Array): { features: Float32Array; y: Float32Array } {
  const { inC, outC, h, w, k, hidden } = TINY;
  const { convW, convB, fcW, fcB } = tinyWeights();
  const features = new Float32Array(outC * h * w);
  for (let o = 0; o < outC; o++) {
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        let s = convB[o];
        for (let i = 0; i < inC; i++) {
          for (let dr = 0; dr < k; dr++) {
            for (let dc = 0; dc < k; dc++) {
              const rr = r + dr - 1, cc = c + dc - 1;
              if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
              s += convW[((o * inC + i) * k + dr) * k + dc] * x[(i * h + rr) * w + cc];
            }
          }
        }
        features[(o * h + r) * w + c] = Math.max(0, s);
      }
    }
  }
  const y = new Float32Array(hidden);
  for (let j = 0; j < hidden; j++) {
    let s = fcB[j];
    for (let i = 0; i < features.length; i++) s += features[i] * fcW[i * hidden + j];
    y[j] = Math.tanh(s);
  }
  return { features, y };
}

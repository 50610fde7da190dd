"""FLOPs of one call of an ONNX graph at fixed input shapes, counted from the graph:
2 x multiply-accumulates of Conv, ConvTranspose, MatMul and Gemm (the rest is small)."""
import numpy as np
import onnx
from onnx import shape_inference


def count_flops(path, input_shapes):
    m = onnx.load(str(path))
    for inp in m.graph.input:
        if inp.name in input_shapes:
            dims = inp.type.tensor_type.shape.dim
            for d, v in zip(dims, input_shapes[inp.name]):
                d.ClearField("dim_param")
                d.dim_value = int(v)
    m = shape_inference.infer_shapes(m, data_prop=True)
    shapes = {}
    for vi in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        dims = [d.dim_value if d.HasField("dim_value") else None for d in vi.type.tensor_type.shape.dim]
        shapes[vi.name] = dims
    for init in m.graph.initializer:
        shapes[init.name] = list(init.dims)
    # Casts from fp16 storage keep the initializer's shape.
    for node in m.graph.node:
        if node.op_type == "Cast" and node.input[0] in shapes and node.output[0] not in shapes:
            shapes[node.output[0]] = shapes[node.input[0]]
    macs, unknown = 0, 0
    for node in m.graph.node:
        out = shapes.get(node.output[0])
        if node.op_type in ("Conv", "ConvTranspose"):
            w = shapes.get(node.input[1])
            if not out or not w or None in out:
                unknown += 1
                continue
            group = next((a.i for a in node.attribute if a.name == "group"), 1)
            if node.op_type == "Conv":
                macs += int(np.prod(out)) * int(np.prod(w[1:]))
            else:
                macs += int(np.prod(shapes[node.input[0]])) * int(np.prod(w[1:]))
        elif node.op_type in ("MatMul", "Gemm"):
            a = shapes.get(node.input[0])
            if not out or not a or None in out or None in a:
                unknown += 1
                continue
            k = a[-1] if node.op_type == "MatMul" or not any(x.name == "transA" and x.i for x in node.attribute) else a[-2]
            macs += int(np.prod(out)) * int(k)
    if unknown:
        print(f"flops: {unknown} nodes of {path} had unknown shapes and were not counted")
    return 2 * macs

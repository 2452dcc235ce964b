package io.irkit.kernels;

import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;

/**
 * A loss value with its gradients: {@code grad} = dLoss/dEmbeddings (push it with
 * {@code embeddings.backward(grad)}), {@code gradRef} = dLoss/dRefEmb (null without a reference
 * set), {@code gradWeights} = dLoss/dWeights (classifier and proxy losses only).
 */
public record LossResult(float loss, Tensor grad, Tensor gradRef, Tensor gradWeights) {
  /** {@code embeddings.backward(grad)}: pushes dLoss/dEmbeddings into the autograd graph. */
  public void backward(Tensor embeddings) {
    // grad is float32; autograd wants the embeddings' own dtype (bfloat16 / float16 under autocast).
    Tensor g = grad.scalar_type().value == embeddings.scalar_type().value ? grad : grad.to(embeddings.scalar_type());
    embeddings.backward(g, new BoolOptional(), false, new TensorArrayRefOptional());
  }
}

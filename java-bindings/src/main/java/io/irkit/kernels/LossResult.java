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
    embeddings.backward(grad, new BoolOptional(), false, new TensorArrayRefOptional());
  }
}

package io.irkit.bench;

import java.util.function.Function;
import org.bytedeco.pytorch.Tensor;

/** Forward + backward of a LibTorch-ops loss: fresh leaves, loss.backward(), their gradients. */
final class Autograd {
  private Autograd() {}

  record Result(float loss, Tensor[] grads) {}

  static Result run(Function<Tensor[], Tensor> forward, Tensor... inputs) {
    Tensor[] leaves = new Tensor[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      leaves[i] = inputs[i].detach();
      leaves[i].set_requires_grad(true);
    }
    Tensor loss = forward.apply(leaves);
    loss.backward();
    Tensor[] grads = new Tensor[leaves.length];
    for (int i = 0; i < leaves.length; i++) grads[i] = leaves[i].grad();
    return new Result(loss.item_float(), grads);
  }
}

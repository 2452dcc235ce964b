package io.irkit.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.irkit.kernels.TorchRuntime;
import java.util.List;
import org.bytedeco.pytorch.BoolOptional;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorArrayRefOptional;
import org.bytedeco.pytorch.TensorVector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Optimizers minimise a quadratic; schedules follow their formulas. */
class OptimizationTest {
  @BeforeAll
  static void loadTorch() {
    TorchRuntime.init();
  }

  @Test
  void everyOptimizerDecreasesAQuadratic() {
    for (String name : List.of("adam", "adamw", "rmsprop", "sgd")) {
      Tensor w = Tensor.create(new float[] {3f, -2f}, 2);
      w.set_requires_grad(true); // returns a reference into w: keep using w
      Optimizer opt = Optimizers.create(name, new TensorVector(w), 0.05, 0.0, 0.9);
      double first = 0, last = 0;
      for (int step = 0; step < 30; step++) {
        opt.zero_grad();
        Tensor loss = w.mul(w).sum();
        if (step == 0) first = loss.item_float();
        last = loss.item_float();
        loss.backward(new Tensor(), new BoolOptional(), false, new TensorArrayRefOptional());
        opt.step();
      }
      assertTrue(last < 0.7 * first, name + ": loss " + first + " -> " + last);
    }
    assertThrows(IllegalArgumentException.class, () -> Optimizers.create("adagrad", new TensorVector(), 0.1, 0, 0));
  }

  @Test
  void learningRateCanBeChangedPerStep() {
    Tensor w = Tensor.create(new float[] {1f}, 1);
    w.set_requires_grad(true);
    Optimizer opt = Optimizers.create("sgd", new TensorVector(w), 0.1, 0.0, 0.0);
    Optimizers.setLr(opt, 0.5);
    opt.zero_grad();
    w.mul(w).sum().backward(new Tensor(), new BoolOptional(), false, new TensorArrayRefOptional());
    opt.step();
    float[] v = new float[1];
    w.data_ptr_float().get(v);
    assertEquals(0f, v[0], 1e-6); // 1 - 0.5 * 2 * 1
  }

  @Test
  void schedules() {
    LrSchedule constant = new LrSchedule("constant", 0.1, 0, 100);
    assertEquals(0.1, constant.at(57));
    LrSchedule cosine = new LrSchedule("cosine", 1.0, 10, 110);
    assertEquals(0.1, cosine.at(0), 1e-12);
    assertEquals(1.0, cosine.at(9), 1e-12);
    assertEquals(1.0, cosine.at(10), 1e-12);
    assertEquals(0.5, cosine.at(60), 1e-12);
    assertEquals(0.0, cosine.at(110), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule("step", 1, 0, 1));
  }
}

package io.irkit.trainer;

import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.OptimizerParamGroupVector;
import org.bytedeco.pytorch.RMSprop;
import org.bytedeco.pytorch.RMSpropOptions;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.TensorVector;

/** LibTorch optimizers by name, and the per-step learning rate. */
final class Optimizers {
  private Optimizers() {}

  static Optimizer create(String name, TensorVector params, double lr, double weightDecay, double momentum) {
    switch (name) {
      case "adam": {
        AdamOptions o = new AdamOptions(lr);
        o.weight_decay().put(weightDecay);
        return new Adam(params, o);
      }
      case "adamw": {
        AdamWOptions o = new AdamWOptions(lr);
        o.weight_decay().put(weightDecay);
        return new AdamW(params, o);
      }
      case "rmsprop": {
        RMSpropOptions o = new RMSpropOptions(lr);
        o.weight_decay().put(weightDecay);
        o.momentum().put(momentum);
        return new RMSprop(params, o);
      }
      case "sgd": {
        SGDOptions o = new SGDOptions(lr);
        o.weight_decay().put(weightDecay);
        o.momentum().put(momentum);
        return new SGD(params, o);
      }
      default:
        throw new IllegalArgumentException("--optimizer must be adam, adamw, rmsprop or sgd, got '" + name + "'");
    }
  }

  static void setLr(Optimizer opt, double lr) {
    OptimizerParamGroupVector groups = opt.param_groups();
    for (long i = 0; i < groups.size(); i++) groups.get(i).options().set_lr(lr);
  }
}
